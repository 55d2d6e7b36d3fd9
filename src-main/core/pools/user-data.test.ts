import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { generateUserData, shellQuote, stampOf, staleReasons, type PoolScriptInput } from './user-data.js';

const TOKEN = 'SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx';
const input: PoolScriptInput = {
  pool: 'workers-a',
  role: 'worker',
  labels: { zone: 'a', edge: 'true' },
  managers: ['10.0.0.1:2377', '[fd00::2]:2377', 'm3.example.net:2377'],
  token: TOKEN,
};

// A fake `docker` (and systemctl) on PATH: the script runs for real, against a swarm that is a few files.
const FAKE_DOCKER = `#!/bin/sh
echo "$*" >> "$FAKE/calls"
case "$1 $2" in
  "info ")
    [ -e "$FAKE/down" ] && exit 1; exit 0 ;;
  "info --format")
    case "$3" in
      *LocalNodeState*) cat "$FAKE/state" 2>/dev/null || echo inactive ;;
      *Labels*) grep -o 'swarmdeck.pool=[a-z0-9-]*' "$FAKE/daemon.json" | head -n 1 ;;
    esac
    exit 0 ;;
  "swarm join")
    if [ "$5" = "$(cat "$FAKE/good" 2>/dev/null)" ]; then echo active > "$FAKE/state"; echo "This node joined a swarm as a worker."; exit 0; fi
    echo "Error response from daemon: rpc error: connection refused" >&2; exit 1 ;;
esac
exit 0
`;

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'docker'), FAKE_DOCKER);
  writeFileSync(join(dir, 'bin', 'systemctl'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'bin', 'docker'), 0o755);
  chmodSync(join(dir, 'bin', 'systemctl'), 0o755);
});
afterEach(() => cleanup());

/** `tools`: only these programs (besides the fakes) on PATH; default the machine's whole PATH. */
function run(script: string, tools?: string[]) {
  writeFileSync(join(dir, 'user-data.sh'), script);
  let path = `${join(dir, 'bin')}:${process.env.PATH ?? ''}`;
  if (tools) {
    mkdirSync(join(dir, 'tools'), { recursive: true });
    for (const tool of tools) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (found && !existsSync(join(dir, 'tools', tool))) symlinkSync(found, join(dir, 'tools', tool));
    }
    path = `${join(dir, 'bin')}:${join(dir, 'tools')}`;
  }
  const r = spawnSync('sh', [join(dir, 'user-data.sh')], {
    env: { PATH: path, FAKE: dir },
    encoding: 'utf8',
    timeout: 20_000,
  });
  const calls = existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') : [];
  return { code: r.status, stderr: r.stderr, joins: calls.filter((c) => c.startsWith('swarm join')) };
}
const fast = () => ({ backoffSeconds: 0, maxBackoffSeconds: 0, daemonJsonPath: join(dir, 'daemon.json') });

describe('generateUserData', () => {
  it('is valid sh, says it holds a secret, and holds the token exactly once', () => {
    const script = generateUserData(input);
    for (const shell of ['sh', 'bash']) expect(spawnSync(shell, ['-n'], { input: script }).status).toBe(0);
    expect(script.split(TOKEN)).toHaveLength(2);
    expect(script.split('\n').slice(0, 6).join('\n')).toMatch(
      /^#!\/bin\/sh\n#.*\n# SECRET: this script contains the swarm's worker join token/,
    );
    expect(generateUserData({ ...input, role: 'manager' })).toContain('as a manager, which controls the whole swarm');
    expect(script).toContain('# Node labels the app applies when this node appears: {"edge":"true","zone":"a"}');
  });

  it('quotes every value as one shell word', () => {
    for (const value of ["it's", '$(reboot)', '`id`', 'a b\tc', '"x"', '\\', '*', '']) {
      const r = spawnSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
      expect(r.stdout).toBe(value);
    }
    expect(() => shellQuote('a\nb')).toThrow();
  });

  it('refuses values that are not what they claim to be', () => {
    for (const bad of [
      { pool: 'Workers' },
      { pool: "a'b" },
      { managers: [] },
      { managers: ['10.0.0.1:2377; reboot'] },
      { managers: ['10.0.0.1'] },
      { token: `${TOKEN}'` },
      { token: 'secret' },
    ]) {
      expect(() => generateUserData({ ...input, ...bad } as PoolScriptInput)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('marks the engine, tries each manager in turn, and stops at the first that takes it', () => {
    writeFileSync(join(dir, 'good'), '[fd00::2]:2377');
    const r = run(generateUserData(input, fast()));
    expect(r.code).toBe(0);
    expect(r.joins).toEqual([`swarm join --token ${TOKEN} 10.0.0.1:2377`, `swarm join --token ${TOKEN} [fd00::2]:2377`]);
    expect(JSON.parse(readFileSync(join(dir, 'daemon.json'), 'utf8'))).toEqual({ labels: ['swarmdeck.pool=workers-a'] });
    expect(r.stderr).toContain('joined through [fd00::2]:2377');
  });

  it("merges the label into an existing daemon.json, keeping the operator's keys and a copy of the original", () => {
    const original = JSON.stringify({ 'log-driver': 'json-file', labels: ['team=ops', 'swarmdeck.pool=old'] });
    writeFileSync(join(dir, 'daemon.json'), original);
    writeFileSync(join(dir, 'good'), '10.0.0.1:2377');
    expect(run(generateUserData(input, fast())).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'daemon.json'), 'utf8'))).toEqual({
      'log-driver': 'json-file',
      labels: ['team=ops', 'swarmdeck.pool=workers-a'],
    });
    expect(readFileSync(join(dir, 'daemon.json.swarmdeck-orig'), 'utf8')).toBe(original);
  });

  it('merges with jq when python3 is absent, and joins unlabelled (saying so) with neither', () => {
    const base = ['sh', 'cat', 'grep', 'mv', 'cp', 'mkdir', 'dirname', 'sleep', 'tr', 'head', 'pidof', 'kill'];
    writeFileSync(join(dir, 'good'), '10.0.0.1:2377');
    // The jq branch only where this machine has jq.
    if (spawnSync('sh', ['-c', 'command -v jq']).status === 0) {
      writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ 'data-root': '/data' }));
      expect(run(generateUserData(input, fast()), [...base, 'jq']).code).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, 'daemon.json'), 'utf8'))).toEqual({
        'data-root': '/data',
        labels: ['swarmdeck.pool=workers-a'],
      });
    }

    writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ 'data-root': '/data' }));
    spawnSync('rm', ['-rf', join(dir, 'tools'), join(dir, 'state')]);
    const r = run(generateUserData(input, fast()), base);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('neither python3 nor jq');
    expect(JSON.parse(readFileSync(join(dir, 'daemon.json'), 'utf8'))).toEqual({ 'data-root': '/data' });
  });

  it('gives up after the rounds with a clear message and a non-zero exit', () => {
    const r = run(generateUserData(input, { ...fast(), rounds: 2 }));
    expect(r.code).toBe(1);
    expect(r.joins).toHaveLength(6);
    expect(r.stderr).toContain('could not join through any of: 10.0.0.1:2377 [fd00::2]:2377 m3.example.net:2377 after 2 rounds');
  });

  it('exits when Docker never answers, and does nothing on a node already in a swarm', () => {
    writeFileSync(join(dir, 'down'), '');
    const down = run(generateUserData(input, { ...fast(), dockerWaitSeconds: 0 }));
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('Docker did not answer within 0 s');

    writeFileSync(join(dir, 'calls'), '');
    spawnSync('rm', [join(dir, 'down')]);
    writeFileSync(join(dir, 'state'), 'active\n');
    const member = run(generateUserData(input, fast()));
    expect(member.code).toBe(0);
    expect(member.joins).toEqual([]);
    expect(existsSync(join(dir, 'daemon.json'))).toBe(false);
  });
});

describe('staleness', () => {
  it('keeps hashes only, and tells a rotated token from changed managers', () => {
    const stamp = stampOf(input);
    expect(JSON.stringify(stamp)).not.toContain(TOKEN.slice(9, 30));
    expect(staleReasons(stamp, input)).toEqual([]);
    expect(staleReasons(stamp, { ...input, managers: [...input.managers].reverse() })).toEqual([]);
    expect(staleReasons(stamp, { ...input, token: TOKEN.replace(/x$/, 'y') })).toEqual(['token']);
    expect(staleReasons(stamp, { ...input, managers: input.managers.slice(1) })).toEqual(['managers']);
    expect(staleReasons(stamp, { token: `${TOKEN}0`, managers: ['10.0.0.9:2377'] })).toEqual(['token', 'managers']);
  });
});
