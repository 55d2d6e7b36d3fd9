// A synthetic swarm in Docker Engine API shapes (as `GET /nodes`, `/services`,
// `/tasks`, `/networks` and `/swarm` answer them, API 1.4x), the same for the
// same seed. The objects carry Docker's real extra fields, not only those the
// core reads, so the JSON the core downloads and parses is realistic in size.
import type { ApiNetwork, ApiNode, ApiService, ApiTask } from '../../src-main/core/topology/convert.js';
import { at, GIB, HEX, ID, PARTS, PLUGINS, seeded, swarmInspect, TRUST_ROOT, WORDS } from './shapes.js';

export { NOW } from './shapes.js';

export interface SwarmSize {
  nodes: number;
  managers: number;
  services: number;
  tasks: number;
}

export interface FakeSwarm {
  nodes: ApiNode[];
  services: ApiService[];
  tasks: ApiTask[];
  /** Every network a manager lists, local ones included (`?filters={"scope":["swarm"]}` leaves them out). */
  networks: ApiNetwork[];
  swarm: object;
}

type Doc = Record<string, unknown>;
type MutableTask = ApiTask & { Version: { Index: number }; CreatedAt: string; Status: Doc; Spec: Doc; NetworksAttachments: Doc[] };

export function generateSwarm(size: SwarmSize, seed = 42): FakeSwarm & { mutate(round: number, fraction: number): void } {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const chars = (alphabet: string, length: number): string =>
    Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  const id = (): string => chars(ID, 25);
  let index = 1000;
  const version = (): { Index: number } => ({ Index: (index += 1 + Math.floor(random() * 5)) });

  const nodes: ApiNode[] = [];
  for (let i = 0; i < size.nodes; i++) {
    const manager = i < size.managers;
    const addr = `10.0.${Math.floor(i / 250)}.${(i % 250) + 2}`;
    const labels: Record<string, string> = { zone: pick(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']) };
    if (random() < 0.3) labels.disk = 'ssd';
    nodes.push({
      ID: id(),
      ...{ Version: version(), CreatedAt: at(90 * 86_400_000, random), UpdatedAt: at(random() * 86_400_000, random) },
      // Large swarms keep managers for raft only: drained.
      Spec: {
        Labels: labels,
        Role: manager ? 'manager' : 'worker',
        Availability: manager ? 'drain' : random() < 0.01 ? 'pause' : 'active',
      },
      Description: {
        Hostname: manager ? `manager-${String(i + 1).padStart(2, '0')}` : `worker-${String(i - size.managers + 1).padStart(3, '0')}`,
        ...{ Platform: { Architecture: 'x86_64', OS: 'linux' } },
        Resources: { NanoCPUs: pick([2, 4, 8, 16]) * 1e9, MemoryBytes: pick([4, 8, 16, 32, 64]) * GIB },
        Engine: { EngineVersion: random() < 0.9 ? '27.3.1' : '26.1.4', Plugins: PLUGINS },
        ...{ TLSInfo: { TrustRoot: TRUST_ROOT, CertIssuerSubject: 'MBMxETAPBgNVBAMTCHN3YXJtLWNh', CertIssuerPublicKey: chars(ID, 124) } },
      },
      Status: { State: !manager && random() < 0.01 ? 'down' : 'ready', Addr: addr },
      ...(manager ? { ManagerStatus: { Leader: i === 0, Reachability: 'reachable', Addr: `${addr}:2377` } } : {}),
    } as ApiNode);
  }
  const placeable = nodes.filter((n) => n.Spec?.Role === 'worker' && n.Spec.Availability === 'active' && n.Status?.State === 'ready');

  const network = (name: string, subnet: string, extra: Partial<ApiNetwork> & Doc = {}): ApiNetwork & Doc =>
    ({
      ...{
        Name: name,
        Id: id(),
        Created: at(60 * 86_400_000, random),
        Scope: 'swarm',
        Driver: 'overlay',
        EnableIPv4: true,
        EnableIPv6: false,
      },
      IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: subnet, Gateway: subnet.replace(/0\/\d+$/, '1') }] },
      ...{ Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: null },
      Options: { 'com.docker.network.driver.overlay.vxlanid_list': String(4096 + Math.floor(random() * 4096)) },
      Labels: {},
      ...extra,
    }) as ApiNetwork & Doc;
  const ingress = network('ingress', '10.255.0.0/16', { Ingress: true });
  const stacks = Array.from(
    { length: Math.max(1, Math.ceil(size.services / 20)) },
    (_, i) => `${WORDS[i % WORDS.length]}${Math.floor(i / WORDS.length) || ''}`,
  );
  const stackNets = new Map<string, ApiNetwork & Doc>();
  stacks.forEach((stack, i) => {
    const encrypted = random() < 0.4;
    const net = network(`${stack}_default`, `10.${1 + Math.floor(i / 256)}.${i % 256}.0/24`, {
      Labels: { 'com.docker.stack.namespace': stack },
      Attachable: random() < 0.2,
    });
    if (encrypted) (net.Options as Record<string, string>).encrypted = '';
    stackNets.set(stack, net);
  });
  const local = ['bridge', 'host', 'none', 'docker_gwbridge'].map((name) =>
    network(name, '172.17.0.0/16', { Scope: 'local', Driver: name }),
  );
  const networks = [ingress, ...stackNets.values(), ...local];
  const attachment = (net: ApiNetwork & Doc, host: number): Doc => {
    const subnet = net.IPAM?.Config?.[0]?.Subnet ?? '10.0.0.0/24';
    return {
      Network: {
        ID: net.Id,
        ...{ Version: { Index: 12 }, CreatedAt: net.Created, UpdatedAt: net.Created },
        Spec: {
          Name: net.Name,
          Labels: net.Labels,
          DriverConfiguration: { Name: 'overlay' },
          ...(net.Ingress ? { Ingress: true } : {}),
          IPAMOptions: { Driver: { Name: 'default' }, Configs: net.IPAM?.Config },
          Scope: 'swarm',
        },
        DriverState: { Name: 'overlay', Options: net.Options },
        IPAMOptions: { Driver: { Name: 'default' }, Configs: net.IPAM?.Config },
      },
      Addresses: [`${subnet.split('.').slice(0, 2).join('.')}.${Math.floor(host / 250) % 256}.${(host % 250) + 2}/${subnet.split('/')[1]}`],
    };
  };

  // Replicas 1–20, most services small; a few global ones on every worker; the rest of the task budget is history.
  const globals = Math.min(2, size.services);
  const replicas = Array.from({ length: size.services - globals }, () => 1 + Math.floor(19 * random() ** 2.5));
  for (let i = 0, sum = replicas.reduce((a, b) => a + b, 0); sum > size.tasks * 0.7 - globals * placeable.length; i++)
    if (replicas[i % replicas.length]! > 1) {
      replicas[i % replicas.length]!--;
      sum--;
    }

  const services: (ApiService & Doc)[] = [];
  const tasks: MutableTask[] = [];
  const slots: { service: ApiService & Doc; slot: number | null; node: ApiNode | null; history: number }[] = [];
  let host = 0;
  const addTask = (s: (typeof slots)[number], state: string, agoMs: number): MutableTask => {
    const service = s.service;
    const spec = (service.Spec as Doc).TaskTemplate as Doc;
    const running = state === 'running';
    const t: MutableTask = {
      ID: id(),
      ...{ Version: version(), CreatedAt: at(agoMs + 4000, random), UpdatedAt: at(agoMs, random), Labels: {} },
      Spec: spec,
      ServiceID: service.ID,
      ...(s.slot !== null ? { Slot: s.slot } : {}),
      ...(s.node && state !== 'pending' ? { NodeID: s.node.ID } : {}),
      Status: {
        Timestamp: at(agoMs, random),
        State: state,
        Message: running ? 'started' : state === 'failed' ? 'started' : state,
        ...(state === 'failed' ? { Err: 'task: non-zero exit (137): dockerexec: unhealthy container' } : {}),
        ...(state === 'pending' ? { Err: 'no suitable node (insufficient resources on 12 nodes)' } : {}),
        ...(state !== 'pending'
          ? {
              ContainerStatus: {
                ContainerID: chars(HEX, 64),
                PID: running ? 1000 + Math.floor(random() * 60_000) : 0,
                ExitCode: running ? 0 : 137,
              },
            }
          : {}),
        PortStatus: {},
      } as MutableTask['Status'],
      DesiredState: running || state === 'pending' || state === 'starting' ? 'running' : 'shutdown',
      NetworksAttachments: ((spec.Networks as { Target: string }[]) ?? []).map((n) =>
        attachment(
          networks.find((x) => x.Id === n.Target)!,
          host++,
        ),
      ),
    };
    tasks.push(t);
    return t;
  };
  for (let i = 0; i < size.services; i++) {
    const global = i < globals;
    const stack = stacks[i % stacks.length]!;
    const part = global ? ['node-exporter', 'log-agent'][i]! : `${pick(PARTS)}${i}`;
    const name = `${stack}_${part}`;
    const image = `registry.example.com/${stack}/${part}:1.${Math.floor(random() * 40)}.${Math.floor(random() * 10)}`;
    const ports = random() < 0.08 ? [{ Protocol: 'tcp', TargetPort: 8080, PublishedPort: 20000 + i, PublishMode: 'ingress' }] : [];
    const nets = [stackNets.get(stack)!, ...(ports.length > 0 ? [ingress] : [])];
    const taskTemplate = (img: string): Doc => ({
      ContainerSpec: {
        Image: `${img}@sha256:${chars(HEX, 64)}`,
        Labels: { 'com.docker.stack.namespace': stack },
        Env: [`SERVICE_NAME=${name}`, 'NODE_ENV=production', 'LOG_LEVEL=info'],
        Privileges: { CredentialSpec: null, SELinuxContext: null },
        ...(random() < 0.25
          ? {
              Mounts: [
                {
                  Type: 'volume',
                  Source: `${stack}_data`,
                  Target: '/var/lib/data',
                  VolumeOptions: { Labels: { 'com.docker.stack.namespace': stack } },
                },
              ],
            }
          : {}),
        ...(random() < 0.3
          ? {
              Healthcheck: {
                Test: ['CMD-SHELL', 'wget -qO- http://localhost:8080/health || exit 1'],
                Interval: 10e9,
                Timeout: 3e9,
                Retries: 3,
              },
            }
          : {}),
        ...{ StopGracePeriod: 10e9, DNSConfig: {}, Isolation: 'default' },
      },
      Resources: { Limits: { NanoCPUs: pick([0.5, 1, 2]) * 1e9, MemoryBytes: pick([256, 512, 1024]) * 1024 ** 2 }, Reservations: {} },
      RestartPolicy: { Condition: 'any', Delay: 5e9, MaxAttempts: 0 },
      Placement: { Constraints: ['node.role == worker'], Platforms: [{ Architecture: 'amd64', OS: 'linux' }] },
      Networks: nets.map((n) => ({ Target: n.Id, Aliases: [part] })),
      ...{ ForceUpdate: 0, Runtime: 'container' },
    });
    const spec = (img: string): Doc => ({
      Name: name,
      Labels: { 'com.docker.stack.image': img, 'com.docker.stack.namespace': stack },
      TaskTemplate: taskTemplate(img),
      Mode: global ? { Global: {} } : { Replicated: { Replicas: replicas[i - globals] } },
      UpdateConfig: { Parallelism: 1, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' },
      RollbackConfig: { Parallelism: 1, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' },
      EndpointSpec: { Mode: 'vip', ...(ports.length > 0 ? { Ports: ports } : {}) },
    });
    const updated = random() < 0.5;
    const service = {
      ID: id(),
      ...{ Version: version(), CreatedAt: at(30 * 86_400_000, random), UpdatedAt: at(random() * 86_400_000, random) },
      Spec: spec(image) as ApiService['Spec'],
      ...(updated ? { PreviousSpec: spec(image.replace(/\.\d+$/, '.0')) } : {}),
      Endpoint: {
        Spec: { Mode: 'vip', Ports: ports },
        Ports: ports,
        VirtualIPs: nets.map((n, k) => ({ NetworkID: n.Id, Addr: `10.${k}.${i >> 8}.${i & 255}/24` })),
      },
      ...(updated
        ? {
            UpdateStatus: {
              State: random() < 0.03 ? 'updating' : 'completed',
              StartedAt: at(7_200_000, random),
              CompletedAt: at(7_000_000, random),
              Message: 'update completed',
            },
          }
        : {}),
    } as ApiService & Doc;
    services.push(service);
    const count = global ? placeable.length : replicas[i - globals]!;
    for (let slot = 1; slot <= count; slot++) {
      const s = { service, slot: global ? null : slot, node: global ? placeable[slot - 1]! : pick(placeable), history: 0 };
      slots.push(s);
      const roll = random();
      addTask(s, roll < 0.96 ? 'running' : roll < 0.985 ? 'starting' : 'pending', random() * 86_400_000);
    }
  }
  // History: Docker keeps up to 5 tasks per slot (TaskHistoryRetentionLimit), the earlier ones shut down or failed.
  while (tasks.length < size.tasks) {
    const s = pick(slots);
    if (s.history >= 4) continue;
    s.history++;
    addTask({ ...s, node: pick(placeable) }, random() < 0.2 ? 'failed' : 'shutdown', 86_400_000 * (1 + random() * 10));
  }

  const swarm = swarmInspect(id(), version(), (ago) => at(ago, random), chars(ID, 124));

  /**
   * A rolling restart that changes `fraction` of the tasks: in half as many
   * slots the running task shuts down and a new one starts (history trimmed
   * per slot as Docker trims it, so the task count grows by the slots that had
   * room).
   */
  const mutate = (round: number, fraction: number): void => {
    const rnd = seeded(seed * 1000 + round);
    const changes = Math.max(1, Math.round((tasks.length * fraction) / 2));
    const replicated = slots.filter((s) => s.slot !== null);
    // Each change in its own slot, and no task changed twice.
    const touched = new Set<object>();
    for (let done = 0, tries = 0; done < changes && tries < changes * 10; tries++) {
      const s = replicated[Math.floor(rnd() * replicated.length)]!;
      const current = touched.has(s)
        ? undefined
        : tasks.find((t) => t.ServiceID === s.service.ID && t.Slot === s.slot && t.DesiredState === 'running');
      if (!current) continue;
      done++;
      Object.assign(current, { Version: version(), UpdatedAt: at(1000, rnd), DesiredState: 'shutdown' });
      current.Status = { ...current.Status, State: 'shutdown', Message: 'shutdown', Timestamp: at(1000, rnd) };
      const fresh = addTask({ ...s, node: placeable[Math.floor(rnd() * placeable.length)]! }, rnd() < 0.5 ? 'running' : 'starting', 500);
      for (const x of [s, current, fresh]) touched.add(x);
      // Docker keeps 5 tasks per slot: a slot that had 4 in its history loses the oldest, as a manager's task reaper prunes it.
      if (s.history < 4) s.history++;
      else {
        const own = tasks.findIndex(
          (t) => !touched.has(t) && t.DesiredState === 'shutdown' && t.ServiceID === s.service.ID && t.Slot === s.slot,
        );
        if (own >= 0) tasks.splice(own, 1);
      }
    }
  };
  return { nodes, services, tasks, networks, swarm, mutate };
}
