import { Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { PlanExtras, SwarmPlan } from '../../contract.js';
import { SCHEMA_ISSUE_CODES } from '../../contract.js';
import { swarmPlanSchema } from '../api/schemas.js';
import { CoreError } from '../errors.js';
import { lineAt } from '../util/yaml-lines.js';

// The plan as a YAML file the operator keeps in git next to the rest of their infrastructure.
// It is read back from wherever the operator got it, so it is treated as hostile input:
// bounded in size and aliasing, and refused outright when it appears to carry a secret.

export const PLAN_FILE_VERSION = 1;
/** The same bound the API puts on `setup.importPlan`. */
export const PLAN_FILE_MAX_CHARS = 1_000_000;
/** A plan has no use for aliases; a few are tolerated for hand-written files, never an expansion bomb. */
const MAX_ALIAS_COUNT = 50;
const HEADER = ' Swarmdeck swarm plan — no secrets are kept in this file';

/**
 * What was wrong with a plan file: `params.problem` of PLAN_FILE_INVALID, worded by the renderer.
 * - TOO_LARGE: more than PLAN_FILE_MAX_CHARS characters.
 * - SYNTAX: not YAML, or YAML that breaks its own rules (a duplicate key, two documents…); `line`, `column`.
 * - ALIASES: more alias expansion than a plan could need (e.g. a "billion laughs" file).
 * - SECRET_FIELD: a key named like a secret (token, password…); `path`, `line`, `key`.
 * - SECRET_VALUE: text shaped like a swarm join token or unlock key, even in a comment; `line`.
 * - VERSION: `version` missing or not one this app reads; `version` when there is one.
 * - SHAPE: the plan's fields are wrong (unknown key, wrong type, bad value); `path`, `line`, `issue`.
 */
export type PlanFileProblem = 'TOO_LARGE' | 'SYNTAX' | 'ALIASES' | 'SECRET_FIELD' | 'SECRET_VALUE' | 'VERSION' | 'SHAPE';

// Matched against keys lowercased with separators removed, anywhere in the document.
const SECRET_KEY_WORDS = ['token', 'password', 'passwd', 'passphrase', 'secret', 'unlockkey', 'privatekey'];
// Docker's join tokens start SWMTKN-, its unlock keys SWMKEY-.
const SECRET_VALUE = /SWM(?:TKN|KEY)-/;
const OWN_ISSUE_CODES = new Set<string>(SCHEMA_ISSUE_CODES);

export function planToYaml(plan: SwarmPlan): string {
  // Built field by field: a fixed key order keeps diffs in git readable, and nothing the
  // caller's object happens to carry beyond the plan ends up in the file.
  const doc = new Document({
    version: PLAN_FILE_VERSION,
    name: plan.name,
    hosts: plan.hosts.map((h) => ({ host: h.host, role: h.role, advertiseAddress: h.advertiseAddress })),
    addressPool: plan.addressPool && { subnets: [...plan.addressPool.subnets], subnetSize: plan.addressPool.subnetSize },
    dedicatedManagers: plan.dedicatedManagers,
    autolock: plan.autolock,
    networks: plan.networks.map((n) => ({ name: n.name, subnet: n.subnet, encrypted: n.encrypted, attachable: n.attachable })),
    ...(plan.extras ? { extras: extrasToYaml(plan.extras) } : {}),
  });
  doc.commentBefore = HEADER;
  return doc.toString({ lineWidth: 0 });
}

function extrasToYaml({ registry, backups, edge, pools }: PlanExtras): object {
  return {
    registry: registry && {
      host: registry.host,
      port: registry.port,
      publish: registry.publish,
      image: registry.image,
      mode: registry.mode,
      address: registry.address,
      username: registry.username,
      acknowledgeInsecure: registry.acknowledgeInsecure,
      network: registry.network,
    },
    backups: backups && { everyHours: backups.everyHours, keep: backups.keep, firstNow: backups.firstNow },
    edge: edge && {
      port: edge.port,
      label: edge.label && { key: edge.label.key, value: edge.label.value },
      format: edge.format,
      name: edge.name,
      output:
        edge.output.kind === 'file'
          ? { kind: 'file', path: edge.output.path }
          : {
              kind: 'ssh',
              host: edge.output.host,
              path: edge.output.path,
              reload: edge.output.reload && [...edge.output.reload],
              sudo: edge.output.sudo,
            },
    },
    ...(pools
      ? {
          pools: pools.map((p) => ({
            name: p.name,
            role: p.role,
            labels: { ...p.labels },
            targetSize: p.targetSize,
            path: p.path,
          })),
        }
      : {}),
  };
}

export function planFromYaml(text: string): SwarmPlan {
  if (text.length > PLAN_FILE_MAX_CHARS) {
    throw invalid('TOO_LARGE', `the file is larger than ${PLAN_FILE_MAX_CHARS} characters`, { max: String(PLAN_FILE_MAX_CHARS) });
  }
  const secretAt = SECRET_VALUE.exec(text);
  if (secretAt) {
    const line = text.slice(0, secretAt.index).split('\n').length;
    throw invalid('SECRET_VALUE', 'the file holds a swarm join token or unlock key', { line: String(line) });
  }

  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const where = syntaxError.linePos?.[0];
    const params: Record<string, string> = where ? { line: String(where.line), column: String(where.col) } : {};
    throw invalid('SYNTAX', syntaxError.message.split('\n')[0] ?? 'not valid YAML', params);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) throw invalid('ALIASES', err.message, {});
    throw invalid('SYNTAX', 'the file could not be read as YAML', {});
  }

  const lineOf = (path: PropertyKey[]): Record<string, string> => {
    const line = lineAt(doc, lines, path);
    return line === null ? {} : { line: String(line) };
  };

  const secret = findSecretKey(data, []);
  if (secret) {
    const path = secret.join('.');
    throw invalid('SECRET_FIELD', `${path} looks like a secret; a plan file never holds one`, {
      path,
      key: String(secret[secret.length - 1]),
      ...lineOf(secret),
    });
  }

  if (!isRecord(data)) throw invalid('SHAPE', 'the file is not a mapping of plan fields', { path: '', ...lineOf([]) });
  const { version, ...plan } = data;
  if (version !== PLAN_FILE_VERSION) {
    if (version === undefined) throw invalid('VERSION', 'the file has no version', lineOf([]));
    throw invalid('VERSION', `version ${JSON.stringify(version)} is not one this app reads`, {
      version: typeof version === 'string' || typeof version === 'number' ? String(version) : (JSON.stringify(version) ?? ''),
      ...lineOf(['version']),
    });
  }

  const parsed = swarmPlanSchema.safeParse(plan);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const first = issues[0];
    const path = first ? issuePath(first) : [];
    throw invalid('SHAPE', issues.map((i) => `${issuePath(i).join('.') || '(top)'}: ${i.message}`).join('; '), {
      path: path.join('.'),
      issue: first ? issueCode(first) : 'INVALID_VALUE',
      ...lineOf(path),
    });
  }
  return parsed.data;
}

function invalid(problem: PlanFileProblem, detail: string, params: Record<string, string>): CoreError {
  const where = params['line'] ? ` (line ${params['line']})` : '';
  return new CoreError('PLAN_FILE_INVALID', `Invalid plan file: ${problem}${where}: ${detail}`, { params: { problem, ...params } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path of the first key anywhere in the data that is named like a secret. */
function findSecretKey(value: unknown, path: PropertyKey[]): PropertyKey[] | null {
  // A plan is four levels deep; anything deeper is refused by the shape check, unsearched.
  if (path.length > 16) return null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findSecretKey(item, [...path, i]);
      if (found) return found;
    }
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      const word = key.toLowerCase().replace(/[^a-z0-9]/g, '');
      if (SECRET_KEY_WORDS.some((secret) => word.includes(secret))) return [...path, key];
      const found = findSecretKey(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

function issuePath(issue: z.core.$ZodIssue): PropertyKey[] {
  // An unknown key is reported on its parent object; point at the key itself.
  const extra = issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [];
  return [...issue.path, ...extra];
}

/** The same issue codes the API reports for a bad argument, so the renderer words both alike. */
function issueCode(issue: z.core.$ZodIssue): string {
  if (OWN_ISSUE_CODES.has(issue.message)) return issue.message;
  if (issue.code === 'unrecognized_keys') return 'UNKNOWN_FIELD';
  if (issue.code === 'invalid_type') return 'WRONG_TYPE';
  if (issue.code === 'too_big') return 'TOO_MANY';
  return 'INVALID_VALUE';
}
