import { LineCounter, parseDocument } from 'yaml';
import type { ComposeFinding } from '../../contract.js';
import { lineAt } from '../util/yaml-lines.js';

// Reading a compose file as hostile text: bounded aliasing, one document, duplicate keys refused,
// and every problem said with its line. Parsed as YAML 1.1 because that is what Docker's own
// compose loader (go-yaml v2) reads: `mode: 0440` is octal there, and must be here too.

/** Compose files use anchors for shared blocks (`<<: *defaults`); a few dozen is plenty, never a bomb. */
const MAX_ALIAS_COUNT = 100;

export interface ComposeText {
  /** The file as plain data, `$$` already turned into `$`; null when it could not be read. */
  data: unknown;
  findings: ComposeFinding[];
  /** The line of a path in the file, or null when the file does not have it. */
  lineOf: (path: readonly PropertyKey[]) => number | null;
}

export function readComposeText(text: string): ComposeText {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, version: '1.1', merge: true });
  const lineOf = (path: readonly PropertyKey[]): number | null => lineAt(doc, lines, path);
  const syntax = doc.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0].line;
    const first = syntax.message.split('\n')[0] ?? 'not valid YAML';
    return { data: null, lineOf, findings: [error('', line === undefined ? first : `line ${line}: ${first}`)] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const bomb = err instanceof ReferenceError && /alias/i.test(err.message);
    return {
      data: null,
      lineOf,
      findings: [error('', bomb ? 'too many aliases: the file expands far beyond what it says' : 'not valid YAML')],
    };
  }
  const findings: ComposeFinding[] = [];
  data = interpolate(data, [], findings, lineOf);
  return { data, findings, lineOf };
}

/**
 * `docker stack deploy` fills `${VAR}` from the operator's shell; the core has no such shell, so a
 * variable is an error rather than a silent empty string. `$$` is Docker's escape for a literal `$`.
 */
function interpolate(
  value: unknown,
  path: PropertyKey[],
  findings: ComposeFinding[],
  lineOf: (path: readonly PropertyKey[]) => number | null,
): unknown {
  if (path.length > 64) return value;
  if (typeof value === 'string') {
    const variable = /\$(?!\$)(\{[^}]*\}?|[A-Za-z_][A-Za-z0-9_]*)?/.exec(value.replace(/\$\$/g, ''));
    if (variable) {
      const line = lineOf(path);
      findings.push(
        error(
          path.join('.'),
          `${line === null ? '' : `line ${line}: `}"${variable[0]}" is a variable; Swarmdeck has no shell to fill it from. Write the value, or $$ for a literal $`,
        ),
      );
      return value;
    }
    return value.replace(/\$\$/g, '$');
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, [...path, i], findings, lineOf));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, [...path, k], findings, lineOf)]));
  }
  return value;
}

function error(path: string, message: string): ComposeFinding {
  return { severity: 'error', path, code: 'COMPOSE_INVALID', message };
}
