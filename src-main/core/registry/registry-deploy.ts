import type { RegistryProgress, RegistryStep } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { ProductionDeps } from '../production-deps.js';
import { dial, dockerMessage } from '../swarm/swarm-api.js';
import type { DaemonRollout } from './daemon-rollout.js';
import { createCa, htpasswdLine, issueServerCertificate, reusableCa, type RegistryCa } from './registry-certs.js';
import { findService, waitTaskRunning, waitUpdated, type RegistryAuth } from './registry-docker.js';
import { registryGet, type RegistryTarget } from './registry-http.js';
import type { RegistryContext } from './registry-plan.js';
import { REGISTRY_LABEL, REGISTRY_SERVICE, registryServiceSpec, type SecretNames } from './registry-rules.js';
import type { RegistryRecord, RegistryStore } from './registry-store.js';
import { verifyRegistry, type StepRunner } from './registry-verify.js';

export interface RegistryTimeouts {
  /** The registry's task running on its node (the first pull of its image may take minutes). */
  serviceMs: number;
  /** The registry answering /v2/ once its task runs. */
  answerMs: number;
  /** The check service's task running. */
  runMs: number;
}

export const DEFAULT_TIMEOUTS: RegistryTimeouts = { serviceMs: 300_000, answerMs: 60_000, runMs: 180_000 };

/** Keychain accounts: the CA key (to re-issue the server certificate later) and the registry password. */
export const caKeyAccount = (swarmKey: string): string => `registry-ca-key:${swarmKey}`;
export const passwordAccount = (swarmKey: string): string => `registry-password:${swarmKey}`;

/** One deploy of the registry: the steps of the plan, run in order, each reported as `registry:step`. */
export class RegistryDeployment {
  private ca: RegistryCa | null = null;
  private certificateExpires: string | null = null;
  private secrets: SecretNames | null = null;
  /** The issued server certificate and key, until they are in swarm secrets; never written anywhere else. */
  private pendingServer: { certPem: string; keyPem: string } | null = null;
  private readonly secretIds: Record<string, string> = {};

  constructor(
    private readonly deps: ProductionDeps,
    private readonly store: RegistryStore,
    private readonly rollout: DaemonRollout,
    private readonly ctx: RegistryContext,
    private readonly auth: RegistryAuth | null,
    private readonly timeouts: RegistryTimeouts,
  ) {}

  private get swarmKey(): string {
    return this.ctx.profile.swarmId ?? this.ctx.profile.id;
  }

  private emit(p: Omit<RegistryProgress, 'clusterId'>): void {
    this.deps.events.emit('registry:step', { clusterId: this.ctx.profile.id, ...p });
  }

  private readonly step: StepRunner = async (step, target, action, run) => {
    this.emit({ step, target, state: 'running' });
    const cluster = this.ctx.profile.name;
    try {
      const detail = (await run()) ?? '';
      this.emit({ step, target, state: 'done', ...(detail ? { detail } : {}) });
      await this.deps.activity.record({ cluster, host: target, action, result: 'ok', detail });
    } catch (err) {
      const failure = this.asFailure(step, err);
      this.emit({ step, target, state: 'failed', detail: failure.message, error: failure.toContractError() });
      const unknown = failure.code === 'OUTCOME_UNKNOWN' || failure.code === 'EXEC_OUTCOME_UNKNOWN';
      await this.deps.activity.record({ cluster, host: target, action, result: unknown ? 'unknown' : 'failed', detail: failure.message });
      throw failure;
    }
  };

  private asFailure(step: RegistryStep, err: unknown): CoreError {
    if (err instanceof CoreError) return err;
    const detail = dockerMessage(err);
    const code = step.startsWith('verify-') ? 'REGISTRY_VERIFY_FAILED' : 'REGISTRY_FAILED';
    return new CoreError(code, `${step}: ${detail}`, { params: { step, detail }, cause: err });
  }

  async run(): Promise<string | null> {
    const { config } = this.ctx;
    await this.step('check', null, `check registry plan for ${this.ctx.endpoint}`, () => Promise.resolve(this.ctx.endpoint));
    if (config.mode === 'tls') {
      await this.step('certificates', null, `issue registry certificate for ${this.ctx.endpoint}`, () => this.certificates());
      await this.step('secrets', null, 'docker secret create (registry certificate, key, htpasswd)', () => this.createSecrets());
      for (const n of this.ctx.nodes) {
        if (!n.alias) {
          const detail = `${n.hostname} is not in Hosts; copy the CA to /etc/docker/certs.d/${this.ctx.endpoint}/ca.crt there by hand`;
          this.emit({ step: 'ca-copy', target: n.hostname, state: 'skipped', detail });
          continue;
        }
        const alias = n.alias;
        await this.step('ca-copy', alias, `copy registry CA to /etc/docker/certs.d/${this.ctx.endpoint}/ca.crt`, () => this.copyCa(alias));
      }
    } else {
      // The rollout reports its own steps (daemon-json, restart) and keeps its own activity entries.
      await this.rollout.run(this.ctx.profile.id, this.ctx.endpoint, (p) => this.emit(p));
    }
    await this.step('service', this.ctx.registry.alias, `deploy service ${REGISTRY_SERVICE} (${config.image})`, () => this.service());

    const record: RegistryRecord = {
      config,
      endpoint: this.ctx.endpoint,
      deployedAt: new Date().toISOString(),
      verifiedAt: null,
      caCertPem: this.ca?.certPem ?? null,
      certificateExpires: this.certificateExpires,
      caHosts: config.mode === 'tls' ? this.ctx.nodes.flatMap((n) => (n.alias ? [n.alias] : [])) : [],
    };
    // Saved before the check: the registry now runs whether or not the check passes.
    await this.store.put(this.ctx.profile.id, record);
    await verifyRegistry(this.ctx, this.deps.planHosts, this.auth, this.step, { runMs: this.timeouts.runMs });
    const verifiedAt = new Date().toISOString();
    await this.store.put(this.ctx.profile.id, { ...record, verifiedAt });
    return verifiedAt;
  }

  private async certificates(): Promise<string> {
    const account = caKeyAccount(this.swarmKey);
    const kept = reusableCa(this.store.get(this.ctx.profile.id)?.caCertPem, await this.deps.vault.recall(account));
    const ca = kept ?? (await createCa(this.ctx.profile.name));
    // Only the keychain holds the CA key; without one it lasts this session, and a later deploy makes a new CA.
    if (!kept) await this.deps.vault.remember(account, ca.keyPem, { persist: true });
    const { registry, config } = this.ctx;
    const names = [config.address, registry.hostname, registry.node.Status?.Addr ?? '', registry.alias];
    const hostRecord = this.deps.records.byAlias(registry.alias);
    if (hostRecord) names.push(hostRecord.address);
    const server = await issueServerCertificate(ca, names);
    this.ca = ca;
    this.certificateExpires = server.expires.toISOString();
    this.pendingServer = server;
    return kept ? 'server certificate re-issued with the existing CA' : 'new CA and server certificate';
  }

  private async createSecrets(): Promise<string> {
    const server = this.pendingServer;
    if (!server) throw new Error('no certificate was issued');
    // Secrets cannot change: each deploy makes new ones, and the old ones go once the service moved over.
    const suffix = Date.now().toString(36);
    const names: SecretNames = {
      cert: `${REGISTRY_SERVICE}-crt-${suffix}`,
      key: `${REGISTRY_SERVICE}-key-${suffix}`,
      htpasswd: this.auth ? `${REGISTRY_SERVICE}-htpasswd-${suffix}` : null,
    };
    const contents: [string, string][] = [
      [names.cert, server.certPem],
      [names.key, server.keyPem],
    ];
    if (names.htpasswd && this.auth) contents.push([names.htpasswd, htpasswdLine(this.auth.username, this.auth.password)]);
    for (const [name, data] of contents) {
      const body = { Name: name, Labels: { [REGISTRY_LABEL]: '1' }, Data: Buffer.from(data).toString('base64') };
      const created = await this.ctx.link.request('write', (d) =>
        dial<{ ID: string }>(d, { path: '/secrets/create', method: 'POST', body }),
      );
      this.secretIds[name] = created.ID;
    }
    this.pendingServer = null;
    this.secrets = names;
    return contents.map(([name]) => name).join(', ');
  }

  private async copyCa(alias: string): Promise<string> {
    const ca = this.ca;
    if (!ca) throw new Error('no CA was made');
    const dir = `/etc/docker/certs.d/${this.ctx.endpoint}`;
    // Docker reads certs.d on each connection to the registry: no restart.
    const script = 'mkdir -p "$1" && cat > "$1/ca.crt.new" && chmod 0644 "$1/ca.crt.new" && mv -f "$1/ca.crt.new" "$1/ca.crt"';
    const result = await this.deps.planHosts
      .get(alias)
      .exec(['sh', '-c', script, 'sh', dir], { sudo: true, stdin: ca.certPem, timeoutMs: 30_000 });
    if (result.code !== 0) throw new Error(`${dir}/ca.crt on ${alias}: ${result.stderr.trim() || `exit ${result.code}`}`);
    return `${dir}/ca.crt`;
  }

  private async service(): Promise<string> {
    const { link, config, registry } = this.ctx;
    const spec = registryServiceSpec(config, this.secrets, this.secretIds);
    const existing = await findService(link, REGISTRY_SERVICE);
    const previousSecrets = existing?.Spec.TaskTemplate?.ContainerSpec?.Secrets?.map((s) => s.SecretID) ?? [];
    if (existing) {
      await link.request('write', (d) =>
        dial<unknown>(d, {
          path: `/services/${existing.ID}/update`,
          method: 'POST',
          query: { version: existing.Version.Index },
          body: spec,
        }),
      );
      await waitUpdated(link, existing.ID, this.timeouts.serviceMs);
    } else {
      await link.request('write', (d) => d.createService(spec as never));
    }
    await waitTaskRunning(link, REGISTRY_SERVICE, registry.node.ID, this.timeouts.serviceMs);
    await this.waitAnswer();
    // The old certificate's secrets, now unused (best effort: one still in use by a stopping task stays).
    for (const id of previousSecrets.filter((id) => !Object.values(this.secretIds).includes(id))) {
      await link.request('write', (d) => d.getSecret(id).remove()).catch(() => undefined);
    }
    return `${existing ? 'updated' : 'created'}; answers at ${this.ctx.endpoint}`;
  }

  /** Until the registry answers its API from its own node: 200, or 401 when it asks for the login we did not send. */
  private async waitAnswer(): Promise<void> {
    const { config, registry } = this.ctx;
    const target: RegistryTarget = { address: config.address, port: config.port, caPem: this.ca?.certPem ?? null, auth: this.auth };
    const deadline = Date.now() + this.timeouts.answerMs;
    for (;;) {
      let last: string;
      try {
        const client = (await this.deps.planHosts.get(registry.alias).link.attemptNow()).client;
        const answer = await registryGet(client, target, '/v2/');
        if (answer.status === 200) return;
        last = `answered ${answer.status}`;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      if (Date.now() > deadline) throw new Error(`${this.ctx.endpoint} does not answer as a registry: ${last}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
