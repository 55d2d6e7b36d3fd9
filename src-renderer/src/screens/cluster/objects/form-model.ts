import type { ServiceCreateInput, ServiceMountInput, UpdatePolicy, ValidationIssue } from '../../../../../src-main/contract.js';
import { describeIssue } from '../../../lib/describe-error.js';
import { t } from '../../../lib/i18n/index.svelte.js';

// What the secret/config and service forms hold while being typed, turned into the
// contract's input. Checks here are the ones that need no swarm (a field left empty, a
// line that is not key=value); the core checks the rest and its issues land by path.

export type ServiceInput = Omit<ServiceCreateInput, 'clusterId'>;

export interface PortRow {
  target: string;
  published: string;
  protocol: 'tcp' | 'udp';
  mode: 'ingress' | 'host';
}

export interface MountRow {
  type: ServiceMountInput['type'];
  source: string;
  target: string;
  readOnly: boolean;
}

export interface PolicyRow {
  parallelism: string;
  delaySeconds: string;
  failureAction: UpdatePolicy['failureAction'];
  order: UpdatePolicy['order'];
}

export interface ServiceFormState {
  image: string;
  name: string;
  mode: 'replicated' | 'global';
  replicas: string;
  args: string;
  ports: PortRow[];
  networks: string[];
  env: string;
  mounts: MountRow[];
  constraints: string;
  update: PolicyRow;
  rollback: PolicyRow;
}

/** Docker's own defaults for `--update-*` and `--rollback-*`. */
export const DEFAULT_POLICY: PolicyRow = { parallelism: '1', delaySeconds: '0', failureAction: 'pause', order: 'stop-first' };

export function emptyServiceForm(): ServiceFormState {
  return {
    image: '',
    name: '',
    mode: 'replicated',
    replicas: '1',
    args: '',
    ports: [],
    networks: [],
    env: '',
    mounts: [],
    constraints: '',
    update: { ...DEFAULT_POLICY },
    rollback: { ...DEFAULT_POLICY },
  };
}

/** Field errors by dotted path (`ports.0.published`, `env`), worded. */
export type FieldErrors = Record<string, string>;

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

function wholeNumber(text: string, min: number, max: number): number | null {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/** The contract input, or the fields to fix (`draft` is what the command preview shows meanwhile). Env values keep inner spaces: only whole blank lines go. */
export function toServiceInput(form: ServiceFormState): { input: ServiceInput | null; draft: ServiceInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const numberError = (min: number, max: number) => t('objects.service.number', { min, max });
  if (form.image.trim() === '') errors.image = t('objects.service.required');
  if (form.name.trim() === '') errors.name = t('objects.service.required');
  const replicas = wholeNumber(form.replicas, 0, 10_000);
  if (form.mode === 'replicated' && replicas === null) errors.replicas = numberError(0, 10_000);
  const ports = form.ports.map((p, i) => {
    const target = wholeNumber(p.target, 1, 65_535);
    if (target === null) errors[`ports.${i}.target`] = numberError(1, 65_535);
    const published = p.published.trim() === '' ? null : wholeNumber(p.published, 1, 65_535);
    if (p.published.trim() !== '' && published === null) errors[`ports.${i}.published`] = numberError(1, 65_535);
    return { target: target ?? 0, published, protocol: p.protocol, mode: p.mode };
  });
  const env = form.env.split('\n').filter((l) => l.trim() !== '');
  const badEnv = env.findIndex((l) => !/^[^=\s][^=]*=/s.test(l));
  if (badEnv >= 0) errors.env = t('objects.service.envInvalid', { line: badEnv + 1 });
  const constraints = lines(form.constraints);
  const badConstraint = constraints.findIndex((c) => !/(==|!=)/.test(c));
  if (badConstraint >= 0) errors.constraints = t('objects.service.constraintsInvalid', { line: badConstraint + 1 });
  const mounts = form.mounts.map((m, i) => {
    if (!m.target.trim().startsWith('/')) errors[`mounts.${i}.target`] = t('objects.service.targetIssue');
    return { type: m.type, source: m.type === 'tmpfs' ? '' : m.source.trim(), target: m.target.trim(), readOnly: m.readOnly };
  });
  const policy = (row: PolicyRow, prefix: 'update' | 'rollback'): UpdatePolicy => {
    const parallelism = wholeNumber(row.parallelism, 0, 10_000);
    if (parallelism === null) errors[`${prefix}.parallelism`] = numberError(0, 10_000);
    const delay = Number(row.delaySeconds.trim());
    const delayOk = row.delaySeconds.trim() !== '' && Number.isFinite(delay) && delay >= 0 && delay <= 86_400;
    if (!delayOk) errors[`${prefix}.delaySeconds`] = t('objects.service.delayInvalid');
    return { parallelism: parallelism ?? 0, delaySeconds: delayOk ? delay : 0, failureAction: row.failureAction, order: row.order };
  };
  const draft: ServiceInput = {
    name: form.name.trim(),
    image: form.image.trim(),
    mode: form.mode,
    replicas: replicas ?? 0,
    args: form.args.split('\n').filter((l) => l !== ''),
    ports,
    networks: [...form.networks],
    env,
    mounts,
    constraints,
    update: policy(form.update, 'update'),
    rollback: policy(form.rollback, 'rollback'),
  };
  return { input: Object.keys(errors).length === 0 ? draft : null, draft, errors };
}

/** The core's issues as field errors: worded for the fields it checks itself, generically otherwise. */
export function issueErrors(issues: readonly ValidationIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path;
    let text = describeIssue(issue);
    if (/^ports\.\d+\.published$/.test(path)) text = t('objects.service.publishedIssue');
    else if (/^mounts\.\d+\.source$/.test(path)) text = t('objects.service.sourceIssue');
    else if (/^mounts\.\d+\.target$/.test(path)) text = t('objects.service.targetIssue');
    else if (path.startsWith('networks')) text = t('objects.service.networkIssue');
    else if (path === 'name') text = t('objects.service.nameIssue');
    else if (path === 'image') text = t('objects.service.imageIssue');
    // Several issues on one network list become one line under the checkboxes.
    errors[path.startsWith('networks') ? 'networks' : path] = text;
  }
  return errors;
}

/**
 * `docker service create` as the CLI would take it, shown before Create. Env values are
 * elided as in the activity log: the operator may be sharing the screen.
 */
export function serviceCommand(input: ServiceInput, networkName: (ref: string) => string = (r) => r): string {
  const words = ['docker service create', `--name ${quote(input.name || '…')}`];
  words.push(input.mode === 'global' ? '--mode global' : `--replicas ${input.replicas}`);
  for (const p of input.ports) {
    const published = p.published === null ? '' : `published=${p.published},`;
    words.push(`--publish ${published}target=${p.target},protocol=${p.protocol},mode=${p.mode}`);
  }
  for (const n of input.networks) words.push(`--network ${quote(networkName(n))}`);
  for (const e of input.env) words.push(`--env ${quote(e.slice(0, e.indexOf('=')))}=…`);
  for (const m of input.mounts) {
    const source = m.source === '' ? '' : `source=${m.source},`;
    words.push(`--mount ${quote(`type=${m.type},${source}target=${m.target}${m.readOnly ? ',readonly' : ''}`)}`);
  }
  for (const c of input.constraints) words.push(`--constraint ${quote(c)}`);
  for (const [prefix, p] of [
    ['update', input.update],
    ['rollback', input.rollback],
  ] as const) {
    const d = DEFAULT_POLICY;
    // Only what differs from Docker's defaults, as an operator would type it.
    if (String(p.parallelism) !== d.parallelism) words.push(`--${prefix}-parallelism ${p.parallelism}`);
    if (String(p.delaySeconds) !== d.delaySeconds) words.push(`--${prefix}-delay ${p.delaySeconds}s`);
    if (p.failureAction !== d.failureAction) words.push(`--${prefix}-failure-action ${p.failureAction}`);
    if (p.order !== d.order) words.push(`--${prefix}-order ${p.order}`);
  }
  words.push(quote(input.image || '…'), ...input.args.map(quote));
  return words.join(' ');
}

function quote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,…-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `key=value` lines as labels, or the 1-based line that is not one. */
export function parseLabels(text: string): { labels: Record<string, string> } | { badLine: number } {
  const labels: Record<string, string> = {};
  const all = lines(text);
  for (const [i, line] of all.entries()) {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) return { badLine: i + 1 };
    labels[key] = line.slice(eq + 1).trim();
  }
  return { labels };
}
