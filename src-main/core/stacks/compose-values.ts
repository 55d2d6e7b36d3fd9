// Compose's string forms turned into what the Docker API takes, the way Docker's CLI reads them.

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration ("1m30s", "500ms") in nanoseconds. The schema has checked the shape. */
export function nanoseconds(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g))
    total += Number(amount) * (DURATION_UNITS[unit!] ?? 0);
  return Math.round(total);
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Memory the way Docker reads it (go-units RAMInBytes): binary multiples, "128M" = 128 MiB. */
export function bytes(value: string | number): number {
  if (typeof value === 'number') return Math.round(value);
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)i?b?$/i.exec(value.trim());
  if (!match) return NaN;
  return Math.round(Number(match[1]) * (SIZE_UNITS[match[2]!.toLowerCase()] ?? NaN));
}

/** CPUs ("0.5") as the API's nano-CPUs. */
export function nanoCpus(value: string | number): number {
  return Math.round(Number(value) * 1e9);
}

/** A command given as one string is split like a shell would (Docker's CLI uses shellwords), without expansion. */
export function shellWords(command: string | string[]): string[] {
  if (Array.isArray(command)) return command;
  const words: string[] = [];
  let word = '';
  let started = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += c;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

/** `["A=1"]` or `{ A: 1 }` as pairs; a value left out (`A`, `A:`) is null. */
export function pairs(
  value: string[] | Record<string, string | number | boolean | null> | undefined,
  separator = '=',
): [string, string | null][] {
  if (!value) return [];
  if (Array.isArray(value)) {
    return value.map((item) => {
      const at = item.indexOf(separator);
      return at < 0 ? [item, null] : [item.slice(0, at), item.slice(at + 1)];
    });
  }
  return Object.entries(value).map(([k, v]) => [k, v === null ? null : String(v)]);
}

export interface PortConfig {
  Protocol: 'tcp' | 'udp' | 'sctp';
  TargetPort: number;
  PublishedPort?: number;
  PublishMode: 'ingress' | 'host';
}

/**
 * Short port syntax: "80", "8080:80", "8080:80/udp", ranges "8000-8001:80-81", and a host address in
 * front ("127.0.0.1:8080:80"), which swarm cannot honour: it is returned apart to be reported.
 */
export function shortPorts(spec: string | number): { ports: PortConfig[]; hostIp: string | null } | null {
  const text = String(spec);
  const match = /^(?:(\[[^\]]+\]|\d+\.\d+\.\d+\.\d+):)?(?:(\d+(?:-\d+)?):)?(\d+(?:-\d+)?)(?:\/(tcp|udp|sctp))?$/.exec(text);
  if (!match) return null;
  const [, hostIp, published, target, protocol] = match;
  const range = (r: string): [number, number] => {
    const [a, b] = r.split('-').map(Number) as [number, number?];
    return [a, b ?? a];
  };
  const [t0, t1] = range(target!);
  const pub = published ? range(published) : null;
  if (t1 < t0 || (pub && pub[1] - pub[0] !== t1 - t0)) return null;
  const ports: PortConfig[] = [];
  for (let i = 0; i <= t1 - t0; i++) {
    const port: PortConfig = {
      Protocol: (protocol as PortConfig['Protocol'] | undefined) ?? 'tcp',
      TargetPort: t0 + i,
      PublishMode: 'ingress',
    };
    if (pub) port.PublishedPort = pub[0] + i;
    if (port.TargetPort < 1 || port.TargetPort > 65535 || (port.PublishedPort ?? 1) > 65535) return null;
    ports.push(port);
  }
  return { ports, hostIp: hostIp ?? null };
}

export interface ShortVolume {
  source: string | null;
  target: string;
  readOnly: boolean;
  propagation: string | null;
  nocopy: boolean;
}

/** Short volume syntax: "/data", "name:/data", "/host:/data:ro,rshared". */
export function shortVolume(spec: string): ShortVolume | null {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) return null;
  const [first, second, third] = parts as [string, string?, string?];
  const options = (second !== undefined && third !== undefined ? third : second !== undefined && !second.startsWith('/') ? second : '')
    .split(',')
    .filter(Boolean);
  const hasTarget = second !== undefined && second.startsWith('/');
  const volume: ShortVolume = {
    source: hasTarget ? first : null,
    target: hasTarget ? second : first,
    readOnly: options.includes('ro'),
    propagation: options.find((o) => /^r?(private|shared|slave)$/.test(o)) ?? null,
    nocopy: options.includes('nocopy'),
  };
  return volume.target.startsWith('/') ? volume : null;
}
