import type { EdgeConfig, NodeRole, PlanBackups, PlanPool, PlanRegistry, SwarmPlan } from '../../../../src-main/contract.js';
import { DEFAULT_EDGE_NAME, edgeFormFrom, emptyEdgeForm, reloadArgs, type EdgeFormState } from '../cluster/edge/edge-form.js';
import { DEFAULT_IMAGE, DEFAULT_PORT } from '../cluster/registry/registry-form.js';

// The Production step's settings as the plan carries them. Nothing is refused here: whatever is
// typed goes into the plan, and the core's validation says beside each field what is wrong, as it
// does for the other steps (a blank field is asked for once Next is pressed).

export const DEFAULT_BACKUP_HOURS = 24;

export function defaultRegistry(plan: SwarmPlan): PlanRegistry {
  // Dedicated managers run no containers: the registry goes to a worker then.
  const worker = plan.dedicatedManagers ? plan.hosts.find((h) => h.role === 'worker') : undefined;
  return {
    host: (worker ?? plan.hosts[0])?.host ?? '',
    port: Number(DEFAULT_PORT),
    publish: 'host',
    image: DEFAULT_IMAGE,
    mode: 'tls',
    address: null,
    username: null,
    acknowledgeInsecure: false,
    network: null,
  };
}

export const defaultBackups = (): PlanBackups => ({ everyHours: DEFAULT_BACKUP_HOURS, keep: 7, firstNow: true });

/** A whole number as typed; NaN when blank (asked for on Next), -1 when it is not a number (marked at once). */
export function numberOf(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') return NaN;
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : -1;
}

/** A number of the plan back as text for its field. */
export const textOf = (value: number): string => (Number.isInteger(value) && value >= 0 ? String(value) : '');

/** The edge form as the plan carries it: blanks stay blank, for the core to name. */
export function edgeConfigOf(form: EdgeFormState): EdgeConfig {
  const reload = reloadArgs(form.reload);
  return {
    port: numberOf(form.port),
    label:
      form.labelMode === 'none' ? null : { key: form.labelKey.trim(), value: form.labelMode === 'key' ? null : form.labelValue.trim() },
    format: form.format,
    // Plain text shows no name, but the config always carries one.
    name: form.format === 'plain' ? form.name.trim() || DEFAULT_EDGE_NAME : form.name.trim(),
    output:
      form.outputKind === 'file'
        ? { kind: 'file', path: form.filePath.trim() }
        : { kind: 'ssh', host: form.host, path: form.remotePath.trim(), reload: reload.length > 0 ? reload : null, sudo: form.sudo },
  };
}

export function edgeFormOf(config: EdgeConfig): EdgeFormState {
  return { ...edgeFormFrom(config), port: textOf(config.port) };
}

export const defaultEdge = (): EdgeConfig => edgeConfigOf(emptyEdgeForm());

export const defaultPool = (role: NodeRole): PlanPool => ({
  name: role === 'manager' ? 'managers' : 'workers',
  role,
  labels: {},
  targetSize: null,
  path: '',
});

/** Labels as typed, one `key=value` a line; a key Docker would refuse is kept for the core to name. */
export function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    labels[(eq < 0 ? line : line.slice(0, eq)).trim()] = eq < 0 ? '' : line.slice(eq + 1).trim();
  }
  return labels;
}

export const labelsText = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
