import type { EdgeConfig, EdgeFormat, NodePoolInput, NodeRole, ValidationIssue } from '../../../../../src-main/contract.js';
import { describeIssue } from '../../../lib/describe-error.js';
import { t } from '../../../lib/i18n/index.svelte.js';
import { parseLabels, type FieldErrors } from '../objects/form-model.js';

// The edge and pool forms as typed, turned into the contract's input. Checks here need no swarm
// (a port that is not a number, a label line that is not key=value); the core checks the rest
// and its issues land beside the field by path.

export type LabelMode = 'none' | 'key' | 'keyValue';

export interface EdgeFormState {
  port: string;
  labelMode: LabelMode;
  labelKey: string;
  labelValue: string;
  format: EdgeFormat;
  name: string;
  outputKind: 'file' | 'ssh';
  filePath: string;
  host: string;
  remotePath: string;
  /** The reload command as one line; split on spaces into arguments. */
  reload: string;
  sudo: boolean;
}

/** The name plain text never shows, but the config always carries. */
export const DEFAULT_EDGE_NAME = 'swarm';

export function emptyEdgeForm(): EdgeFormState {
  return {
    port: '80',
    labelMode: 'none',
    labelKey: '',
    labelValue: '',
    format: 'plain',
    name: DEFAULT_EDGE_NAME,
    outputKind: 'file',
    filePath: '',
    host: '',
    remotePath: '',
    reload: '',
    sudo: false,
  };
}

export function edgeFormFrom(config: EdgeConfig): EdgeFormState {
  const form = emptyEdgeForm();
  form.port = String(config.port);
  form.labelMode = config.label === null ? 'none' : config.label.value === null ? 'key' : 'keyValue';
  form.labelKey = config.label?.key ?? '';
  form.labelValue = config.label?.value ?? '';
  form.format = config.format;
  form.name = config.name;
  form.outputKind = config.output.kind;
  if (config.output.kind === 'file') form.filePath = config.output.path;
  else {
    form.host = config.output.host;
    form.remotePath = config.output.path;
    form.reload = (config.output.reload ?? []).join(' ');
    form.sudo = config.output.sudo;
  }
  return form;
}

/** The reload line as arguments: split on spaces, no shell quoting. */
export const reloadArgs = (line: string): string[] => line.split(/\s+/).filter((a) => a !== '');

export function toEdgeConfig(form: EdgeFormState): { config: EdgeConfig | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const portText = form.port.trim();
  const port = Number(portText);
  if (portText === '' || !Number.isInteger(port) || port < 1 || port > 65_535) errors.port = t('edge.edge.portInvalid');
  if (form.labelMode !== 'none' && form.labelKey.trim() === '') errors['label.key'] = t('edge.required');
  if (form.outputKind === 'file' && form.filePath.trim() === '') errors['output.path'] = t('edge.required');
  if (form.outputKind === 'ssh') {
    if (form.host === '') errors['output.host'] = t('edge.edge.hostRequired');
    if (form.remotePath.trim() === '') errors['output.path'] = t('edge.required');
  }
  const name = form.format === 'plain' ? form.name.trim() || DEFAULT_EDGE_NAME : form.name.trim();
  if (name === '') errors.name = t('edge.required');
  if (Object.keys(errors).length > 0) return { config: null, errors };
  const reload = reloadArgs(form.reload);
  const config: EdgeConfig = {
    port,
    label:
      form.labelMode === 'none' ? null : { key: form.labelKey.trim(), value: form.labelMode === 'key' ? null : form.labelValue.trim() },
    format: form.format,
    name,
    output:
      form.outputKind === 'file'
        ? { kind: 'file', path: form.filePath.trim() }
        : { kind: 'ssh', host: form.host, path: form.remotePath.trim(), reload: reload.length > 0 ? reload : null, sudo: form.sudo },
  };
  return { config, errors };
}

/** The core's issues by form field: `config.output.reload.0` → `output.reload`, `pool.labels.x` → `labels`. */
export function edgeIssueErrors(issues: readonly ValidationIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.replace(/^config\.?/, '');
    let field = path;
    let text = describeIssue(issue);
    if (path.startsWith('output.reload')) {
      field = 'output.reload';
      text = t('edge.edge.reloadIssue');
    } else if (path === 'output.path') text = t('edge.pathIssue');
    else if (path === 'name') text = t('edge.edge.nameIssue');
    else if (path.startsWith('label.')) field = path === 'label.value' ? 'label.value' : 'label.key';
    else if (path === 'output' || path === '') field = 'form';
    errors[field] ??= text;
  }
  return errors;
}

export interface PoolFormState {
  name: string;
  role: NodeRole;
  labels: string;
  /** The autoscaling group's desired size as typed; empty: not said. */
  targetSize: string;
  path: string;
}

export const emptyPoolForm = (): PoolFormState => ({ name: '', role: 'worker', labels: '', targetSize: '', path: '' });

/** An even manager pool: the same failures tolerated as one manager fewer, with one more vote to reach. */
export const evenManagerTarget = (role: NodeRole, size: number | null): boolean =>
  role === 'manager' && size !== null && size > 0 && size % 2 === 0;

export function toPoolInput(form: PoolFormState): { pool: NodePoolInput | null; path: string; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = form.name.trim();
  if (name === '') errors.name = t('edge.required');
  const parsed = parseLabels(form.labels);
  if ('badLine' in parsed) errors.labels = t('edge.pools.labelsInvalid', { line: parsed.badLine });
  const sizeText = form.targetSize.trim();
  const targetSize = sizeText === '' ? null : /^\d{1,4}$/.test(sizeText) && Number(sizeText) <= 1000 ? Number(sizeText) : NaN;
  if (Number.isNaN(targetSize)) errors.targetSize = t('edge.pools.targetInvalid');
  const path = form.path.trim();
  if (path === '') errors.path = t('edge.required');
  if (Object.keys(errors).length > 0 || 'badLine' in parsed) return { pool: null, path, errors };
  return { pool: { name, role: form.role, labels: parsed.labels, targetSize }, path, errors };
}

export function poolIssueErrors(issues: readonly ValidationIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path;
    if (path === 'pool.name') errors.name ??= t('edge.pools.nameIssue');
    else if (path.startsWith('pool.labels')) errors.labels ??= describeIssue(issue);
    else if (path === 'path') errors.path ??= t('edge.pathIssue');
    else if (path === 'pool.role') errors.role ??= describeIssue(issue);
    else if (path === 'pool.targetSize') errors.targetSize ??= t('edge.pools.targetInvalid');
    else errors.form ??= describeIssue(issue);
  }
  return errors;
}
