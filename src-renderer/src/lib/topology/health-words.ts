import type { HealthWarning } from '../../../../src-main/contract.js';
import { hasMessage, tDynamic } from '../i18n/index.svelte.js';

/** The parameters each warning's sentence uses (as the core's health check sends them). */
const NEEDS: Record<string, readonly string[]> = {
  QUORUM_LOST: ['reachable', 'needed'],
  MANAGERS_UNREACHABLE: ['hosts', 'count', 'toleratesNow'],
  MANAGERS_EVEN: ['count', 'tolerates'],
  MANAGER_SINGLE: [],
  MANAGERS_RUN_WORKLOADS: ['hosts', 'nodes'],
  NODES_DOWN: ['hosts', 'count'],
  ENGINE_SKEW: ['versions'],
  TOKENS_NOT_ROTATED: ['days'],
  AUTOLOCK_OFF: [],
  BACKUP_MISSING: [],
  BACKUP_STALE: ['hours', 'every'],
  REGISTRY_INSECURE: ['endpoint'],
};

/**
 * A warning's reason and fix in the current locale. When a parameter the sentence needs
 * is missing, a plainer sentence without it is used; parameters it does not know are left out.
 */
export function wordWarning(warning: HealthWarning): { reason: string; fix: string } {
  const base = `cluster.warnings.${warning.code}`;
  if (!hasMessage(`${base}.reason`)) return { reason: tDynamic('cluster.health.unknownWarning', { code: warning.code }), fix: '' };
  const params = warning.params ?? {};
  const complete = (NEEDS[warning.code] ?? []).every((name) => typeof params[name] === 'string' && params[name] !== '');
  const reasonKey =
    warning.code === 'TOKENS_NOT_ROTATED' && complete && params.rotated === 'no'
      ? `${base}.reasonNever`
      : complete
        ? `${base}.reason`
        : `${base}.reasonPlain`;
  return { reason: tDynamic(reasonKey, params), fix: tDynamic(complete ? `${base}.fix` : `${base}.fixPlain`, params) };
}
