import type { ServiceCreateInput, UpdatePolicy, ValidationIssue } from '../../contract.js';

// The service form's input as Docker's ServiceSpec, and the checks the argument schema
// cannot make (they need the whole input, or the swarm's networks). Pure, so every
// field and every refusal is unit-tested without a swarm.

/** The part of a network listing the checks need. */
export interface NetworkRef {
  Id: string;
  Name: string;
  Scope?: string;
  Ingress?: boolean;
}

export interface ServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: {
      Image: string;
      Args?: string[];
      Env: string[];
      Mounts: { Type: string; Source?: string; Target: string; ReadOnly: boolean }[];
    };
    Placement: { Constraints: string[] };
    Networks: { Target: string }[];
  };
  Mode: { Replicated: { Replicas: number } } | { Global: Record<string, never> };
  UpdateConfig: DockerUpdateConfig;
  RollbackConfig: DockerUpdateConfig;
  EndpointSpec: { Ports: { TargetPort: number; PublishedPort?: number; Protocol: string; PublishMode: string }[] };
}

interface DockerUpdateConfig {
  Parallelism: number;
  /** Nanoseconds, as the API counts every duration. */
  Delay: number;
  FailureAction: string;
  Order: string;
}

type SpecInput = Omit<ServiceCreateInput, 'clusterId'>;

const NS_PER_SECOND = 1_000_000_000;

/**
 * Refusals Docker would make later, or worse, accept and leave a service that cannot start:
 * found here, each tied to its field, so the form can show them beside it.
 */
export function validateServiceInput(input: SpecInput, networks: readonly NetworkRef[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const issue = (path: string, message: string): void => {
    issues.push({ path, code: 'INVALID_VALUE', message });
  };

  const published = new Set<string>();
  input.ports.forEach((p, i) => {
    if (p.published === null) {
      // Docker picks a port only through the routing mesh; a host-mode port must name its own.
      if (p.mode === 'host') issue(`ports.${i}.published`, 'a host-mode port needs a published port');
      return;
    }
    const key = `${p.published}/${p.protocol}`;
    if (published.has(key)) issue(`ports.${i}.published`, `published port ${key} is given twice`);
    published.add(key);
  });

  const targets = new Set<string>();
  input.mounts.forEach((m, i) => {
    if (m.type === 'bind' && !m.source.startsWith('/')) issue(`mounts.${i}.source`, 'a bind mount source must be an absolute path');
    if (m.type === 'tmpfs' && m.source !== '') issue(`mounts.${i}.source`, 'a tmpfs mount has no source');
    if (targets.has(m.target)) issue(`mounts.${i}.target`, `mount target ${m.target} is given twice`);
    targets.add(m.target);
  });

  input.networks.forEach((name, i) => {
    const found = findNetwork(name, networks);
    if (!found) issue(`networks.${i}`, `no network ${name} in this swarm`);
    else if (found.Scope !== 'swarm') issue(`networks.${i}`, `network ${name} is local to one host; a service needs a swarm network`);
    else if (found.Ingress) issue(`networks.${i}`, `network ${name} is the routing mesh; ports reach it by themselves`);
  });
  if (new Set(input.networks).size !== input.networks.length) issue('networks', 'a network is given twice');

  // Docker's rollback config takes pause or continue only: a rollback cannot roll back.
  if (input.rollback.failureAction === 'rollback') issue('rollback.failureAction', 'a rollback cannot itself roll back');
  return issues;
}

/** A network by name, full ID, or ID prefix (as the CLI accepts it). */
export function findNetwork(ref: string, networks: readonly NetworkRef[]): NetworkRef | undefined {
  const exact = networks.find((n) => n.Name === ref) ?? networks.find((n) => n.Id === ref);
  if (exact) return exact;
  const prefixed = ref.length >= 6 ? networks.filter((n) => n.Id.startsWith(ref)) : [];
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** The ServiceSpec for a validated input; networks are given by ID so a name clash later cannot retarget them. */
export function toServiceSpec(input: SpecInput, networks: readonly NetworkRef[]): ServiceSpec {
  return {
    Name: input.name,
    Labels: {},
    TaskTemplate: {
      ContainerSpec: {
        Image: input.image,
        // Empty Args would still replace nothing, but omitting it says "the image's own command" plainly.
        ...(input.args.length > 0 ? { Args: [...input.args] } : {}),
        Env: [...input.env],
        Mounts: input.mounts.map((m) => ({
          Type: m.type,
          ...(m.type === 'tmpfs' || m.source === '' ? {} : { Source: m.source }),
          Target: m.target,
          ReadOnly: m.readOnly,
        })),
      },
      Placement: { Constraints: [...input.constraints] },
      Networks: input.networks.map((ref) => ({ Target: findNetwork(ref, networks)?.Id ?? ref })),
    },
    Mode: input.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: input.replicas } },
    UpdateConfig: toUpdateConfig(input.update),
    RollbackConfig: toUpdateConfig(input.rollback),
    EndpointSpec: {
      Ports: input.ports.map((p) => ({
        TargetPort: p.target,
        ...(p.published === null ? {} : { PublishedPort: p.published }),
        Protocol: p.protocol,
        PublishMode: p.mode,
      })),
    },
  };
}

function toUpdateConfig(policy: UpdatePolicy): DockerUpdateConfig {
  return {
    Parallelism: policy.parallelism,
    Delay: Math.round(policy.delaySeconds * NS_PER_SECOND),
    FailureAction: policy.failureAction,
    Order: policy.order,
  };
}

/**
 * The CLI spelling of the create, for the activity log. Env values are left out:
 * they may be passwords, and the log is plain text on disk.
 */
export function serviceCreateCommand(input: SpecInput): string {
  const words = ['docker service create', `--name ${input.name}`];
  words.push(input.mode === 'global' ? '--mode global' : `--replicas ${input.replicas}`);
  for (const p of input.ports) {
    const published = p.published === null ? '' : `published=${p.published},`;
    words.push(`--publish ${published}target=${p.target},protocol=${p.protocol},mode=${p.mode}`);
  }
  for (const n of input.networks) words.push(`--network ${n}`);
  for (const e of input.env) words.push(`--env ${e.slice(0, e.indexOf('='))}=…`);
  for (const m of input.mounts) {
    const source = m.source === '' ? '' : `source=${m.source},`;
    words.push(`--mount type=${m.type},${source}target=${m.target}${m.readOnly ? ',readonly' : ''}`);
  }
  for (const c of input.constraints) words.push(`--constraint ${quote(c)}`);
  words.push(...policyFlags('update', input.update), ...policyFlags('rollback', input.rollback));
  words.push(input.image, ...input.args.map(quote));
  return words.join(' ');
}

function policyFlags(prefix: 'update' | 'rollback', p: UpdatePolicy): string[] {
  return [
    `--${prefix}-parallelism ${p.parallelism}`,
    `--${prefix}-delay ${p.delaySeconds}s`,
    `--${prefix}-failure-action ${p.failureAction}`,
    `--${prefix}-order ${p.order}`,
  ];
}

/** Single-quotes a word the shell would split or expand. */
function quote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
