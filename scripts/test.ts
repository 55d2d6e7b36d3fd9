// `npm test`: every suite in order, then one line with the totals over all of them.
// Typecheck, lint and the build count as one check each; test runners count their tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronBinaryStatus, labStatus } from './test-prerequisites.js';

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];
const reports = mkdtempSync(join(tmpdir(), 'swarmdeck-test-reports-'));

function run(title: string, command: string, args: string[], env: Record<string, string> = {}): boolean {
  process.stdout.write(`\n=== ${title}: ${[command, ...args].join(' ')}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  process.stdout.write(`=== ${title}: exit ${result.status ?? result.signal} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result.status === 0;
}

function check(title: string, command: string, args: string[]): void {
  if (run(title, command, args)) totals.passed++;
  else {
    totals.failed++;
    failures.push(title);
  }
}

/** Vitest's JSON report: count its tests; a runner that died without a report is one failure. */
function vitest(title: string, projects: string[], env: Record<string, string> = {}): void {
  const file = join(reports, `${title}.json`);
  const ok = run(
    title,
    'npx',
    ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), '--reporter=default', '--reporter=json', `--outputFile.json=${file}`],
    env,
  );
  let report: { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    totals.failed++;
    failures.push(`${title} (no report)`);
    return;
  }
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  if (!ok && report.numFailedTests === 0) {
    totals.failed++;
    failures.push(`${title} (runner error)`);
  } else if (report.numFailedTests > 0) failures.push(title);
}

function playwright(title: string, project: string): void {
  const file = join(reports, `${title}.json`);
  const ok = run(title, 'npx', ['playwright', 'test', '--project', project], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: file,
    SWARMDECK_SKIP_BUILD: '1',
  });
  let stats: { expected: number; flaky: number; unexpected: number; skipped: number };
  try {
    stats = JSON.parse(readFileSync(file, 'utf8')).stats;
  } catch {
    totals.failed++;
    failures.push(`${title} (no report)`);
    return;
  }
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
  if (!ok && stats.unexpected === 0) {
    totals.failed++;
    failures.push(`${title} (runner error)`);
  } else if (stats.unexpected > 0) failures.push(title);
}

check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('lint', 'npm', ['run', '--silent', 'lint']);
check('build', 'npx', ['electron-vite', 'build']);
vitest('unit', ['core', 'renderer']);
playwright('e2e web', 'web');

const electron = electronBinaryStatus();
if (electron.ok) playwright('e2e electron', 'electron');
else {
  process.stdout.write(`\nSKIPPED electron e2e: no Electron binary (${electron.reason})\n`);
  totals.skipped++;
}

const lab = labStatus();
if (lab.ok) {
  vitest('lab', ['lab']);
  playwright('e2e lab', 'web-lab');
} else if (process.env.CI === 'true') {
  process.stdout.write(`\nFAILED lab: ${lab.reason} (CI must run the lab for real)\n`);
  totals.failed++;
  failures.push('lab prerequisites');
} else {
  process.stdout.write(`\nSKIPPED lab: ${lab.reason}\n`);
  totals.skipped++;
}

rmSync(reports, { recursive: true, force: true });
if (failures.length > 0) process.stdout.write(`\nFailed: ${failures.join(', ')}\n`);
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped > 0 ? `, ${totals.skipped} skipped` : ''}\n`);
process.exit(totals.failed > 0 ? 1 : 0);
