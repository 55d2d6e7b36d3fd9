import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  RegistryConfig,
  RegistryPlan,
  RegistryStatus,
  TopologyNetwork,
  TopologyNode,
  TopologySnapshot,
} from '../../../../src-main/contract.js';
import type { Core } from '../../../../src-main/core/create-core.js';
import { testCore } from '../../../../test/support/core.js';
import { inProcessBridge } from '../../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import { ApiError } from '../../lib/api.js';
import { buildView } from '../../lib/topology/indexes.js';
import { fromSnapshot } from '../../lib/topology/model.js';
import RegistryPanel from './RegistryPanel.svelte';
import type { RegistrySource } from './registry/registry-source.js';

// The panel given the core's answers as a source (a deploy needs a swarm and is tested against the
// lab in the core's suites) and a live model made from a snapshot; `registry:step` arrives through
// a real core's event bus.
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

const node = (id: string, hostname: string, role: TopologyNode['role'], address: string): TopologyNode => ({
  id,
  hostname,
  role,
  leader: id === 'm1',
  reachability: role === 'manager' ? 'reachable' : null,
  availability: 'active',
  state: 'ready',
  engine: '27.3.1',
  address,
  labels: {},
  nanoCpus: 2e9,
  memoryBytes: 4e9,
});

const network = (id: string, name: string, over: Partial<TopologyNetwork> = {}): TopologyNetwork => ({
  id,
  name,
  driver: 'overlay',
  scope: 'swarm',
  subnet: null,
  encrypted: false,
  attachable: false,
  ingress: false,
  ...over,
});

const view = buildView(
  fromSnapshot({
    clusterId: 'c1',
    swarmId: 's',
    version: 1,
    nodes: [node('w1', 'worker1', 'worker', '10.0.0.21'), node('m1', 'manager1', 'manager', '10.0.0.11')],
    services: [],
    tasks: [],
    networks: [
      network('i', 'ingress', { ingress: true }),
      network('b', 'backend'),
      network('l', 'bridge', { driver: 'bridge', scope: 'local' }),
    ],
    health: { managers: 1, reachable: 1, tolerates: 0, toleratesNow: 0, leader: 'manager1', autolock: false, warnings: [] },
  } as TopologySnapshot),
);

const none: RegistryStatus = {
  clusterId: 'c1',
  config: null,
  endpoint: null,
  service: null,
  catalog: null,
  catalogError: null,
  verifiedAt: null,
  certificateExpires: null,
  garbageCollect: null,
};

const deployedStatus = (config: RegistryConfig, over: Partial<RegistryStatus> = {}): RegistryStatus => ({
  clusterId: 'c1',
  config,
  endpoint: `${config.address}:${config.port}`,
  service: { id: 'svc1', running: 1, desired: 1, node: 'w1' },
  catalog: [
    { repository: 'shop/web', tags: ['1.0', '1.1'] },
    { repository: 'tools', tags: ['latest'] },
  ],
  catalogError: null,
  verifiedAt: '2025-06-01T12:00:00Z',
  certificateExpires: config.mode === 'tls' ? '2026-06-01T12:00:00Z' : null,
  garbageCollect: 'docker exec $(docker ps -q -f name=swarmdeck-registry) registry garbage-collect /etc/docker/registry/config.yml',
  ...over,
});

function fakeSource(status: RegistryStatus = none, plan?: (config: RegistryConfig) => RegistryPlan) {
  return {
    status: vi.fn(() => Promise.resolve(status)),
    plan: vi.fn((config: RegistryConfig) =>
      Promise.resolve<RegistryPlan>(
        plan?.(config) ?? {
          endpoint: `${config.address}:${config.port}`,
          refused: null,
          steps:
            config.mode === 'insecure'
              ? [
                  { step: 'check', target: null },
                  { step: 'daemon-json', target: 'w1' },
                  { step: 'daemon-json', target: 'm1' },
                  { step: 'restart', target: 'w1' },
                  { step: 'restart', target: 'm1' },
                  { step: 'service', target: null },
                  { step: 'verify-push', target: null },
                  { step: 'verify-pull', target: 'm1' },
                  { step: 'verify-run', target: null },
                ]
              : [
                  { step: 'check', target: null },
                  { step: 'certificates', target: null },
                  { step: 'secrets', target: null },
                  { step: 'ca-copy', target: 'w1' },
                  { step: 'ca-copy', target: 'm1' },
                  { step: 'service', target: null },
                  { step: 'verify-push', target: null },
                  { step: 'verify-pull', target: 'm1' },
                  { step: 'verify-run', target: null },
                ],
        },
      ),
    ),
    deploy: vi.fn((config: RegistryConfig, _password?: string) => Promise.resolve(deployedStatus(config))),
  } satisfies RegistrySource;
}

async function renderForm(source: RegistrySource) {
  render(RegistryPanel, { clusterId: 'c1', view, source });
  return screen.findByRole('form', { name: 'Deploy a registry' });
}

describe('deploying a registry', () => {
  it('no TLS states the risk, needs an acknowledgement, turns the login off and says why; the plan shows the restart order', async () => {
    const source = fakeSource();
    const form = await renderForm(source);
    expect(screen.getByText('No registry deployed by Swarmdeck on this cluster.')).toBeInTheDocument();
    // The live model's nodes, managers first; the overlay networks only.
    const nodeSelect = within(form).getByLabelText('Node');
    expect(
      within(nodeSelect)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Choose a node', 'manager1 · 10.0.0.11', 'worker1 · 10.0.0.21']);
    expect(
      within(within(form).getByLabelText('Overlay network (optional)'))
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['None', 'backend']);
    expect(within(form).getByLabelText('Port')).toHaveValue('5000');
    expect(within(form).getByLabelText('Image')).toHaveValue('registry:2');
    expect(within(form).getByLabelText('TLS with a certificate made by Swarmdeck (recommended)')).toBeChecked();
    await fireEvent.change(nodeSelect, { target: { value: 'w1' } });
    expect(within(form).getByLabelText('Address')).toHaveValue('10.0.0.21');

    await fireEvent.click(within(form).getByLabelText('Require a login (basic auth)'));
    expect(within(form).getByLabelText('Password')).toHaveAttribute('type', 'password');
    await fireEvent.click(within(form).getByLabelText('Private network, no TLS'));
    expect(form).toHaveTextContent('(a man-in-the-middle)');
    const auth = within(form).getByLabelText('Require a login (basic auth)');
    expect(auth).toBeDisabled();
    expect(auth).toHaveAccessibleDescription('A login needs TLS: without it, the password would cross the network in clear text.');
    expect(within(form).queryByLabelText('Password')).toBeNull();
    const review = within(form).getByRole('button', { name: 'Review' });
    expect(review).toBeDisabled();
    await fireEvent.click(within(form).getByLabelText('I understand: this registry is reachable only on a private network I control'));
    expect(review).toBeEnabled();
    await fireEvent.click(review);

    const expected: RegistryConfig = {
      nodeId: 'w1',
      port: 5000,
      publish: 'host',
      image: 'registry:2',
      mode: 'insecure',
      address: '10.0.0.21',
      username: null,
      acknowledgeInsecure: true,
      network: null,
    };
    expect(source.plan).toHaveBeenCalledExactlyOnceWith(expected);
    expect(await screen.findByText('Nodes will pull from 10.0.0.21:5000.')).toBeInTheDocument();
    expect(
      screen.getByText(/^Docker restarts on each node, one at a time: workers first, then managers while the rest keep quorum\./),
    ).toBeInTheDocument();
    const steps = screen.getByRole('list', { name: 'Steps' });
    expect(
      within(steps)
        .getAllByRole('listitem')
        .map((li) => li.textContent?.trim()),
    ).toEqual([
      'Check the nodes and the port',
      'Add the registry to insecure-registries in /etc/docker/daemon.json on w1',
      'Add the registry to insecure-registries in /etc/docker/daemon.json on m1',
      'Restart Docker on w1',
      'Restart Docker on m1',
      'Create the registry service',
      'Push a test image',
      'Pull it back on m1',
      'Run it as a service',
    ]);
    expect(source.deploy).not.toHaveBeenCalled();

    let finish!: (status: RegistryStatus) => void;
    source.deploy.mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)));
    await fireEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    expect(source.deploy).toHaveBeenCalledExactlyOnceWith(expected, undefined);
    core.events.emit('registry:step', { clusterId: 'c1', step: 'restart', target: 'w1', state: 'done' });
    core.events.emit('registry:step', { clusterId: 'c1', step: 'restart', target: 'm1', state: 'running', detail: 'waiting for Docker' });
    core.events.emit('registry:step', { clusterId: 'other', step: 'service', target: null, state: 'done' });
    await vi.waitFor(() => expect(within(steps).getByText('Restart Docker on m1').closest('li')).toHaveTextContent('in progress'));
    expect(within(steps).getByText('Restart Docker on m1').closest('li')).toHaveTextContent('waiting for Docker');
    expect(within(steps).getByText('Restart Docker on w1').closest('li')).toHaveTextContent('done');
    expect(within(steps).getByText('Create the registry service').closest('li')).toHaveClass('pending');
    finish(deployedStatus(expected));
    expect(await screen.findByText(/^The registry is deployed and verified/)).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('This registry serves images over plain HTTP');
  });

  it('TLS with a login: the username goes in the config, the password only with the deploy, and is cleared after', async () => {
    const source = fakeSource();
    const form = await renderForm(source);
    await fireEvent.change(within(form).getByLabelText('Node'), { target: { value: 'm1' } });
    await fireEvent.input(within(form).getByLabelText('Address'), { target: { value: 'registry.lan' } });
    await fireEvent.change(within(form).getByLabelText('Overlay network (optional)'), { target: { value: 'backend' } });
    await fireEvent.click(within(form).getByLabelText('Ingress: on every node'));
    await fireEvent.click(within(form).getByLabelText('Require a login (basic auth)'));
    await fireEvent.input(within(form).getByLabelText('Username'), { target: { value: 'ci' } });
    const password = within(form).getByLabelText('Password');
    await fireEvent.input(password, { target: { value: 'short' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Review' }));
    expect(password).toHaveAccessibleDescription(/At least 8 characters/);
    expect(source.plan).not.toHaveBeenCalled();
    await fireEvent.input(password, { target: { value: 's3cret-pass' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Review' }));
    const expected: RegistryConfig = {
      nodeId: 'm1',
      port: 5000,
      publish: 'ingress',
      image: 'registry:2',
      mode: 'tls',
      address: 'registry.lan',
      username: 'ci',
      acknowledgeInsecure: false,
      network: 'backend',
    };
    expect(source.plan).toHaveBeenCalledExactlyOnceWith(expected);
    expect(await screen.findByText('Copy the CA to /etc/docker/certs.d on w1')).toBeInTheDocument();
    expect(screen.queryByText(/^Docker restarts on each node/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    expect(source.deploy).toHaveBeenCalledExactlyOnceWith(expected, 's3cret-pass');
    expect(await screen.findByText(/^The registry is deployed and verified/)).toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain('s3cret-pass');
    // Deploying again starts from the deployed settings, with an empty password.
    await fireEvent.click(screen.getByRole('button', { name: 'Deploy again…' }));
    const again = await screen.findByRole('form', { name: 'Deploy a registry' });
    expect(within(again).getByLabelText('Address')).toHaveValue('registry.lan');
    expect(within(again).getByLabelText('Password')).toHaveValue('');
  });

  it('a refused plan says why and offers no deploy; a field left empty is named before anything is sent', async () => {
    const source = fakeSource(none, () => ({
      endpoint: '10.0.0.11:5000',
      steps: [],
      refused: { code: 'REGISTRY_REFUSED', message: 'x', params: { reason: 'port 5000 is already published by shop_web' } },
    }));
    const form = await renderForm(source);
    await fireEvent.click(within(form).getByRole('button', { name: 'Review' }));
    expect(source.plan).not.toHaveBeenCalled();
    expect(within(form).getByLabelText('Node')).toHaveAttribute('aria-invalid', 'true');
    await fireEvent.change(within(form).getByLabelText('Node'), { target: { value: 'm1' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Review' }));
    expect(await screen.findByText('This registry cannot be deployed')).toBeInTheDocument();
    expect(screen.getByText('The registry cannot be deployed like this: port 5000 is already published by shop_web')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Deploy' })).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Change the settings' }));
    expect(await screen.findByRole('form', { name: 'Deploy a registry' })).toBeInTheDocument();
  });

  it('a failed deploy says where it stopped', async () => {
    const source = fakeSource();
    source.deploy.mockRejectedValueOnce(new ApiError({ code: 'DAEMON_NOT_BACK', message: 'x', params: { host: 'w1', detail: 'timeout' } }));
    const form = await renderForm(source);
    await fireEvent.change(within(form).getByLabelText('Node'), { target: { value: 'm1' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Review' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Deploy' }));
    expect(await screen.findByText(/^Docker on w1 did not come back after the restart/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Change the settings' })).toBeEnabled();
  });
});

describe('a deployed registry', () => {
  const tls: RegistryConfig = {
    nodeId: 'w1',
    port: 5000,
    publish: 'host',
    image: 'registry:2',
    mode: 'tls',
    address: '10.0.0.21',
    username: null,
    acknowledgeInsecure: false,
    network: null,
  };

  it('shows its endpoint, service, verification, certificate, catalog and the garbage-collection command to copy', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const source = fakeSource(deployedStatus(tls));
    render(RegistryPanel, { clusterId: 'c1', view, source });
    const region = await screen.findByRole('region', { name: 'Registry' });
    expect(region).toHaveTextContent('10.0.0.21:5000');
    expect(region).toHaveTextContent('1 of 1 running · worker1');
    expect(region).toHaveTextContent('TLS');
    expect(region).toHaveTextContent('Certificate expires');
    expect(within(region).queryByRole('alert')).toBeNull();
    const catalog = within(region).getByRole('table', { name: 'Images' });
    const rows = within(catalog).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(['shop/web1.0, 1.1', 'toolslatest']);
    await fireEvent.click(within(region).getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledExactlyOnceWith(
      'docker exec $(docker ps -q -f name=swarmdeck-registry) registry garbage-collect /etc/docker/registry/config.yml',
    );
    expect(await within(region).findByText('Copied.')).toBeInTheDocument();
  });

  it('says when the registry does not list its images, and reads again on request', async () => {
    const source = fakeSource(
      deployedStatus(tls, {
        catalog: null,
        catalogError: { code: 'DOCKER_UNREACHABLE', message: 'x', params: { detail: 'connection refused' } },
        service: { id: 'svc1', running: 0, desired: 1, node: null },
      }),
    );
    render(RegistryPanel, { clusterId: 'c1', view: null, source });
    const region = await screen.findByRole('region', { name: 'Registry' });
    expect(region).toHaveTextContent('0 of 1 running');
    expect(within(region).getByRole('alert')).toHaveTextContent(/^The registry did not list its images: /);
    await fireEvent.click(within(region).getByRole('button', { name: 'Read again' }));
    expect(source.status).toHaveBeenCalledTimes(2);
  });

  it('offers to read again when the status cannot be read', async () => {
    const source = fakeSource();
    source.status.mockRejectedValueOnce(new ApiError({ code: 'INTERNAL', message: 'not built yet' }));
    render(RegistryPanel, { clusterId: 'c1', view, source });
    await fireEvent.click(await screen.findByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('form', { name: 'Deploy a registry' })).toBeInTheDocument();
  });
});
