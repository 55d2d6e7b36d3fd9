import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  EdgeConfig,
  EdgeProxyStackInput,
  StackCheck,
  EdgeState,
  HostRecord,
  NodePoolInput,
  PoolScriptInfo,
  TopologyNode,
  TopologySnapshot,
} from '../../../../src-main/contract.js';
import type { Core } from '../../../../src-main/core/create-core.js';
import { testCore } from '../../../../test/support/core.js';
import { inProcessBridge } from '../../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import { ApiError } from '../../lib/api.js';
import EdgePoolsPanel from './EdgePoolsPanel.svelte';
import type { EdgePoolsSource } from './edge/edge-source.js';

// The panel given its source as functions (the edge and pool services need a swarm and are
// tested against one in the core's suites); `edge:written` and `nodes:removal` arrive through a
// real core's event bus.
let core: Core;
let removeTemp: () => Promise<void>;
beforeAll(async () => {
  const temp = await makeTempDir();
  removeTemp = temp.cleanup;
  core = await testCore(temp.dir);
  window.swarmdeck = inProcessBridge(core);
});
afterEach(() => cleanup());
afterAll(async () => {
  await removeTemp();
});

const savedConfig: EdgeConfig = {
  port: 8080,
  label: { key: 'edge', value: 'true' },
  format: 'haproxy',
  name: 'web',
  output: { kind: 'file', path: '/tmp/swarm.cfg' },
};

const host = (alias: string): HostRecord =>
  ({
    id: `h-${alias}`,
    alias,
    address: `${alias}.lan`,
    port: 22,
    user: 'ops',
    auth: [],
    identityFile: null,
    jump: [],
    tags: [],
  }) as HostRecord;

const pool = (over: Partial<PoolScriptInfo> = {}): PoolScriptInfo => ({
  pool: 'web-spot',
  role: 'worker',
  targetSize: null,
  labels: { tier: 'web' },
  path: '/home/ops/web-spot.sh',
  generatedAt: '2025-06-01T12:00:00Z',
  managers: ['10.0.0.1:2377'],
  stale: [],
  nodes: [],
  ...over,
});

const liveNode = (id: string, hostname: string, role: TopologyNode['role']): TopologyNode => ({
  id,
  hostname,
  role,
  leader: false,
  reachability: role === 'manager' ? 'reachable' : null,
  availability: 'active',
  state: 'ready',
  engine: '27.0.0',
  address: '10.0.0.9',
  labels: {},
  nanoCpus: 2e9,
  memoryBytes: 4e9,
});

function fakeSource(over: { edge?: EdgeState; pools?: PoolScriptInfo[] } = {}) {
  let edge: EdgeState = over.edge ?? { clusterId: 'c1', config: null, enabled: false, lastWrite: null };
  const source = {
    edgeState: vi.fn(() => Promise.resolve(edge)),
    configure: vi.fn((config: EdgeConfig) => {
      edge = { ...edge, config, enabled: true };
      return Promise.resolve(edge);
    }),
    preview: vi.fn(() =>
      Promise.resolve({
        text: 'backend web\n    server node1 10.0.0.1:8080 check\n',
        targets: [{ nodeId: 'n1', hostname: 'node1', address: '10.0.0.1', port: 8080 }],
      }),
    ),
    disable: vi.fn(() => {
      edge = { ...edge, enabled: false };
      return Promise.resolve(edge);
    }),
    hosts: vi.fn(() => Promise.resolve([host('proxy1'), host('lb')])),
    pools: vi.fn(() => Promise.resolve(over.pools ?? [])),
    writeUserData: vi.fn((input: NodePoolInput, path: string) =>
      Promise.resolve(pool({ pool: input.name, role: input.role, labels: input.labels, path })),
    ),
    snapshot: vi.fn(() =>
      Promise.resolve({
        clusterId: 'c1',
        swarmId: 's',
        version: 1,
        nodes: [liveNode('m1', 'manager1', 'manager'), liveNode('n7', 'spot-7', 'worker')],
        services: [],
        tasks: [
          { id: 't1', serviceId: 's1', nodeId: 'n7', state: 'running' },
          { id: 't2', serviceId: 's1', nodeId: 'n7', state: 'running' },
          { id: 't3', serviceId: 's1', nodeId: 'm1', state: 'running' },
        ],
        networks: [],
        health: {},
      } as unknown as TopologySnapshot),
    ),
    // The template comes from the real core (schema and generator).
    proxyStack: vi.fn(async (input: EdgeProxyStackInput) => {
      const result = await core.dispatch('edge.proxyStack', input);
      if (!result.ok) throw new ApiError(result.error);
      return result.value as { compose: string };
    }),
  } satisfies EdgePoolsSource;
  return source;
}

function fakeStacks() {
  const check: StackCheck = {
    name: 'edge-proxy',
    findings: [],
    services: [{ name: 'edge-proxy_proxy', exists: false }],
    networks: [{ name: 'edge-proxy_edge', exists: false, external: false }],
    volumes: [],
    secrets: [],
    configs: [],
    deployable: true,
  };
  return {
    list: vi.fn(() => Promise.resolve([])),
    check: vi.fn(() => Promise.resolve(check)),
    deploy: vi.fn(() => Promise.resolve({ created: ['edge-proxy_edge', 'edge-proxy_proxy'], updated: [], unsupported: [] })),
    remove: vi.fn(() => Promise.resolve({ removed: [] })),
  };
}

async function renderPanel(source: EdgePoolsSource, ops = { removeNode: vi.fn(() => Promise.resolve()) }, stacks = fakeStacks()) {
  render(EdgePoolsPanel, { clusterId: 'c1', source, ops, stacks });
  const edge = await screen.findByRole('region', { name: 'Edge target list' });
  const pools = screen.getByRole('region', { name: 'Node pools' });
  await within(edge).findByRole('button', { name: 'Save and follow' });
  return { edge, pools, ops };
}

describe('the edge target list', () => {
  it('explains itself, and Preview shows what the form gives (without saving) and the target count', async () => {
    const source = fakeSource({ edge: { clusterId: 'c1', config: savedConfig, enabled: true, lastWrite: null } });
    const { edge } = await renderPanel(source);
    expect(edge).toHaveTextContent('kept current as nodes come and go');
    expect(edge).toHaveTextContent('Following the nodes');
    // The form shows the saved config.
    expect(within(edge).getByLabelText('Port')).toHaveValue('8080');
    expect(within(edge).getByLabelText('Backend name')).toHaveValue('web');
    await fireEvent.click(within(edge).getByRole('button', { name: 'Preview' }));
    expect(source.preview).toHaveBeenCalledExactlyOnceWith(savedConfig);
    expect(source.configure).not.toHaveBeenCalled();
    expect(await within(edge).findByText('1 target now')).toBeInTheDocument();
    expect(edge.querySelector('pre')?.textContent).toBe('backend web\n    server node1 10.0.0.1:8080 check\n');
  });

  it('Save and follow sends the config built from the form', async () => {
    const source = fakeSource();
    const { edge } = await renderPanel(source);
    expect(edge).toHaveTextContent('Not set up yet.');
    // Nothing saved yet, and a preview is offered all the same: it saves nothing.
    expect(within(edge).getByRole('button', { name: 'Preview' })).toBeEnabled();
    await fireEvent.input(within(edge).getByLabelText('Port'), { target: { value: '443' } });
    await fireEvent.click(within(edge).getByLabelText('Nodes with a label key=value'));
    await fireEvent.input(within(edge).getByLabelText('Label key'), { target: { value: 'edge' } });
    await fireEvent.input(within(edge).getByLabelText('Label value'), { target: { value: 'yes' } });
    await fireEvent.change(within(edge).getByLabelText('Format'), { target: { value: 'nginx' } });
    await fireEvent.input(within(edge).getByLabelText('Upstream name'), { target: { value: 'swarm_web' } });
    await fireEvent.click(within(edge).getByLabelText('A file on a proxy host (over SSH)'));
    await fireEvent.change(within(edge).getByLabelText('Proxy host'), { target: { value: 'proxy1' } });
    await fireEvent.input(within(edge).getByLabelText('Path on the proxy host'), { target: { value: '/etc/nginx/conf.d/swarm.conf' } });
    const reload = within(edge).getByLabelText('Reload command (optional)');
    expect(reload).toHaveAccessibleDescription(/split on spaces into arguments/);
    await fireEvent.input(reload, { target: { value: ' systemctl  reload nginx ' } });
    await fireEvent.click(within(edge).getByLabelText('Use sudo for the write and the reload'));
    await fireEvent.click(within(edge).getByRole('button', { name: 'Save and follow' }));
    expect(source.configure).toHaveBeenCalledWith({
      port: 443,
      label: { key: 'edge', value: 'yes' },
      format: 'nginx',
      name: 'swarm_web',
      output: { kind: 'ssh', host: 'proxy1', path: '/etc/nginx/conf.d/swarm.conf', reload: ['systemctl', 'reload', 'nginx'], sudo: true },
    } satisfies EdgeConfig);
    expect(await within(edge).findByText('Saved: Swarmdeck now keeps the list current.')).toBeInTheDocument();
    expect(within(edge).getByRole('button', { name: 'Preview' })).toBeEnabled();
  });

  it('puts an INVALID_ARGUMENT issue beside its field', async () => {
    const source = fakeSource();
    source.configure.mockRejectedValueOnce(
      new ApiError({
        code: 'INVALID_ARGUMENT',
        message: 'bad',
        issues: [{ path: 'config.output.path', code: 'INVALID_VALUE', message: 'INVALID_VALUE' }],
      }),
    );
    const { edge } = await renderPanel(source);
    const path = within(edge).getByLabelText('File path');
    await fireEvent.input(path, { target: { value: 'relative/file' } });
    await fireEvent.click(within(edge).getByRole('button', { name: 'Save and follow' }));
    expect(source.configure).toHaveBeenCalledWith({
      port: 80,
      label: null,
      format: 'plain',
      name: 'swarm',
      output: { kind: 'file', path: 'relative/file' },
    });
    await vi.waitFor(() => expect(path).toHaveAttribute('aria-invalid', 'true'));
    expect(path).toHaveAccessibleDescription(/An absolute path to a file/);
    expect(path).toHaveFocus();
  });

  it('a port that is not a number is refused before anything is sent', async () => {
    const source = fakeSource();
    const { edge } = await renderPanel(source);
    const port = within(edge).getByLabelText('Port');
    await fireEvent.input(port, { target: { value: '99999' } });
    await fireEvent.input(within(edge).getByLabelText('File path'), { target: { value: '/tmp/x' } });
    await fireEvent.click(within(edge).getByRole('button', { name: 'Save and follow' }));
    expect(source.configure).not.toHaveBeenCalled();
    expect(port).toHaveAccessibleDescription(/A whole number from 1 to 65535/);
  });

  it('follows edge:written for this cluster only', async () => {
    const source = fakeSource({ edge: { clusterId: 'c1', config: savedConfig, enabled: true, lastWrite: null } });
    const { edge } = await renderPanel(source);
    const line = within(edge).getByTestId('edge-last-write');
    expect(line).toHaveTextContent('Nothing written since the app started.');
    // The bridge delivers at once; a tick lets the DOM show whatever it changed.
    core.events.emit('edge:written', { clusterId: 'other', targets: 9, at: '2025-06-01T12:00:00Z' });
    await tick();
    expect(line).toHaveTextContent('Nothing written since the app started.');
    core.events.emit('edge:written', { clusterId: 'c1', targets: 3, at: '2025-06-01T12:00:00Z' });
    await vi.waitFor(() => expect(line).toHaveTextContent(/Last written .+: 3 targets\./));
    core.events.emit('edge:written', {
      clusterId: 'c1',
      targets: 3,
      at: '2025-06-01T12:05:00Z',
      error: { code: 'EDGE_RELOAD_FAILED', message: 'x', params: { detail: 'exit 1' } },
    });
    await vi.waitFor(() => expect(line).toHaveTextContent(/Last attempt .+ failed/));
  });

  it('Stop following asks first, says the file stays, then disables', async () => {
    const source = fakeSource({ edge: { clusterId: 'c1', config: savedConfig, enabled: true, lastWrite: null } });
    const { edge } = await renderPanel(source);
    await fireEvent.click(within(edge).getByRole('button', { name: 'Stop following' }));
    const dialog = screen.getByRole('dialog', { name: 'Stop following the nodes?' });
    expect(dialog).toHaveTextContent('The file is left in place');
    expect(source.disable).not.toHaveBeenCalled();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Stop following' }));
    expect(source.disable).toHaveBeenCalledTimes(1);
    expect(await within(edge).findByText('Not following: the list is not updated.')).toBeInTheDocument();
  });
});

describe('node pools', () => {
  it('lists pools with a stale badge and its reasons, and writes a stale one again', async () => {
    const source = fakeSource({
      pools: [
        pool({ stale: ['token', 'managers'] }),
        pool({ pool: 'db', role: 'manager', labels: {}, path: '/home/ops/db.sh', targetSize: 4 }),
      ],
    });
    const { pools } = await renderPanel(source);
    const web = await within(pools).findByRole('article', { name: 'Pool web-spot' });
    expect(within(web).getByText('STALE: token rotated, managers changed')).toBeInTheDocument();
    expect(web).toHaveTextContent('tier=web');
    expect(web).toHaveTextContent('/home/ops/web-spot.sh');
    expect(web).toHaveTextContent('10.0.0.1:2377');
    const db = within(pools).getByRole('article', { name: 'Pool db' });
    expect(within(db).queryByText(/STALE/)).toBeNull();
    expect(web).toHaveTextContent('0 (no target size given)');
    expect(db).toHaveTextContent('0 of 4 (target)');
    expect(db).toHaveTextContent('4 managers tolerate 1. Use an odd target size.');
    expect(web).not.toHaveTextContent('odd target size');
    expect(within(db).queryByRole('button', { name: 'Write again' })).toBeNull();
    await fireEvent.click(within(web).getByRole('button', { name: 'Write again' }));
    expect(source.writeUserData).toHaveBeenCalledWith(
      { name: 'web-spot', role: 'worker', labels: { tier: 'web' }, targetSize: null },
      '/home/ops/web-spot.sh',
    );
    expect(await within(pools).findByText('Script for pool web-spot written again to /home/ops/web-spot.sh.')).toBeInTheDocument();
  });

  it('writes a script from the form with the exact input, under a visible secret warning', async () => {
    const source = fakeSource();
    const { pools } = await renderPanel(source);
    expect(await within(pools).findByText('No pool scripts written for this cluster yet.')).toBeInTheDocument();
    const form = within(pools).getByRole('form', { name: 'Write a user-data script' });
    expect(form).toHaveTextContent('contains the swarm join token, a secret: keep it like a password');
    expect(form).toHaveTextContent('lets anyone who has it join as a manager');
    await fireEvent.input(within(form).getByLabelText('Pool name'), { target: { value: 'edge-mgr' } });
    await fireEvent.click(within(form).getByLabelText('Manager'));
    await fireEvent.input(within(form).getByLabelText('Node labels'), { target: { value: 'tier=edge\n\nzone = b\n' } });
    await fireEvent.input(within(form).getByLabelText('Target size (optional)'), { target: { value: '2' } });
    expect(form).toHaveTextContent('2 managers tolerate 0. Use an odd target size.');
    await fireEvent.input(within(form).getByLabelText('Target size (optional)'), { target: { value: '3' } });
    expect(form).not.toHaveTextContent('odd target size');
    await fireEvent.input(within(form).getByLabelText('Write the script to'), { target: { value: '/home/ops/edge-mgr.sh' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Write script' }));
    expect(source.writeUserData).toHaveBeenCalledWith(
      { name: 'edge-mgr', role: 'manager', labels: { tier: 'edge', zone: 'b' }, targetSize: 3 },
      '/home/ops/edge-mgr.sh',
    );
    expect(await within(pools).findByText('Script for pool edge-mgr written to /home/ops/edge-mgr.sh.')).toBeInTheDocument();
  });

  it('puts a refused pool name beside the field', async () => {
    const source = fakeSource();
    source.writeUserData.mockRejectedValueOnce(
      new ApiError({ code: 'INVALID_ARGUMENT', message: 'bad', issues: [{ path: 'pool.name', code: 'INVALID_VALUE', message: 'x' }] }),
    );
    const { pools } = await renderPanel(source);
    const form = within(pools).getByRole('form', { name: 'Write a user-data script' });
    const name = within(form).getByLabelText('Pool name');
    await fireEvent.input(name, { target: { value: 'Web' } });
    await fireEvent.input(within(form).getByLabelText('Write the script to'), { target: { value: '/tmp/w.sh' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Write script' }));
    await vi.waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'));
    expect(name).toHaveAccessibleDescription(/Lowercase letters, digits and dashes, starting with/);
  });

  it('Remove… on a pool node opens the removal dialog for that node, and the list is read again after', async () => {
    const source = fakeSource({
      pools: [
        pool({
          nodes: [
            { id: 'n7', hostname: 'spot-7', role: 'worker', state: 'ready', availability: 'active' },
            { id: 'n8', hostname: 'spot-8', role: 'worker', state: 'down', availability: 'active' },
          ],
        }),
      ],
    });
    const removeNode = vi.fn(() => Promise.resolve());
    const { pools } = await renderPanel(source, { removeNode });
    const web = await within(pools).findByRole('article', { name: 'Pool web-spot' });
    const row = within(web).getByRole('row', { name: /spot-7/ });
    expect(row).toHaveTextContent('worker');
    expect(row).toHaveTextContent('ready');
    expect(row).toHaveTextContent('active');
    await fireEvent.click(within(row).getByRole('button', { name: 'Remove spot-7 from the swarm…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove spot-7 from the swarm?' });
    expect(dialog).toHaveTextContent('waits until its 2 running tasks run on other nodes');
    const readsBefore = source.pools.mock.calls.length;
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove node' }));
    expect(removeNode).toHaveBeenCalledWith('n7', false);
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(source.pools.mock.calls.length).toBeGreaterThan(readsBefore);
  });
});

describe('the proxy stack template', () => {
  it('makes the compose file in the core and hands it to the stack check and confirmed deploy', async () => {
    const source = fakeSource();
    const stacks = fakeStacks();
    await renderPanel(source, undefined, stacks);
    const proxy = screen.getByRole('region', { name: 'Proxy inside the swarm' });
    const make = within(proxy).getByRole('button', { name: 'Make the stack file' });
    await fireEvent.click(make);
    expect(within(proxy).getByText('Required.')).toBeInTheDocument();
    await fireEvent.input(within(proxy).getByLabelText('Proxy image'), { target: { value: 'haproxy:2.9' } });
    await fireEvent.input(within(proxy).getByLabelText('Ports'), { target: { value: '80:8080, 80:81' } });
    await fireEvent.click(make);
    expect(within(proxy).getByText(/each published port once/)).toBeInTheDocument();
    expect(source.proxyStack).not.toHaveBeenCalled();
    await fireEvent.input(within(proxy).getByLabelText('Ports'), { target: { value: '80:8080, 443' } });
    await fireEvent.click(make);
    expect(source.proxyStack).toHaveBeenCalledWith({
      image: 'haproxy:2.9',
      label: { key: 'edge', value: 'true' },
      ports: [
        { published: 80, target: 8080 },
        { published: 443, target: 443 },
      ],
      network: 'edge',
    });
    const deploy = await within(proxy).findByRole('region', { name: 'Check and deploy the proxy stack' });
    const compose = within(deploy).getByLabelText('Compose file') as HTMLTextAreaElement;
    expect(compose.value).toContain('mode: global');
    expect(compose.value).toContain('"node.labels.edge == true"');
    expect(compose.value).toContain('published: 443');
    await fireEvent.click(within(deploy).getByRole('button', { name: 'Check' }));
    expect(stacks.check).toHaveBeenCalledWith('edge-proxy', compose.value);
    // From here it is the Stacks tab's own check and confirmed deploy (tested there).
    await vi.waitFor(() => expect(within(deploy).getByRole('button', { name: 'Deploy' })).toBeEnabled());
    expect(stacks.deploy).not.toHaveBeenCalled();
  });
});
