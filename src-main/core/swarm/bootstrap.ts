import { randomUUID } from 'node:crypto';
import type { BootstrapOutcome, BootstrapStepId, BootstrapStepStatus, ContractError, SwarmPlan } from '../../contract.js';
import type Docker from 'dockerode';
import type { ActivityLog } from '../activity/activity-log.js';
import { CoreError, toContractError } from '../errors.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import type { PlanHostHandle } from './plan-hosts.js';
import { readPlanState, type PlanState } from './swarm-state.js';
import { dockerMessage } from './swarm-api.js';
import { BootstrapSteps } from './bootstrap-steps.js';
import { ExtrasSteps, type ProductionServices } from './bootstrap-extras.js';
import { readEngineInfo, resolveAdvertise } from './host-facts.js';

export interface BootstrapDeps {
  handle: (alias: string) => PlanHostHandle;
  vault: SecretVault;
  activity: ActivityLog;
  /** Saves (or updates) the cluster profile of the swarm; returns its id. */
  saveProfile: (plan: SwarmPlan, swarmId: string) => Promise<string>;
  onStep: (status: BootstrapStepStatus) => void;
  onLog: (line: string) => void;
  /** How long a joined node may take to show Ready (and Reachable). */
  readyTimeoutMs?: number;
  /** The services the plan's production steps (registry, backups, edge) hand their configs to. */
  production: ProductionServices;
  /** The plan registry's login password, for this run only. */
  registryPassword?: string;
}

export interface StepResult {
  state: 'done' | 'skipped';
  code: string;
  params?: Record<string, string>;
}

/**
 * One bootstrap of a plan: init → managers one by one → workers in parallel →
 * drain managers → networks → verify. Each step reads the swarm first and skips
 * what is already true, so a run after any failure converges on the same swarm.
 * Cancel takes effect between steps.
 */
export class BootstrapRun {
  readonly runId = randomUUID();
  readonly steps: BootstrapStepStatus[];
  private cancelRequested = false;
  private revealed: string | null = null;
  private profileId: string | null = null;
  /** Join tokens and keys live here, in main-process memory, for the run only. */
  readonly context: RunContext;

  constructor(
    readonly plan: SwarmPlan,
    private readonly deps: BootstrapDeps,
    state: PlanState,
    advertise: Map<string, string>,
  ) {
    const anchor = state.anchor ?? plan.hosts.find((h) => h.role === 'manager')!.host;
    this.context = { plan, state, anchor, swarmId: state.swarmId, advertise, unlockKeyNew: null, nodeIds: new Map() };
    const list: [BootstrapStepId, string | null][] = [['init', anchor]];
    for (const h of plan.hosts) if (h.role === 'manager' && h.host !== anchor) list.push(['joinManager', h.host]);
    if (plan.hosts.some((h) => h.role === 'worker')) list.push(['joinWorkers', null]);
    if (plan.dedicatedManagers) list.push(['drainManagers', null]);
    if (plan.networks.length > 0) list.push(['networks', null]);
    list.push(['verify', null]);
    const extras = plan.extras;
    if (extras?.registry) list.push(['registry', extras.registry.host]);
    if (extras?.backups) list.push(['backups', null]);
    if (extras?.edge) list.push(['edge', extras.edge.output.kind === 'ssh' ? extras.edge.output.host : null]);
    if (extras?.pools?.length) list.push(['pools', null]);
    this.steps = list.map(([step, host], index) => ({ index, step, host, state: 'pending' }));
  }

  /** Reads where every host stands and resolves advertise addresses; then the run can be listed and started. */
  static async prepare(plan: SwarmPlan, deps: BootstrapDeps): Promise<BootstrapRun> {
    const state = await readPlanState(plan, deps.handle);
    const swarms = new Set(
      plan.hosts
        .filter((h) => h.role === 'manager')
        .map((h) => state.infos.get(h.host)?.Swarm)
        .filter((s) => s?.LocalNodeState === 'active' && s.ControlAvailable)
        .map((s) => s?.Cluster?.ID),
    );
    if (swarms.size > 1) {
      throw new CoreError('HOSTS_IN_DIFFERENT_SWARMS', 'Planned managers already manage different swarms', {
        params: { swarmIds: [...swarms].join(', ') },
      });
    }
    const advertise = await resolveAdvertise(plan, deps.handle);
    return new BootstrapRun(plan, deps, state, advertise);
  }

  cancel(): void {
    this.cancelRequested = true;
  }

  /** The unlock key made in this run, once. */
  takeUnlockKey(): string | null {
    const key = this.revealed;
    this.revealed = null;
    return key;
  }

  async start(): Promise<BootstrapOutcome> {
    const steps = new BootstrapSteps(this.context, {
      handle: this.deps.handle,
      vault: this.deps.vault,
      op: (host, command, via, call, confirm) => this.op(host, command, via, call, confirm),
      log: (line) => this.deps.onLog(line),
      readyTimeoutMs: this.deps.readyTimeoutMs ?? 120_000,
      saveProfile: async () => {
        if (this.context.swarmId) this.profileId = await this.deps.saveProfile(this.plan, this.context.swarmId);
      },
    });
    const extras = new ExtrasSteps(this.plan, {
      services: this.deps.production,
      clusterId: () => this.profileId,
      nodeOf: async (alias) => ({
        nodeId: this.context.nodeIds.get(alias) ?? (await readEngineInfo(this.deps.handle(alias))).Swarm?.NodeID ?? '',
        advertise: this.context.advertise.get(alias) ?? '',
      }),
      registryPassword: this.deps.registryPassword,
      log: (line) => this.deps.onLog(line),
    });
    const runStep = (step: BootstrapStepId, host: string | null): Promise<StepResult> => {
      if (step === 'registry') return extras.registry();
      if (step === 'backups') return extras.backups();
      if (step === 'edge') return extras.edge();
      if (step === 'pools') return extras.pools();
      return steps.run(step, host);
    };
    let error: ContractError | undefined;
    let summary: BootstrapOutcome['summary'] = null;
    for (const status of this.steps) {
      if (this.cancelRequested) {
        this.setStep(status, { state: 'cancelled' });
        continue;
      }
      if (error) continue;
      this.setStep(status, { state: 'running' });
      try {
        const result = await runStep(status.step, status.host);
        this.setStep(status, { state: result.state, code: result.code, ...(result.params ? { params: result.params } : {}) });
        if (status.step === 'verify') summary = steps.summary;
      } catch (err) {
        error = toContractError(err);
        if (!(err instanceof CoreError)) this.deps.onLog(`unexpected error: ${describe(err)}`);
        this.setStep(status, { state: 'failed', error });
      }
    }
    this.revealed = this.context.unlockKeyNew;
    const state = error ? 'failed' : this.cancelRequested && !summary ? 'cancelled' : 'done';
    return {
      runId: this.runId,
      state,
      clusterId: this.profileId,
      ...(error ? { error } : {}),
      unlockKeyReady: this.revealed !== null,
      summary,
    };
  }

  private setStep(status: BootstrapStepStatus, change: Partial<BootstrapStepStatus>): void {
    Object.assign(status, change);
    this.deps.onStep({ ...status });
  }

  /**
   * One Docker change, logged before it is sent and recorded in the activity
   * log with how it ended. When the link drops mid-call the outcome is unknown:
   * `confirm` re-reads the host to learn whether it took effect.
   */
  private async op<T>(
    host: string,
    command: string,
    via: PlanHostHandle,
    call: (docker: Docker) => Promise<T>,
    confirm?: () => Promise<boolean>,
  ): Promise<T | undefined> {
    this.deps.onLog(`${host}: ${command}`);
    const record = (result: 'ok' | 'failed' | 'unknown', detail = ''): Promise<unknown> =>
      this.deps.activity.record({ cluster: this.plan.name, host, action: command, result, detail }).catch(() => undefined);
    try {
      const value = await via.docker.request('write', call);
      await record('ok');
      return value;
    } catch (err) {
      if (err instanceof CoreError && err.code === 'OUTCOME_UNKNOWN' && confirm) {
        this.deps.onLog(`${host}: the connection dropped; outcome unknown, re-reading`);
        const applied = await confirm().catch(() => false);
        if (applied) {
          await record('ok', 'confirmed by re-reading after the connection dropped');
          return undefined;
        }
        await record('unknown', err.message);
        throw err;
      }
      const message = err instanceof CoreError ? err.message : dockerMessage(err);
      await record('failed', message);
      this.deps.onLog(`${host}: failed: ${message}`);
      throw err instanceof CoreError ? err : new CoreError('EXEC_FAILED', message, { params: { command }, cause: err });
    }
  }
}

export interface RunContext {
  plan: SwarmPlan;
  state: PlanState;
  /** The manager the swarm is made on (or already runs on). */
  anchor: string;
  swarmId: string | null;
  /** Every plan host's advertise address, resolved. */
  advertise: Map<string, string>;
  /** Set when this run made or first learnt the unlock key. */
  unlockKeyNew: string | null;
  /** Plan host → its node ID, as the steps learn them. */
  nodeIds: Map<string, string>;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown';
}
