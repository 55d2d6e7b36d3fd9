import type {
  BootstrapStepStatus,
  PlanFinding,
  PlanFindingCode,
  PlannedOperation,
  PreflightCheck,
  ValidationIssue,
} from '../../../src-main/contract.js';
import { ApiError } from './api.js';
import { describeError, describeIssue } from './describe-error.js';
import { formatBytes } from './i18n/format.svelte.js';
import { hasMessage, t, tDynamic } from './i18n/index.svelte.js';

// Words for the codes the setup core sends: plan findings, preflight checks, bootstrap steps.
// A code this renderer does not know yet still shows, as the code itself.

export function describeFinding(finding: PlanFinding): string {
  return tDynamic(`setup.findings.${finding.code}`, finding.params);
}

/** The short reason behind a finding, where there is one worth saying. */
export function findingWhy(finding: PlanFinding): string | undefined {
  const key = `setup.why.${finding.code}`;
  return hasMessage(key) ? tDynamic(key, finding.params) : undefined;
}

function checkParams(check: PreflightCheck): Record<string, string> {
  const params: Record<string, string> = { host: check.host, ...check.params };
  // SSH_ERROR carries an error code: word it with the errors catalogue.
  if (check.params.error) params.error = describeError({ code: check.params.error, params: { host: check.host, ...check.params } });
  return params;
}

export function describeCheck(check: PreflightCheck): string {
  const key = `preflight.codes.${check.code}`;
  if (hasMessage(key)) return tDynamic(key, checkParams(check));
  return check.status === 'running' ? tDynamic('preflight.statuses.running') : check.code;
}

/** How to fix a failed or warned check, when the catalogue knows. */
export function checkFix(check: PreflightCheck): string | undefined {
  if (check.status !== 'fail' && check.status !== 'warn') return undefined;
  const key = `preflight.fixes.${check.code}`;
  return hasMessage(key) ? tDynamic(key, checkParams(check)) : undefined;
}

export function checkName(check: PreflightCheck): string {
  const key = `preflight.checks.${check.check}`;
  return hasMessage(key) ? tDynamic(key) : check.check;
}

/** "Join m2 as manager", or "Join the managers" when the step is not about one host. */
export function describeStep(step: { step: string; host: string | null }): string {
  const key = step.host ? `setup.stepIds.${step.step}Host` : `setup.stepIds.${step.step}`;
  return hasMessage(key) ? tDynamic(key, { host: step.host ?? '' }) : step.host ? `${step.step} ${step.host}` : step.step;
}

const EDGE_FORMAT_WORDS: Record<string, string> = {
  plain: 'edge.edge.formatPlain',
  nginx: 'edge.edge.formatNginx',
  haproxy: 'edge.edge.formatHaproxy',
  json: 'edge.edge.formatJson',
};

/** The production steps' params come as data (hours, a mode, bytes): worded here in the current locale. */
function productionParams(code: string, params: Record<string, string>): Record<string, string | number> {
  if (!/^(REGISTRY|BACKUPS|EDGE|POOLS?)_/.test(code)) return params;
  const out: Record<string, string | number> = { ...params };
  if (params.every !== undefined)
    out.every = params.every === '' ? t('setup.extras.words.byHand') : t('setup.extras.words.every', { count: Number(params.every) });
  if (params.mode !== undefined)
    out.mode = params.mode === 'insecure' ? t('setup.extras.words.modeInsecure') : t('setup.extras.words.modeTls');
  if (params.publish !== undefined)
    out.publish = params.publish === 'ingress' ? t('setup.extras.words.publishIngress') : t('setup.extras.words.publishHost');
  if (params.size !== undefined && /^\d+$/.test(params.size)) out.size = formatBytes(Number(params.size));
  const format = params.format !== undefined ? EDGE_FORMAT_WORDS[params.format] : undefined;
  if (format) out.format = tDynamic(format);
  // Counts choose the plural form.
  if (params.count !== undefined) out.count = Number(params.count);
  if (params.targets !== undefined) out.count = Number(params.targets);
  if (params.managers !== undefined) out.count = Number(params.managers);
  return out;
}

/** What a step found or why it was skipped. */
export function describeStepCode(status: BootstrapStepStatus): string | undefined {
  if (!status.code) return undefined;
  const key = `setup.stepCodes.${status.code}`;
  return hasMessage(key) ? tDynamic(key, productionParams(status.code, status.params ?? {})) : status.code;
}

/** A review operation: Docker's command as it is, or a production operation worded from its code. */
export function describeOperation(op: PlannedOperation): string | undefined {
  if (!op.code) return undefined;
  const key = `setup.operations.${op.code}`;
  return hasMessage(key) ? tDynamic(key, productionParams(op.code, op.params ?? {})) : op.code;
}

/** The steps that edit the plan; their problems come from `setup.validate`. */
export type PlanStep = 'hosts' | 'roles' | 'network' | 'options' | 'extras';

/** A finding or a refused field, worded, ready to show beside its field. */
export interface FieldNote {
  severity: PlanFinding['severity'];
  code: string;
  path: string;
  text: string;
  why?: string | undefined;
}

/** Which step shows a finding: by its code where the path alone would mislead (`hosts` holds the manager count). */
export const STEP_OF_CODE: Partial<Record<PlanFindingCode, PlanStep>> = {
  NAME_EMPTY: 'hosts',
  NO_HOSTS: 'hosts',
  HOST_UNKNOWN: 'hosts',
  HOST_TWICE: 'hosts',
  ADDRESS_TWICE: 'hosts',
  ADVERTISE_INVALID: 'roles',
  NO_MANAGER: 'roles',
  MANAGERS_EVEN: 'roles',
  MANAGER_SINGLE: 'roles',
  MANAGERS_OVER_SEVEN: 'roles',
  DEDICATED_RECOMMENDED: 'options',
};

export function stepOfPath(path: string): PlanStep {
  if (path === 'name' || /^hosts(\.\d+(\.host)?)?$/.test(path)) return 'hosts';
  if (path.startsWith('hosts.')) return 'roles';
  if (path.startsWith('networks')) return 'network';
  if (path.startsWith('extras')) return 'extras';
  return 'options';
}

/** Fields the cluster tabs share: a refused value is worded as those tabs word it. */
const ISSUE_WORDS: [RegExp, string][] = [
  [/^extras\.registry\.port$/, 'registry.form.portInvalid'],
  [/^extras\.backups\.everyHours$/, 'backups.schedule.hoursInvalid'],
  [/^extras\.backups\.keep$/, 'backups.schedule.keepInvalid'],
  [/^extras\.edge\.port$/, 'edge.edge.portInvalid'],
  [/^extras\.edge\.name$/, 'edge.edge.nameIssue'],
  [/^extras\.edge\.output\.path$/, 'edge.pathIssue'],
  [/^extras\.edge\.output\.host$/, 'edge.edge.hostRequired'],
  [/^extras\.edge\.output\.reload/, 'edge.edge.reloadIssue'],
];

/** A field of the plan the core refused outright. */
export function describePlanIssue(issue: ValidationIssue): string {
  const words = ISSUE_WORDS.find(([pattern]) => pattern.test(issue.path));
  return words ? tDynamic(words[1]) : describeIssue(issue);
}

/** PLAN_FILE_INVALID says what was wrong (`problem`) and often where (`line`). */
export function describePlanFileError(err: unknown): string {
  if (!(err instanceof ApiError) || err.code !== 'PLAN_FILE_INVALID') return describeError(err);
  const { problem = '', line, ...params } = err.params;
  const key = `setup.planFileProblems.${problem}`;
  const issue = params.issue ? describeIssue({ path: params.path ?? '', code: params.issue as ValidationIssue['code'], message: '' }) : '';
  const words = hasMessage(key) ? tDynamic(key, { ...params, issue }) : tDynamic('errors.PLAN_FILE_INVALID');
  return line ? t('setup.hosts.importFailedLine', { line, problem: words }) : t('setup.hosts.importFailed', { problem: words });
}
