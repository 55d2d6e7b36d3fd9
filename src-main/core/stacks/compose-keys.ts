import type { z } from 'zod';
import type { ComposeFinding } from '../../contract.js';
import { readComposeText } from './compose-file.js';
import { composeSchema, type ComposeFile } from './compose-schema.js';

// Keys that are valid compose but that `docker stack deploy` (Docker 20.10) does not honour.
// Docker's CLI prints "Ignoring unsupported options" and goes on; here each one is listed,
// with why and what to do instead, so nothing is dropped without the operator seeing it.

const ENGINE = 'Docker 20.10 swarm services cannot set this';
const USE_RESOURCES = 'use deploy.resources for a service';

const SERVICE_KEYS: Record<string, string> = {
  build: 'a stack runs images, it cannot build them; build and push the image, then name it in image',
  container_name: 'swarm names the containers of a service itself',
  depends_on: 'swarm starts services in no set order; make each service wait for what it needs',
  links: 'services on the same network reach each other by their name',
  external_links: 'services on the same network reach each other by their name',
  expose: 'not needed: services on the same network reach each other on any port',
  devices: ENGINE,
  privileged: ENGINE,
  security_opt: ENGINE,
  userns_mode: ENGINE,
  cgroup_parent: ENGINE,
  cgroupns_mode: ENGINE,
  ipc: ENGINE,
  pid: ENGINE,
  mac_address: ENGINE,
  domainname: ENGINE,
  shm_size: ENGINE,
  oom_score_adj: ENGINE,
  oom_kill_disable: ENGINE,
  ulimits: 'Docker 20.10 swarm services cannot set ulimits (Docker 23 can)',
  network_mode: 'swarm services join networks: use networks',
  restart: 'use deploy.restart_policy',
  scale: 'use deploy.replicas',
  tmpfs: 'use a volume of type tmpfs',
  env_file: 'Swarmdeck receives only the compose text and cannot read that file; write the variables under environment',
  credential_spec: 'Windows credential specs are not supported',
  profiles: 'docker stack deploy ignores profiles: every service is deployed',
  pull_policy: 'docker stack deploy ignores it',
  platform: 'docker stack deploy ignores it; use a placement constraint such as node.platform.arch==x86_64',
  mem_limit: USE_RESOURCES,
  mem_reservation: USE_RESOURCES,
  memswap_limit: USE_RESOURCES,
  cpus: USE_RESOURCES,
  cpu_shares: USE_RESOURCES,
  cpu_quota: USE_RESOURCES,
  cpuset: USE_RESOURCES,
  pids_limit: ENGINE,
};
const TOP_KEYS: Record<string, string> = {
  name: 'the stack name is the one given to the deploy, not this one',
};
const DEPLOY_RESOURCE_KEYS: Record<string, string> = { devices: ENGINE, pids: 'not supported by Swarmdeck yet' };
const OBJECT_KEYS: Record<string, string> = {
  driver: 'a secret or config driver is not supported',
  template_driver: 'templates are not supported',
};
const FILE_SOURCE = (kind: string) =>
  `Swarmdeck receives only the compose text and cannot read a file or your environment; create the ${kind} in the Secrets & configs tab and declare it external: true`;

export interface ValidatedCompose {
  file: ComposeFile | null;
  findings: ComposeFinding[];
  lineOf: (path: readonly PropertyKey[]) => number | null;
}

/** Reads, takes out what a stack deploy does not honour (each as a finding), and validates the rest. */
export function validateCompose(text: string): ValidatedCompose {
  const read = readComposeText(text);
  const { lineOf } = read;
  const findings = [...read.findings];
  if (read.data === null) return { file: null, findings, lineOf };
  if (!isRecord(read.data)) {
    findings.push(invalid('', 'the file is not a mapping of compose keys (services:, networks:…)'));
    return { file: null, findings, lineOf };
  }
  const at = (path: PropertyKey[], message: string) => {
    const line = lineOf(path);
    return line === null ? message : `line ${line}: ${message}`;
  };
  const take = (
    object: unknown,
    path: PropertyKey[],
    table: Record<string, string>,
    severity: ComposeFinding['severity'] = 'unsupported',
  ) => {
    if (!isRecord(object)) return;
    for (const key of Object.keys(object)) {
      if (key.startsWith('x-')) {
        // Extension fields are for anchors; Docker ignores them by design.
        delete object[key];
        continue;
      }
      const why = table[key];
      if (why === undefined) continue;
      findings.push({
        severity,
        path: [...path, key].join('.'),
        code: 'COMPOSE_UNSUPPORTED',
        message: at([...path, key], `${key}: ${why}`),
      });
      delete object[key];
    }
  };

  const data = read.data;
  take(data, [], TOP_KEYS);
  for (const [name, service] of entries(data['services'])) {
    take(service, ['services', name], SERVICE_KEYS);
    const resources = isRecord(service) && isRecord(service['deploy']) ? service['deploy']['resources'] : undefined;
    if (isRecord(resources)) {
      take(resources['limits'], ['services', name, 'deploy', 'resources', 'limits'], DEPLOY_RESOURCE_KEYS);
      take(resources['reservations'], ['services', name, 'deploy', 'resources', 'reservations'], DEPLOY_RESOURCE_KEYS);
    }
  }
  for (const kind of ['networks', 'volumes'] as const) for (const [name, def] of entries(data[kind])) take(def, [kind, name], {});
  for (const kind of ['secrets', 'configs'] as const) {
    for (const [name, def] of entries(data[kind])) {
      take(def, [kind, name], OBJECT_KEYS);
      // A file or an environment variable as the source cannot work, and a service needing it would fail: refused.
      const noun = kind === 'secrets' ? 'secret' : 'config';
      take(def, [kind, name], { file: FILE_SOURCE(noun), environment: FILE_SOURCE(noun) }, 'error');
    }
  }

  const parsed = composeSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // An unknown key is reported on its parent object; point at each key itself.
      const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      for (const path of paths) findings.push(invalid(path.join('.'), at(path, describe(issue, path))));
    }
    return { file: null, findings: byLine(findings), lineOf };
  }
  return { file: parsed.data, findings, lineOf };
}

function describe(issue: z.core.$ZodIssue, path: PropertyKey[]): string {
  const where = path.join('.') || 'the file';
  if (issue.code === 'unrecognized_keys') return `${where}: "${String(path[path.length - 1])}" is not a compose key`;
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return issue.message.startsWith('image') ? issue.message : `${where} is required`;
  }
  if (issue.code === 'invalid_union') return `${where} does not have a shape compose allows here`;
  return `${where}: ${issue.message}`;
}

/** In the order the operator reads the file. */
function byLine(findings: ComposeFinding[]): ComposeFinding[] {
  const line = (f: ComposeFinding) => Number(/^line (\d+):/.exec(f.message)?.[1] ?? 0);
  return [...findings].sort((a, b) => line(a) - line(b));
}

function invalid(path: string, message: string): ComposeFinding {
  return { severity: 'error', path, code: 'COMPOSE_INVALID', message };
}

function entries(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
