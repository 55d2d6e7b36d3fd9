import type { ComposeFinding } from '../../contract.js';
import type { ComposeConfig, ComposeFile, ComposeNetwork, ComposeService, ComposeVolume } from './compose-schema.js';
import { bytes, nanoCpus, nanoseconds, pairs, shellWords, shortPorts, shortVolume, type PortConfig } from './compose-values.js';

// A validated compose file as the Docker API objects `docker stack deploy` would send, named and
// labelled the same way, so a stack deployed here and one deployed with the CLI are the same stack.

export const NAMESPACE_LABEL = 'com.docker.stack.namespace';
export const IMAGE_LABEL = 'com.docker.stack.image';

type Spec = Record<string, unknown>;

export interface PlannedObject {
  /** The compose key (`web`), and the full name in the swarm (`shop_web`). */
  key: string;
  name: string;
  external: boolean;
  /** The create body, null for an external object. */
  spec: Spec | null;
}

export interface StackPlan {
  services: (PlannedObject & { spec: Spec })[];
  networks: PlannedObject[];
  volumes: string[];
  secrets: PlannedObject[];
  configs: PlannedObject[];
  findings: ComposeFinding[];
}

export function planStack(stack: string, file: ComposeFile, lineOf: (path: readonly PropertyKey[]) => number | null): StackPlan {
  const findings: ComposeFinding[] = [];
  const report = (severity: ComposeFinding['severity'], path: PropertyKey[], message: string) => {
    const line = lineOf(path);
    findings.push({
      severity,
      path: path.join('.'),
      code: severity === 'error' ? 'COMPOSE_INVALID' : 'COMPOSE_UNSUPPORTED',
      message: line === null ? message : `line ${line}: ${message}`,
    });
  };
  const scoped = (
    key: string,
    def: { name?: string | undefined; external?: boolean | { name: string } | undefined } | null | undefined,
  ) => {
    const external = def?.external;
    if (typeof external === 'object') return { name: external.name, external: true };
    // An external object keeps its own name; so does one given `name:`; the rest get the stack prefix.
    if (external === true) return { name: def?.name ?? key, external: true };
    return { name: def?.name ?? `${stack}_${key}`, external: false };
  };
  const withNamespace = (labels: ComposeService['labels']) => ({ ...labelMap(labels), [NAMESPACE_LABEL]: stack });

  const services = Object.entries(file.services);
  const networkDefs: Record<string, ComposeNetwork | null> = { ...file.networks };
  // Like the CLI: a service that names no network joins `<stack>_default`, made only when used.
  if (services.some(([, s]) => !s.networks || Object.keys(s.networks).length === 0)) networkDefs['default'] ??= null;

  const networks: PlannedObject[] = Object.entries(networkDefs).map(([key, def]) => {
    const { name, external } = scoped(key, def);
    if (external) return { key, name, external, spec: null };
    const driver = def?.driver ?? 'overlay';
    const ipam = def?.ipam;
    return {
      key,
      name,
      external,
      spec: {
        Name: name,
        CheckDuplicate: true,
        Driver: driver,
        ...(driver === 'overlay' && { Scope: 'swarm' }),
        Options: stringMap(def?.driver_opts),
        Labels: withNamespace(def?.labels),
        Attachable: def?.attachable ?? false,
        Internal: def?.internal ?? false,
        EnableIPv6: def?.enable_ipv6 ?? false,
        ...(ipam && {
          IPAM: {
            Driver: ipam.driver ?? 'default',
            Options: ipam.options ?? {},
            Config: (ipam.config ?? []).map((c) => ({
              Subnet: c.subnet,
              IPRange: c.ip_range,
              Gateway: c.gateway,
              AuxiliaryAddresses: c.aux_addresses,
            })),
          },
        }),
      },
    };
  });

  const volumeDefs: Record<string, ComposeVolume | null> = { ...file.volumes };
  const volumes = Object.entries(volumeDefs).map(([key, def]) => ({ key, def, ...scoped(key, def) }));

  const secrets: PlannedObject[] = Object.entries(file.secrets ?? {}).map(([key, def]) => {
    const planned = scoped(key, def);
    // Secrets come from files or the environment in compose, neither of which reach the core.
    if (!planned.external) {
      report(
        'error',
        ['secrets', key],
        `secret ${key} has no source Swarmdeck can use; create it in the Secrets & configs tab and declare it external: true`,
      );
    }
    return { key, ...planned, external: true, spec: null };
  });

  const configs: PlannedObject[] = Object.entries(file.configs ?? {}).map(([key, def]: [string, ComposeConfig]) => {
    const planned = scoped(key, def);
    if (planned.external) return { key, ...planned, spec: null };
    if (def.content === undefined) {
      report(
        'error',
        ['configs', key],
        `config ${key} has no content; write it under content:, or create it in the Secrets & configs tab and declare it external: true`,
      );
      return { key, ...planned, spec: null };
    }
    return {
      key,
      ...planned,
      spec: { Name: planned.name, Labels: withNamespace(def.labels), Data: Buffer.from(def.content, 'utf8').toString('base64') },
    };
  });

  const planned = services.map(([key, service]) => {
    const name = `${stack}_${key}`;
    const at = (...rest: PropertyKey[]) => ['services', key, ...rest];
    const container: Spec = {
      Image: service.image,
      Labels: withNamespace(service.labels),
      ...(service.entrypoint !== undefined && { Command: shellWords(service.entrypoint) }),
      ...(service.command !== undefined && { Args: shellWords(service.command) }),
      Hostname: service.hostname,
      Dir: service.working_dir,
      User: service.user === undefined ? undefined : String(service.user),
      StopSignal: service.stop_signal,
      StopGracePeriod: service.stop_grace_period === undefined ? undefined : nanoseconds(service.stop_grace_period),
      TTY: service.tty,
      OpenStdin: service.stdin_open,
      ReadOnly: service.read_only,
      Init: service.init,
      Isolation: service.isolation,
      CapabilityAdd: service.cap_add,
      CapabilityDrop: service.cap_drop,
    };

    const env: string[] = [];
    for (const [k, v] of pairs(service.environment)) {
      if (v === null)
        report(
          'unsupported',
          at('environment', k),
          `${k} has no value; the CLI would take it from your shell, which Swarmdeck does not have`,
        );
      else env.push(`${k}=${v}`);
    }
    container['Env'] = env.sort();
    if (service.sysctls) container['Sysctls'] = Object.fromEntries(pairs(service.sysctls).map(([k, v]) => [k, v ?? '']));
    if (service.extra_hosts) {
      // Compose writes host:ip, Docker's service spec wants "ip host".
      container['Hosts'] = pairs(service.extra_hosts, ':').map(([host, ip]) => `${ip ?? ''} ${host}`);
    }
    if (service.dns || service.dns_search || service.dns_opt) {
      container['DNSConfig'] = { Nameservers: list(service.dns), Search: list(service.dns_search), Options: service.dns_opt ?? [] };
    }
    if (service.healthcheck) {
      const h = service.healthcheck;
      container['Healthcheck'] = h.disable
        ? { Test: ['NONE'] }
        : {
            ...(h.test !== undefined && { Test: typeof h.test === 'string' ? ['CMD-SHELL', h.test] : h.test }),
            ...(h.interval && { Interval: nanoseconds(h.interval) }),
            ...(h.timeout && { Timeout: nanoseconds(h.timeout) }),
            ...(h.start_period && { StartPeriod: nanoseconds(h.start_period) }),
            ...(h.retries !== undefined && { Retries: h.retries }),
          };
    }

    const mounts: Spec[] = [];
    for (const [i, volume] of (service.volumes ?? []).entries()) {
      const long = typeof volume === 'string' ? fromShortVolume(volume) : volume;
      if (!long) {
        report('error', at('volumes', i), `"${String(volume)}" is not a volume like name:/path, /host/path:/path or /path`);
        continue;
      }
      if (long.type === 'tmpfs') {
        mounts.push({
          Type: 'tmpfs',
          Target: long.target,
          ReadOnly: long.read_only ?? false,
          ...(long.tmpfs?.size !== undefined && { TmpfsOptions: { SizeBytes: bytes(long.tmpfs.size) } }),
        });
      } else if (long.type === 'bind') {
        if (!long.source?.startsWith('/')) {
          report(
            'error',
            at('volumes', i),
            `bind source "${long.source ?? ''}" must be an absolute path on the nodes; a stack has no folder to resolve it from`,
          );
          continue;
        }
        mounts.push({
          Type: 'bind',
          Source: long.source,
          Target: long.target,
          ReadOnly: long.read_only ?? false,
          ...(long.bind && { BindOptions: { Propagation: long.bind.propagation } }),
        });
      } else if (!long.source) {
        mounts.push({ Type: 'volume', Target: long.target, ReadOnly: long.read_only ?? false });
      } else {
        const def = volumes.find((v) => v.key === long.source);
        if (!def) {
          report('error', at('volumes', i), `volume ${long.source} is not declared under the top-level volumes`);
          continue;
        }
        mounts.push({
          Type: 'volume',
          Source: def.name,
          Target: long.target,
          ReadOnly: long.read_only ?? false,
          VolumeOptions: {
            NoCopy: long.volume?.nocopy ?? false,
            ...(!def.external && { Labels: withNamespace(def.def?.labels) }),
            ...(def.def?.driver && { DriverConfig: { Name: def.def.driver, Options: stringMap(def.def.driver_opts) } }),
          },
        });
      }
    }
    container['Mounts'] = mounts;

    const references = (kind: 'secrets' | 'configs', known: PlannedObject[]) =>
      (service[kind] ?? []).flatMap((ref, i) => {
        const source = typeof ref === 'string' ? ref : ref.source;
        const object = known.find((o) => o.key === source);
        if (!object) {
          report('error', at(kind, i), `${kind === 'secrets' ? 'secret' : 'config'} ${source} is not declared under the top-level ${kind}`);
          return [];
        }
        const long = typeof ref === 'string' ? { source } : ref;
        const target = long.target ?? (kind === 'secrets' ? source : `/${source}`);
        const file = { Name: target, UID: String(long.uid ?? '0'), GID: String(long.gid ?? '0'), Mode: long.mode ?? 0o444 };
        // The IDs are filled in at deploy time, once the objects exist.
        return [kind === 'secrets' ? { File: file, SecretName: object.name } : { File: file, ConfigName: object.name }];
      });
    container['Secrets'] = references('secrets', secrets);
    container['Configs'] = references('configs', configs);

    const attachments: Spec[] = [];
    const serviceNetworks = service.networks && Object.keys(service.networks).length > 0 ? service.networks : ['default'];
    const networkEntries = Array.isArray(serviceNetworks)
      ? serviceNetworks.map((n) => [n, null] as const)
      : Object.entries(serviceNetworks);
    for (const [net, options] of networkEntries) {
      const network = networks.find((n) => n.key === net);
      if (!network) {
        report('error', at('networks', net), `network ${net} is not declared under the top-level networks`);
        continue;
      }
      if (options?.ipv4_address || options?.ipv6_address)
        report('unsupported', at('networks', net), 'a fixed address cannot be set on a swarm service');
      // The short name as an alias is how services of one stack find each other by their compose names.
      attachments.push({ Target: network.name, Aliases: [key, ...(options?.aliases ?? [])] });
    }

    const ports: PortConfig[] = [];
    for (const [i, port] of (service.ports ?? []).entries()) {
      if (typeof port === 'object') {
        ports.push({
          Protocol: port.protocol ?? 'tcp',
          TargetPort: port.target,
          ...(port.published !== undefined && { PublishedPort: Number(port.published) }),
          PublishMode: port.mode ?? 'ingress',
        });
        continue;
      }
      const parsed = shortPorts(port);
      if (!parsed) report('error', at('ports', i), `"${port}" is not a port like 8080:80 or 8080:80/udp`);
      else {
        if (parsed.hostIp)
          report('unsupported', at('ports', i), `the host address ${parsed.hostIp} is ignored: swarm publishes on every node`);
        ports.push(...parsed.ports);
      }
    }

    const deploy = service.deploy ?? {};
    const resources = deploy.resources;
    const limit = (r: { cpus?: string | number | undefined; memory?: string | number | undefined } | undefined) => ({
      ...(r?.cpus !== undefined && { NanoCPUs: nanoCpus(r.cpus) }),
      ...(r?.memory !== undefined && { MemoryBytes: bytes(r.memory) }),
    });
    const spec: Spec = {
      Name: name,
      Labels: { ...labelMap(deploy.labels), [IMAGE_LABEL]: service.image, [NAMESPACE_LABEL]: stack },
      TaskTemplate: {
        ContainerSpec: container,
        Resources: {
          Limits: limit(resources?.limits),
          Reservations: {
            ...limit(resources?.reservations),
            ...(resources?.reservations?.generic_resources && {
              GenericResources: resources.reservations.generic_resources.map((g) => ({
                DiscreteResourceSpec: { Kind: g.discrete_resource_spec.kind, Value: g.discrete_resource_spec.value },
              })),
            }),
          },
        },
        ...(deploy.restart_policy && {
          RestartPolicy: {
            Condition: deploy.restart_policy.condition ?? 'any',
            ...(deploy.restart_policy.delay && { Delay: nanoseconds(deploy.restart_policy.delay) }),
            ...(deploy.restart_policy.max_attempts !== undefined && { MaxAttempts: deploy.restart_policy.max_attempts }),
            ...(deploy.restart_policy.window && { Window: nanoseconds(deploy.restart_policy.window) }),
          },
        }),
        Placement: {
          Constraints: deploy.placement?.constraints ?? [],
          Preferences: (deploy.placement?.preferences ?? []).map((p) => ({ Spread: { SpreadDescriptor: p.spread } })),
          ...(deploy.placement?.max_replicas_per_node !== undefined && { MaxReplicas: deploy.placement.max_replicas_per_node }),
        },
        Networks: attachments,
        ...(service.logging && { LogDriver: { Name: service.logging.driver ?? '', Options: stringMap(service.logging.options) } }),
      },
      Mode: deploy.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: deploy.replicas ?? 1 } },
      ...(deploy.update_config && { UpdateConfig: updatePolicy(deploy.update_config) }),
      ...(deploy.rollback_config && { RollbackConfig: updatePolicy(deploy.rollback_config) }),
      EndpointSpec: { Mode: deploy.endpoint_mode ?? 'vip', Ports: ports },
    };
    if (deploy.mode === 'global' && deploy.replicas !== undefined)
      report('error', at('deploy', 'replicas'), 'a global service runs one task per node; replicas cannot be set');
    return { key, name, external: false, spec: stripUndefined(spec) };
  });

  const used = new Set(planned.flatMap((s) => ((s.spec['TaskTemplate'] as Spec)['Networks'] as { Target: string }[]).map((n) => n.Target)));
  return {
    services: planned,
    // Like the CLI, only networks some service joins are made (or, when external, looked for).
    networks: networks.filter((n) => used.has(n.name)),
    volumes: volumes.map((v) => v.name),
    secrets,
    configs,
    findings,
  };
}

function updatePolicy(u: NonNullable<NonNullable<ComposeService['deploy']>['update_config']>): Spec {
  return {
    Parallelism: u.parallelism ?? 1,
    ...(u.delay && { Delay: nanoseconds(u.delay) }),
    ...(u.failure_action && { FailureAction: u.failure_action }),
    ...(u.monitor && { Monitor: nanoseconds(u.monitor) }),
    ...(u.max_failure_ratio !== undefined && { MaxFailureRatio: u.max_failure_ratio }),
    ...(u.order && { Order: u.order }),
  };
}

type LongVolume = Exclude<NonNullable<ComposeService['volumes']>[number], string>;

function fromShortVolume(spec: string): LongVolume | null {
  const v = shortVolume(spec);
  if (!v) return null;
  const bind = v.source !== null && /^[/.~]/.test(v.source);
  return {
    type: bind ? 'bind' : 'volume',
    ...(v.source !== null && { source: v.source }),
    target: v.target,
    read_only: v.readOnly,
    ...(bind && v.propagation && { bind: { propagation: v.propagation as 'rprivate' } }),
    ...(!bind && v.nocopy && { volume: { nocopy: true } }),
  };
}

function labelMap(labels: ComposeService['labels']): Record<string, string> {
  return Object.fromEntries(pairs(labels).map(([k, v]) => [k, v ?? '']));
}

function stringMap(value: Record<string, string | number | boolean | null> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(value ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** JSON drops undefined anyway; taking it out keeps specs comparable in tests and logs. */
function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
