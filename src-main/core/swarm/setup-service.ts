import type { BootstrapStepStatus, HostFacts, PlannedOperation, PreflightReport, SwarmPlan } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import { CoreError, toContractError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import type { Logger } from '../logger.js';
import type { ClusterProfiles } from '../store/cluster-profiles.js';
import type { HostRecords } from '../store/host-records.js';
import { BootstrapRun } from './bootstrap.js';
import type { ProductionServices } from './bootstrap-extras.js';
import { readEngineInfo, readShellFacts, toHostFacts } from './host-facts.js';
import type { PlanHosts } from './plan-hosts.js';
import { validatePlan } from './plan-validation.js';
import { runPreflight } from './preflight.js';
import { reviewPlan } from './review.js';

export interface SetupServiceDeps {
  records: HostRecords;
  planHosts: PlanHosts;
  profiles: ClusterProfiles;
  vault: SecretVault;
  activity: ActivityLog;
  events: EventBus;
  logger: Logger;
  production: ProductionServices;
  readyTimeoutMs?: number;
}

/** The wizard's back end: facts, preflight, review, and one bootstrap run at a time. */
export class SetupService {
  private current: BootstrapRun | null = null;
  private running = false;
  private readonly finished = new Map<string, BootstrapRun>();

  constructor(private readonly deps: SetupServiceDeps) {}

  private readonly handle = (alias: string) => this.deps.planHosts.get(alias);

  async hostFacts(hosts: string[]): Promise<HostFacts[]> {
    return Promise.all(
      hosts.map(async (alias) => {
        const handle = this.handle(alias);
        const shell = await readShellFacts(handle);
        const info = await readEngineInfo(handle).catch(() => null);
        return toHostFacts(handle, shell, info);
      }),
    );
  }

  preflight(plan: SwarmPlan): Promise<PreflightReport> {
    this.assertKnownHosts(plan);
    return runPreflight(plan, this.handle, (check) => this.deps.events.emit('setup:check', check));
  }

  review(plan: SwarmPlan): Promise<PlannedOperation[]> {
    this.assertKnownHosts(plan);
    return reviewPlan(plan, this.handle);
  }

  async run(
    plan: SwarmPlan,
    acknowledgeEvenManagers: boolean,
    registryPassword?: string,
  ): Promise<{ runId: string; steps: BootstrapStepStatus[] }> {
    if (this.running) throw new CoreError('SETUP_RUNNING', 'A setup is running already; wait for it or cancel it');
    const login = plan.extras?.registry?.username;
    // Asked before anything runs: finding out after the swarm is built would leave the run failed at its last step.
    if (login && !registryPassword) {
      const reason = `the registry login (${login}) needs its password.`;
      throw new CoreError('REGISTRY_REFUSED', `The registry cannot be deployed like this: ${reason}`, { params: { reason } });
    }
    const validation = validatePlan(plan, this.deps.records.list(), { acknowledgeEvenManagers });
    if (!validation.runnable) {
      const codes = validation.findings.filter((f) => f.severity === 'error').map((f) => f.code);
      throw new CoreError('PLAN_NOT_RUNNABLE', `The plan has errors: ${codes.join(', ')}`, { params: { findings: codes.join(', ') } });
    }
    this.running = true;
    try {
      const { events } = this.deps;
      let runId = '';
      const run = await BootstrapRun.prepare(plan, {
        handle: this.handle,
        vault: this.deps.vault,
        activity: this.deps.activity,
        production: this.deps.production,
        ...(registryPassword ? { registryPassword } : {}),
        ...(this.deps.readyTimeoutMs ? { readyTimeoutMs: this.deps.readyTimeoutMs } : {}),
        saveProfile: async (p, swarmId) => {
          const managers = p.hosts.filter((h) => h.role === 'manager').map((h) => h.host);
          const workers = p.hosts.filter((h) => h.role === 'worker').map((h) => h.host);
          return (await this.deps.profiles.saveForSwarm({ name: p.name, hosts: [...managers, ...workers], swarmId })).id;
        },
        onStep: (status) => events.emit('setup:step', { runId, ...status }),
        onLog: (line) => events.emit('setup:log', { runId, line }),
      });
      runId = run.runId;
      this.current = run;
      this.deps.logger.info('setup run started', { runId, hosts: plan.hosts.length });
      void run
        .start()
        .then((outcome) => {
          this.deps.logger.info('setup run ended', { runId, state: outcome.state, error: outcome.error?.code });
          events.emit('setup:finished', outcome);
        })
        .catch((err: unknown) => {
          // start() turns step failures into its outcome; anything else is a bug, and the run must still end.
          this.deps.logger.error('setup run crashed', { runId, error: err instanceof Error ? err.message : 'non-error thrown' });
          events.emit('setup:finished', {
            runId,
            state: 'failed',
            clusterId: null,
            error: toContractError(err),
            unlockKeyReady: false,
            summary: null,
          });
        })
        .finally(() => {
          this.running = false;
          this.current = null;
          this.finished.set(run.runId, run);
        });
      return { runId: run.runId, steps: run.steps.map((s) => ({ ...s })) };
    } catch (err) {
      this.running = false;
      throw err;
    }
  }

  cancel(runId: string): void {
    if (this.current?.runId !== runId) throw new CoreError('NOT_FOUND', `No running setup ${runId}`, { params: { id: runId } });
    this.current.cancel();
  }

  revealUnlockKey(runId: string): { unlockKey: string } {
    const key = this.finished.get(runId)?.takeUnlockKey() ?? null;
    if (key === null)
      throw new CoreError('UNLOCK_KEY_GONE', 'The unlock key was shown already or this run made none; it is in the keychain');
    return { unlockKey: key };
  }

  private assertKnownHosts(plan: SwarmPlan): void {
    const missing = plan.hosts.filter((h) => !this.deps.records.byAlias(h.host)).map((h) => h.host);
    if (missing.length > 0)
      throw new CoreError('CLUSTER_HOSTS_UNKNOWN', `Not in Hosts: ${missing.join(', ')}`, { params: { hosts: missing.join(', ') } });
  }
}
