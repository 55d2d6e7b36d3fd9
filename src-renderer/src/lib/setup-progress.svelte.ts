import type {
  BootstrapOutcome,
  HostFacts,
  BootstrapStepStatus,
  ContractEvents,
  PreflightCheck,
  PreflightReport,
  StepState,
  SwarmPlan,
} from '../../../src-main/contract.js';
import { api, onEvent } from './api.js';
import { describeError } from './describe-error.js';
import { tDynamic } from './i18n/index.svelte.js';

export type FactsState = { state: 'loading' } | { state: 'ok'; facts: HostFacts } | { state: 'failed'; message: string };

/** What the core read from each host, kept for the session so going back and forth reads each host once. */
export class HostFactsCache {
  facts = $state<Record<string, FactsState>>({});

  load(hosts: string[]): void {
    for (const host of hosts) {
      if (this.facts[host]) continue;
      this.facts[host] = { state: 'loading' };
      // One call per host, so one host that cannot be reached does not hide what the others said.
      api.setup.hostFacts({ hosts: [host] }).then(
        ([facts]) => {
          this.facts[host] = facts ? { state: 'ok', facts } : { state: 'failed', message: tDynamic('errors.INTERNAL') };
        },
        (err: unknown) => {
          this.facts[host] = { state: 'failed', message: describeError(err) };
        },
      );
    }
  }

  forget(host: string): void {
    delete this.facts[host];
  }
}

// The two long-running parts of the setup: preflight (checks pushed live as `setup:check`)
// and the bootstrap run (`setup:step`, `setup:log`, `setup:finished`). Each listens only
// while its work is under way, so it keeps following a run after its screen is left.

function checkKey(check: PreflightCheck): string {
  return `${check.host}|${check.check}|${check.params.target ?? ''}`;
}

export class PreflightState {
  running = $state(false);
  checks = $state<PreflightCheck[]>([]);
  report = $state<PreflightReport | null>(null);
  error = $state<string | undefined>();
  /** The plan the last report was made for (as JSON), to tell when it is stale. */
  planKey = $state('');

  /** Adds a line or replaces the earlier line of the same check; a result replaces its "running" line. */
  private upsert(check: PreflightCheck): void {
    const key = checkKey(check);
    let next = this.checks;
    if (check.status !== 'running')
      next = next.filter((c) => !(c.status === 'running' && c.host === check.host && c.check === check.check));
    const at = next.findIndex((c) => checkKey(c) === key);
    this.checks = at === -1 ? [...next, check] : next.map((c, i) => (i === at ? check : c));
  }

  async start(plan: SwarmPlan): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.error = undefined;
    this.report = null;
    this.checks = [];
    this.planKey = JSON.stringify(plan);
    const stop = onEvent('setup:check', (check) => this.upsert(check));
    try {
      const report = await api.setup.preflight({ plan });
      this.checks = [];
      for (const check of report.checks) this.upsert(check);
      this.report = report;
    } catch (err) {
      this.error = describeError(err);
    } finally {
      stop();
      this.running = false;
    }
  }

  reset(): void {
    if (this.running) return;
    this.checks = [];
    this.report = null;
    this.error = undefined;
    this.planKey = '';
  }
}

const STATE_RANK: Record<StepState, number> = { pending: 0, running: 1, done: 2, skipped: 2, failed: 2, cancelled: 2 };
const LOG_LIMIT = 5000;

type RunEvent =
  | { kind: 'step'; payload: ContractEvents['setup:step'] }
  | { kind: 'log'; payload: ContractEvents['setup:log'] }
  | { kind: 'finished'; payload: ContractEvents['setup:finished'] };

export class BootstrapProgress {
  state = $state<'idle' | 'starting' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled'>('idle');
  runId = $state<string | null>(null);
  steps = $state<BootstrapStepStatus[]>([]);
  log = $state<string[]>([]);
  outcome = $state<BootstrapOutcome | null>(null);
  /** Why the run could not start, or why it stopped. */
  error = $state<string | undefined>();
  private buffered: RunEvent[] = [];
  private stop: (() => void) | null = null;

  get active(): boolean {
    return this.state === 'starting' || this.state === 'running' || this.state === 'cancelling';
  }

  /** `registryPassword` is passed on once and not kept here. */
  async start(plan: SwarmPlan, acknowledgeEvenManagers: boolean, registryPassword?: string): Promise<void> {
    if (this.active) return;
    this.state = 'starting';
    this.runId = null;
    this.steps = [];
    this.log = [];
    this.outcome = null;
    this.error = undefined;
    this.buffered = [];
    // Listen before asking: the first steps may be pushed before the answer arrives.
    const stops = [
      onEvent('setup:step', (payload) => this.receive({ kind: 'step', payload })),
      onEvent('setup:log', (payload) => this.receive({ kind: 'log', payload })),
      onEvent('setup:finished', (payload) => this.receive({ kind: 'finished', payload })),
    ];
    this.stop = () => stops.forEach((s) => s());
    try {
      const started = await api.setup.run(
        registryPassword === undefined ? { plan, acknowledgeEvenManagers } : { plan, acknowledgeEvenManagers, registryPassword },
      );
      this.runId = started.runId;
      this.steps = started.steps;
      if (this.state === 'starting') this.state = 'running';
      const early = this.buffered.filter((e) => e.payload.runId === started.runId);
      this.buffered = [];
      early.forEach((e) => this.apply(e));
    } catch (err) {
      this.error = describeError(err);
      this.state = 'failed';
      this.unsubscribe();
    }
  }

  async cancel(): Promise<void> {
    if (!this.runId || !this.active) return;
    this.state = 'cancelling';
    try {
      await api.setup.cancel({ runId: this.runId });
    } catch {
      // The run ended meanwhile; setup:finished says how.
    }
  }

  private receive(event: RunEvent): void {
    if (this.runId === null) this.buffered.push(event);
    else if (event.payload.runId === this.runId) this.apply(event);
  }

  private apply(event: RunEvent): void {
    if (event.kind === 'log') {
      this.log.push(event.payload.line);
      if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    } else if (event.kind === 'step') {
      const { runId, ...status } = event.payload;
      void runId;
      const current = this.steps[status.index];
      // Events and the first answer may cross: never move a step backwards.
      if (current && STATE_RANK[status.state] < STATE_RANK[current.state]) return;
      if (current) this.steps[status.index] = status;
      else this.steps = [...this.steps, status].sort((a, b) => a.index - b.index);
    } else {
      this.outcome = event.payload;
      this.state = event.payload.state;
      this.error = event.payload.error ? describeError(event.payload.error) : undefined;
      this.unsubscribe();
    }
  }

  private unsubscribe(): void {
    this.stop?.();
    this.stop = null;
  }

  dispose(): void {
    this.unsubscribe();
  }
}
