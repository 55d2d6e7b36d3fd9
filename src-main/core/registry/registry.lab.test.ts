import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RegistryConfig, RegistryPlan, RegistryProgress, RegistryStatus, Result, TopologySnapshot } from '../../contract.js';
import { hostInput, LAB_IMAGES, lab } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { memoryLogger, testCore } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';
import { quoteArgv } from '../ssh/argv.js';

const PASSWORD = 'lab-registry-password-7';

// Checks go over SSH as the operator would run them (the lab's `docker exec` back door is not needed).
const onHost = (host: string, argv: string[]) => lab.ssh(host, quoteArgv(argv), { timeoutMs: 120_000 });

// The private registry on a real swarm of 3 managers and 1 worker: TLS with a login, then the
// same registry moved to plain HTTP on a private address (daemon.json rollout). Each deploy ends
// with the app's own check (push on the registry's node, pull on another, a service run); the
// test checks the outcome on the hosts themselves.
describeLab('private registry', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let core: Core;
  let clusterId: string;
  const logger = memoryLogger();
  const steps: RegistryProgress[] = [];
  let nodeIds: Record<string, string> = {};

  const ok = <T>(result: Result<unknown>): T => {
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
    return result.value as T;
  };
  const config = (over: Partial<RegistryConfig> = {}): RegistryConfig => ({
    nodeId: nodeIds[lab.workers[0]!.name]!,
    port: 5000,
    publish: 'host',
    image: LAB_IMAGES.registry,
    mode: 'tls',
    address: lab.workers[0]!.address,
    username: null,
    acknowledgeInsecure: false,
    network: null,
    ...over,
  });

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await lab.up({ managers: 3, workers: 1, passwordHost: false });
    const nodes = await lab.swarm.form();
    nodeIds = Object.fromEntries(nodes.map((n) => [n.hostname, n.id]));
    core = await testCore(join(dir, 'data'), logger);
    core.events.subscribe((event, payload) => {
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
      if (event === 'registry:step') steps.push(payload as RegistryProgress);
    });
    for (const h of lab.hosts) ok(await core.dispatch('hosts.save', hostInput(h)));
    clusterId = ok<{ id: string }>(await core.dispatch('clusters.adopt', { name: 'lab', via: lab.managers[0]!.name, mapping: {} })).id;
  });
  afterAll(async () => {
    await lab.down();
    await cleanup();
  });

  it('refuses what it must not deploy, changing nothing', async () => {
    const plan = async (c: RegistryConfig) => ok<RegistryPlan>(await core.dispatch('registry.plan', { clusterId, config: c }));
    const insecure = { mode: 'insecure' as const, acknowledgeInsecure: true };
    const cases: [Partial<RegistryConfig>, RegExp][] = [
      [{ mode: 'insecure' }, /acknowledge/],
      [{ ...insecure, address: '8.8.8.8' }, /private IP address/],
      [{ ...insecure, address: 'worker1' }, /private IP address/],
      [{ ...insecure, username: 'deploy' }, /plain HTTP/],
      [{ nodeId: 'nosuchnode0000' }, /no node/],
    ];
    for (const [over, reason] of cases) {
      const answer = await plan(config(over));
      expect(answer.refused?.code, JSON.stringify(over)).toBe('REGISTRY_REFUSED');
      expect(answer.refused?.params?.reason).toMatch(reason);
      expect(answer.steps).toEqual([]);
    }
    // deploy refuses the same way, before touching anything.
    const deploy = await core.dispatch('registry.deploy', { clusterId, config: config({ mode: 'insecure' }) });
    expect(!deploy.ok && deploy.error.code).toBe('REGISTRY_REFUSED');
    const services = await onHost(lab.managers[0]!.name, ['docker', 'service', 'ls', '-q']);
    expect(services.stdout.trim()).toBe('');
  });

  it('TLS with a login: plans, deploys, verifies push/pull/run, and lists the catalog', async () => {
    const worker = lab.workers[0]!;
    const tls = config({ username: 'deploy' });
    const plan = ok<RegistryPlan>(await core.dispatch('registry.plan', { clusterId, config: tls }));
    expect(plan.refused).toBeNull();
    expect(plan.endpoint).toBe(`${worker.address}:5000`);
    expect(plan.steps.map((s) => s.step)).toEqual([
      'check',
      'certificates',
      'secrets',
      ...lab.hosts.map(() => 'ca-copy'),
      'service',
      'verify-push',
      'verify-pull',
      'verify-run',
    ]);
    expect(plan.steps.find((s) => s.step === 'verify-push')?.target).toBe(worker.name);
    expect(plan.steps.find((s) => s.step === 'verify-run')?.target).not.toBe(worker.name);

    const started = Date.now();
    const status = ok<RegistryStatus>(await core.dispatch('registry.deploy', { clusterId, config: tls, password: PASSWORD }));
    console.info(`registry: TLS deploy with login (4 nodes) took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(steps.filter((s) => s.state === 'failed')).toEqual([]);
    expect(steps.filter((s) => s.state === 'done').map((s) => s.step)).toEqual(plan.steps.map((s) => s.step));
    expect(status.verifiedAt).not.toBeNull();
    expect(status.service).toMatchObject({ running: 1, desired: 1, node: worker.name });
    expect(status.catalogError).toBeNull();
    expect(status.catalog?.find((r) => r.repository === 'swarmdeck-check')?.tags.length).toBeGreaterThan(0);
    const expires = Date.parse(status.certificateExpires ?? '');
    expect((expires - Date.now()) / 86_400_000).toBeGreaterThan(700);
    expect(status.garbageCollect).toContain('docker-registry garbage-collect');

    // The CA is on every node, the same file.
    const endpoint = status.endpoint!;
    const copies = await Promise.all(lab.hosts.map((h) => onHost(h.name, ['cat', `/etc/docker/certs.d/${endpoint}/ca.crt`])));
    expect(copies.every((c) => c.code === 0 && c.stdout.startsWith('-----BEGIN CERTIFICATE-----'))).toBe(true);
    expect(new Set(copies.map((c) => c.stdout)).size).toBe(1);

    // The login is enforced: no credentials, no pull; the API answers with them.
    const tag = status.catalog!.find((r) => r.repository === 'swarmdeck-check')!.tags[0]!;
    const anonymous = await onHost(lab.managers[2]!.name, ['docker', 'pull', `${endpoint}/swarmdeck-check:${tag}`]);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/no basic auth credentials|unauthorized|authentication required/i);
    const ca = `/etc/docker/certs.d/${endpoint}/ca.crt`;
    const curl = (extra: string[]) =>
      onHost(lab.managers[1]!.name, [
        'curl',
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '--cacert',
        ca,
        ...extra,
        `https://${endpoint}/v2/_catalog`,
      ]);
    expect((await curl([])).stdout).toBe('401');
    expect((await curl(['-u', `deploy:${PASSWORD}`])).stdout).toBe('200');

    // No secret left the keychain and the swarm: not in the data file, the log or the activity.
    const data = await readFile(join(dir, 'data', 'registry.json'), 'utf8');
    expect(data).not.toContain(PASSWORD);
    expect(data).not.toMatch(/PRIVATE KEY/);
    expect(logger.lines.join('\n')).not.toContain(PASSWORD);
    const activity = JSON.stringify(ok<unknown[]>(await core.dispatch('activity.list', { cluster: 'lab' })));
    expect(activity).not.toContain(PASSWORD);
    expect(activity).not.toMatch(/PRIVATE KEY/);
    expect(JSON.stringify(steps)).not.toContain(PASSWORD);
  }, 900_000);

  it('deploys TLS again without the password: the kept CA and login are reused, the certificate secrets replaced', async () => {
    steps.length = 0;
    const endpoint = `${lab.workers[0]!.address}:5000`;
    const caPath = `/etc/docker/certs.d/${endpoint}/ca.crt`;
    const before = (await onHost(lab.managers[0]!.name, ['cat', caPath])).stdout;
    const secretsBefore = (await onHost(lab.managers[0]!.name, ['docker', 'secret', 'ls', '--format', '{{.Name}}'])).stdout
      .trim()
      .split('\n');
    const started = Date.now();
    const result = await core.dispatch('registry.deploy', { clusterId, config: config({ username: 'deploy' }) });
    if (!result.ok) {
      // What the nodes' Docker said about the check image, to tell a lab hiccup from a fault.
      for (const h of lab.hosts) {
        const log = await onHost(h.name, ['sudo', 'journalctl', '-u', 'docker', '--since', '-5min', '--no-pager', '-g', 'swarmdeck-check']);
        console.info(`${h.name}:\n${log.stdout.slice(-3000)}`);
      }
    }
    const status = ok<RegistryStatus>(result);
    console.info(`registry: TLS re-deploy (CA kept, new server certificate) took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(steps.find((s) => s.step === 'certificates' && s.state === 'done')?.detail).toMatch(/existing CA/);
    expect((await onHost(lab.managers[0]!.name, ['cat', caPath])).stdout).toBe(before);
    expect(status.verifiedAt).not.toBeNull();
    expect(status.catalog?.find((r) => r.repository === 'swarmdeck-check')?.tags.length).toBeGreaterThanOrEqual(2);
    const secretsAfter = (await onHost(lab.managers[0]!.name, ['docker', 'secret', 'ls', '--format', '{{.Name}}'])).stdout
      .trim()
      .split('\n');
    expect(secretsAfter).toHaveLength(3);
    expect(secretsAfter.filter((s) => secretsBefore.includes(s))).toEqual([]);
  }, 900_000);

  it('insecure on a private address: daemon.json on every node, push/pull/run, the catalog kept on the volume', async () => {
    steps.length = 0;
    const insecure = config({ mode: 'insecure', acknowledgeInsecure: true, port: 5001 });
    const plan = ok<RegistryPlan>(await core.dispatch('registry.plan', { clusterId, config: insecure }));
    expect(plan.refused).toBeNull();
    expect(plan.steps.filter((s) => s.step === 'restart').map((s) => s.target)).toHaveLength(4);
    // Workers first: the worker's Docker restarts before any manager's.
    expect(plan.steps.find((s) => s.step === 'restart')?.target).toBe(lab.workers[0]!.name);

    const started = Date.now();
    const status = ok<RegistryStatus>(await core.dispatch('registry.deploy', { clusterId, config: insecure }));
    console.info(`registry: insecure deploy with daemon.json rollout (4 nodes) took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(steps.filter((s) => s.state === 'failed')).toEqual([]);
    expect(status.endpoint).toBe(`${lab.workers[0]!.address}:5001`);
    expect(status.verifiedAt).not.toBeNull();
    expect(status.certificateExpires).toBeNull();
    expect(status.service).toMatchObject({ running: 1, desired: 1 });
    // The same named volume: the image pushed in TLS mode is still listed, now with a second tag.
    expect(status.catalog?.find((r) => r.repository === 'swarmdeck-check')?.tags.length).toBeGreaterThanOrEqual(2);
    for (const h of lab.hosts) {
      const file = await onHost(h.name, ['cat', '/etc/docker/daemon.json']);
      expect(JSON.parse(file.stdout)['insecure-registries'], h.name).toContain(status.endpoint);
    }
    // The TLS mode's certificate secrets went with the switch.
    const secrets = await onHost(lab.managers[0]!.name, ['docker', 'secret', 'ls', '--format', '{{.Name}}']);
    expect(secrets.stdout.trim()).toBe('');
    // The health panel says the registry is plain HTTP.
    const snapshot = ok<TopologySnapshot>(await core.dispatch('topology.watch', { clusterId }));
    ok(await core.dispatch('topology.unwatch', { clusterId }));
    expect(snapshot.health.warnings).toContainEqual({ code: 'REGISTRY_INSECURE', params: { endpoint: status.endpoint } });
  }, 1_200_000);
});
