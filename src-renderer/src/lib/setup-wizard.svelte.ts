import type {
  NodeRole,
  PlanExtras,
  PlanFindingCode,
  PlannedOperation,
  PlanNetwork,
  PlanValidation,
  SwarmPlan,
  ValidationIssue,
} from '../../../src-main/contract.js';
import { api, ApiError } from './api.js';
import { describeError } from './describe-error.js';
import { t } from './i18n/index.svelte.js';
import { BootstrapProgress, HostFactsCache, PreflightState, type FactsState } from './setup-progress.svelte.js';
import {
  describeFinding,
  describePlanFileError,
  describePlanIssue,
  findingWhy,
  STEP_OF_CODE,
  stepOfPath,
  type FieldNote,
  type PlanStep,
} from './setup-words.js';

export type { FieldNote, PlanStep };

export const STEPS = ['hosts', 'roles', 'network', 'options', 'extras', 'preflight', 'review', 'run', 'done'] as const;
export type StepId = (typeof STEPS)[number];
/** The steps that edit the plan: each is checked by the core before moving on. */
export const PLAN_STEPS: readonly StepId[] = ['hosts', 'roles', 'network', 'options', 'extras'];

export const DEFAULT_SUBNET = '10.0.9.0/24';
export const DEFAULT_POOL_SIZE = 24;
const VALIDATE_DELAY_MS = 150;

export function newNetwork(subnet = DEFAULT_SUBNET): PlanNetwork {
  return { name: '', subnet, encrypted: true, attachable: true };
}

export type { FactsState };

/** The hosts step says in one line what it needs; these are not repeated at the fields. */
const SAID_BY_HINT = new Set(['NAME_EMPTY', 'NO_HOSTS']);

type Note = FieldNote & { step: PlanStep; blocks: boolean; quiet: boolean };

/** The plan's value at a dotted path (`extras.edge.output.path`). */
function valueAt(root: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
      root,
    );
}

const isEmpty = (value: unknown): boolean => value === '' || (typeof value === 'number' && Number.isNaN(value));

export class SetupWizard {
  step = $state<StepId>('hosts');
  /** The furthest step reached, so the stepper can lead back to any step before it. */
  reached = $state(0);
  plan = $state<SwarmPlan>({ name: '', hosts: [], addressPool: null, dedicatedManagers: false, autolock: false, networks: [newNetwork()] });
  acknowledgeEvenManagers = $state(false);
  poolText = $state('');
  poolSize = $state(String(DEFAULT_POOL_SIZE));
  validation = $state<PlanValidation | null>(null);
  issues = $state<ValidationIssue[]>([]);
  validationError = $state<string | undefined>();
  readonly hostFacts = new HostFactsCache();
  operations = $state<PlannedOperation[] | null>(null);
  operationsError = $state<string | undefined>();
  readonly preflight = new PreflightState();
  readonly bootstrap = new BootstrapProgress();
  /** The registry login's password: in this memory only, never in the plan; sent once with the run. */
  registryPassword = $state('');
  /** Once the operator picks a role, adding or removing hosts no longer re-deals them. */
  private rolesEdited = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sequence = 0;

  /** What was read from each host (for the advertise addresses), by alias. */
  get facts(): Record<string, FactsState> {
    return this.hostFacts.facts;
  }

  get index(): number {
    return STEPS.indexOf(this.step);
  }

  get managers(): number {
    return this.plan.hosts.filter((h) => h.role === 'manager').length;
  }

  get planKey(): string {
    return JSON.stringify(this.plan);
  }

  // ---- the plan ----

  /** Ticks or unticks a saved host; the chosen hosts keep the order of the Hosts list. */
  toggleHost(alias: string, on: boolean, order: readonly string[]): void {
    const kept = this.plan.hosts.filter((h) => h.host !== alias);
    const hosts = on ? [...kept, { host: alias, role: 'worker' as NodeRole, advertiseAddress: null }] : kept;
    const rank = (host: string) => (order.includes(host) ? order.indexOf(host) : order.length);
    this.plan.hosts = hosts
      .map((h, i) => ({ h, i }))
      .sort((a, b) => rank(a.h.host) - rank(b.h.host) || a.i - b.i)
      .map(({ h }) => h);
    if (!this.rolesEdited) this.dealRoles();
    else if (on && this.managers === 0) this.plan.hosts.find((h) => h.host === alias)!.role = 'manager';
  }

  /** The first three hosts are managers when there are three or more; otherwise the first one. */
  private dealRoles(): void {
    const managers = this.plan.hosts.length >= 3 ? 3 : 1;
    this.plan.hosts.forEach((h, i) => (h.role = i < managers ? 'manager' : 'worker'));
  }

  setRole(index: number, role: NodeRole): void {
    const host = this.plan.hosts[index];
    if (!host) return;
    this.rolesEdited = true;
    host.role = role;
  }

  setAdvertise(index: number, address: string | null): void {
    const host = this.plan.hosts[index];
    if (host) host.advertiseAddress = address;
  }

  setPool(text: string, size: string): void {
    this.poolText = text;
    this.poolSize = size;
    const subnets = text.split(/[\s,]+/).filter((s) => s !== '');
    const parsed = size.trim() === '' ? DEFAULT_POOL_SIZE : Number(size);
    this.plan.addressPool = subnets.length === 0 ? null : { subnets, subnetSize: parsed };
  }

  addNetwork(): void {
    // Each new network gets the next /24 after the default one, so that the defaults never overlap.
    const used = this.plan.networks.map((n) => n.subnet);
    let third = 9;
    while (used.includes(`10.0.${third}.0/24`) && third < 254) third++;
    this.plan.networks.push(newNetwork(`10.0.${third}.0/24`));
  }

  removeNetwork(index: number): void {
    this.plan.networks.splice(index, 1);
  }

  /** Turns a production step on (with its settings) or off (null). */
  setExtra<K extends keyof PlanExtras>(key: K, value: PlanExtras[K]): void {
    this.plan.extras ??= { registry: null, backups: null, edge: null };
    this.plan.extras[key] = value;
    if (key === 'registry' && value === null) this.registryPassword = '';
  }

  /** A registry with a login (TLS only) needs its password before the run. */
  get needsRegistryPassword(): boolean {
    const registry = this.plan.extras?.registry;
    return !!registry && registry.mode === 'tls' && registry.username !== null;
  }

  get registryPasswordShort(): boolean {
    return this.needsRegistryPassword && this.registryPassword.length < 8;
  }

  applyImported(plan: SwarmPlan): void {
    this.plan = plan;
    this.rolesEdited = true;
    this.acknowledgeEvenManagers = false;
    this.registryPassword = '';
    this.poolText = plan.addressPool?.subnets.join(', ') ?? '';
    this.poolSize = String(plan.addressPool?.subnetSize ?? DEFAULT_POOL_SIZE);
    this.preflight.reset();
    this.operations = null;
  }

  // ---- validation ----

  scheduleValidate(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.validateNow(), VALIDATE_DELAY_MS);
  }

  async validateNow(): Promise<void> {
    clearTimeout(this.timer);
    const sequence = ++this.sequence;
    const plan = $state.snapshot(this.plan);
    try {
      const validation = await api.setup.validate({ plan, acknowledgeEvenManagers: this.acknowledgeEvenManagers });
      if (sequence !== this.sequence) return;
      this.validation = validation;
      this.issues = [];
      this.validationError = undefined;
    } catch (err) {
      if (sequence !== this.sequence) return;
      // A field the core refused outright (an empty name, a size that is not a number) comes as issues.
      if (err instanceof ApiError && err.code === 'INVALID_ARGUMENT' && err.issues.length > 0) {
        this.validation = null;
        this.issues = err.issues.map((issue) => ({ ...issue, path: issue.path.replace(/^plan\.?/, '') }));
        this.validationError = undefined;
      } else {
        this.validationError = describeError(err);
      }
    }
  }

  /** Steps whose Next was pressed while something blocked it: from then on, empty fields are marked too. */
  attempted = $state<StepId[]>([]);

  private readonly notes = $derived.by((): Note[] => {
    // A production field left empty is asked for once Next was pressed, as a network's name is.
    const unfilled = (path: string) =>
      path.startsWith('extras.') && isEmpty(valueAt(this.plan, path)) && !this.attempted.includes('extras');
    const findings = (this.validation?.findings ?? []).map((f) => ({
      severity: f.severity,
      code: f.code,
      path: f.path,
      text: describeFinding(f),
      why: findingWhy(f),
      step: STEP_OF_CODE[f.code] ?? stepOfPath(f.path),
      blocks: f.severity === 'error' && !(f.acknowledgeable && this.acknowledgeEvenManagers),
      // A network not named yet is not an error to shout about on arrival; the hint says what is missing.
      quiet: SAID_BY_HINT.has(f.code) || (f.code === 'NETWORK_NAME_INVALID' && f.params.name === '' && !this.attempted.includes('network')),
    }));
    const issues = this.issues.map((issue) => ({
      severity: 'error' as const,
      code: issue.code,
      path: issue.path,
      text: describePlanIssue(issue),
      why: undefined,
      step: stepOfPath(issue.path),
      blocks: true,
      quiet: (issue.code === 'NAME_EMPTY' && !issue.path.startsWith('extras.')) || unfilled(issue.path),
    }));
    return [...findings, ...issues];
  });

  /** What to show beside the field at `path`. */
  notesAt(path: string): FieldNote[] {
    return this.notes.filter((n) => n.path === path && !n.quiet);
  }

  /** What to show beside a group of fields: the notes at `prefix` and at every path under it. */
  notesWithin(prefix: string): FieldNote[] {
    return this.notes.filter((n) => (n.path === prefix || n.path.startsWith(`${prefix}.`)) && !n.quiet);
  }

  /** A step's notes that no field of it shows (the component says which paths it shows). */
  looseNotes(step: PlanStep, shown: (path: string) => boolean): FieldNote[] {
    return this.notes.filter((n) => n.step === step && !shown(n.path) && !n.quiet);
  }

  hasFinding(code: PlanFindingCode): boolean {
    return (this.validation?.findings ?? []).some((f) => f.code === code);
  }

  /** Whether the operator may go on from a step, and if not, the words that say why. */
  blocked(step: StepId): string | null {
    if (step === 'hosts' && (this.plan.name.trim() === '' || this.plan.hosts.length === 0)) return t('setup.blockedHosts');
    if (PLAN_STEPS.includes(step)) {
      const blocking = this.notes.filter((n) => n.step === step && n.blocks);
      if (step === 'extras' && blocking.length > 0)
        return blocking.every((n) => n.quiet) ? t('setup.extras.blockedEmpty') : t('setup.extras.blocked');
      if (step === 'extras' && this.registryPasswordShort) return t('setup.extras.blockedPassword');
      if (blocking.length === 0) return null;
      if (blocking.every((n) => n.code === 'MANAGERS_EVEN')) return t('setup.blockedEven');
      return blocking.every((n) => n.quiet) && step === 'network' ? t('setup.blockedNetworkName') : t('setup.blockedFix');
    }
    if (step === 'preflight') {
      const fresh = this.preflight.report?.passed === true && this.preflight.planKey === this.planKey;
      return fresh ? null : t('setup.blockedPreflight');
    }
    return null;
  }

  // ---- moving between steps ----

  goTo(step: StepId): void {
    this.step = step;
    this.reached = Math.max(this.reached, STEPS.indexOf(step));
  }

  /** Checks the plan as it is now (not as it was 150 ms ago), then moves on if nothing blocks. */
  async next(): Promise<boolean> {
    const from = this.step;
    const submitted = `${this.planKey}|${this.acknowledgeEvenManagers}`;
    if (PLAN_STEPS.includes(from)) await this.validateNow();
    // Moving on is decided on what the operator submitted: a change made meanwhile waits for the next Enter.
    if (this.step !== from || `${this.planKey}|${this.acknowledgeEvenManagers}` !== submitted) return false;
    if (this.blocked(from) !== null) {
      if (!this.attempted.includes(from)) this.attempted.push(from);
      return false;
    }
    const following = STEPS[this.index + 1];
    if (!following || following === 'run') return false;
    this.goTo(following);
    return true;
  }

  back(): void {
    const previous = STEPS[this.index - 1];
    if (previous && !this.bootstrap.active && this.step !== 'done') this.step = previous;
  }

  // ---- what the core reads from the hosts ----

  loadFacts(): void {
    this.hostFacts.load(this.plan.hosts.map((h) => h.host));
  }

  retryFacts(host: string): void {
    this.hostFacts.forget(host);
    this.loadFacts();
  }

  async loadOperations(): Promise<void> {
    this.operations = null;
    this.operationsError = undefined;
    try {
      this.operations = await api.setup.review({ plan: $state.snapshot(this.plan) });
    } catch (err) {
      this.operationsError = describeError(err);
    }
  }

  async build(): Promise<void> {
    this.goTo('run');
    await this.startRun();
  }

  /** Starts the run, or runs it again after a failure. */
  async startRun(): Promise<void> {
    // The password leaves this memory as the run starts: the core keeps it in the keychain.
    const password = this.needsRegistryPassword && this.registryPassword !== '' ? this.registryPassword : undefined;
    this.registryPassword = '';
    await this.bootstrap.start($state.snapshot(this.plan), this.acknowledgeEvenManagers, password);
  }

  // ---- plan files ----

  async importPlan(yaml: string): Promise<string | null> {
    try {
      this.applyImported(await api.setup.importPlan({ yaml }));
      void this.validateNow();
      return null;
    } catch (err) {
      return describePlanFileError(err);
    }
  }

  async exportPlan(): Promise<string> {
    return (await api.setup.exportPlan({ plan: $state.snapshot(this.plan) })).yaml;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.bootstrap.dispose();
  }
}

// One wizard per app session: leaving the screen (to add a host, say) and coming back keeps the plan.
let session: SetupWizard | null = null;

export function setupWizard(): SetupWizard {
  session ??= new SetupWizard();
  return session;
}

/** Forgets the wizard (after a finished run, or in tests); the next visit starts afresh. */
export function discardSetupWizard(): void {
  session?.dispose();
  session = null;
}
