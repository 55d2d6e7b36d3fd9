import { userInfo } from 'node:os';
import type { AuthMethod, HostRecord, HostTestResult, KeychainStatus, SshConfigCandidate, SwarmLocalState } from '../../contract.js';
import { CoreError, toContractError } from '../errors.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import type { PromptBroker } from '../prompts/prompt-broker.js';
import type { ConnectOptions, SshConnection } from '../ssh/connect.js';
import type { SshEndpoint } from '../ssh/endpoint.js';
import type { HostKeyStore } from '../ssh/host-key-store.js';
import type { HostRecords } from '../store/host-records.js';
import type { EventBus } from '../events.js';
import { ManagedConnection } from '../ssh/managed-connection.js';
import { PromptingCredentials } from './credentials.js';
import { withTimeout } from '../util/with-timeout.js';

export interface HostServiceDeps {
  records: HostRecords;
  events: EventBus;
  hostKeys: HostKeyStore;
  vault: SecretVault;
  prompts: PromptBroker;
  keychain: () => KeychainStatus;
  /** ssh-agent socket; SSH_AUTH_SOCK when not given. */
  agent?: string;
  sshConfigPath?: string;
  connect?: Partial<Pick<ConnectOptions, 'readyTimeoutMs' | 'keepaliveIntervalMs' | 'keepaliveCountMax'>>;
}

const DOCKER_TIMEOUT_MS = 10_000;

/** Hosts as the operator sees them: connect (asking what must be asked), test, import, forget a key. */
export class HostService {
  /** One persistent link per host the operator has connected to, with the record it was opened for. */
  private readonly links = new Map<string, { link: ManagedConnection; record: HostRecord }>();

  constructor(private readonly deps: HostServiceDeps) {
    // A host edited or removed gets a fresh link (or none): the old one may point at the old address.
    deps.events.subscribe((event, payload) => {
      if (event !== 'hosts:changed') return;
      const hosts = (payload as { hosts: HostRecord[] }).hosts;
      for (const [id, { record }] of this.links) {
        const current = hosts.find((h) => h.id === id);
        if (!current || JSON.stringify(current) !== JSON.stringify(record)) this.dropLink(id);
      }
    });
  }

  /** The host's persistent link, opened on first use; its state is pushed to the renderer as `hosts:link`. */
  link(record: HostRecord): ManagedConnection {
    const existing = this.links.get(record.id);
    if (existing) return existing.link;
    const link = new ManagedConnection(() => this.connect(record));
    link.on('status', (status) => this.deps.events.emit('hosts:link', { id: record.id, ...status }));
    this.links.set(record.id, { link, record });
    return link;
  }

  private dropLink(id: string): void {
    this.links.get(id)?.link.close();
    this.links.delete(id);
  }

  /** The record as an endpoint, with its jump aliases resolved to the records they name. */
  endpointFor(record: HostRecord): SshEndpoint {
    const toEndpoint = (r: HostRecord): SshEndpoint => ({
      host: r.address,
      port: r.port,
      user: r.user,
      auth: r.auth,
      ...(r.identityFile ? { identityFile: r.identityFile } : {}),
    });
    const jump = record.jump.map((alias) => {
      const hop = this.deps.records.byAlias(alias);
      if (!hop) throw new CoreError('NOT_FOUND', `No host named ${alias} to jump through`, { params: { id: alias } });
      return toEndpoint(hop);
    });
    return { ...toEndpoint(record), jump };
  }

  async connect(record: HostRecord): Promise<SshConnection> {
    // ssh2 and dockerode load on first use: together they would add a fifth to the app's start-up.
    const { connectSsh } = await import('../ssh/connect.js');
    const credentials = new PromptingCredentials(this.deps.vault, this.deps.prompts, this.deps.keychain);
    try {
      return await connectSsh(this.endpointFor(record), {
        hostKeys: this.deps.hostKeys,
        credentials,
        agent: this.deps.agent,
        ...this.deps.connect,
        promptUnknownHostKey: (endpoint, key) =>
          this.deps.prompts.ask(
            'prompt:hostKey',
            { host: endpoint.host, port: endpoint.port, keyType: key.type, fingerprint: key.fingerprint },
            false,
          ),
      });
    } catch (err) {
      // A refused secret must not be offered again silently: the next attempt asks.
      if (err instanceof CoreError && (err.code === 'SSH_AUTH_FAILED' || err.code === 'WRONG_PASSPHRASE')) await credentials.forgetUsed();
      throw err;
    }
  }

  async test(id: string): Promise<HostTestResult> {
    const record = this.deps.records.get(id);
    // A test is a fresh handshake (the host key is checked again); the link then stays up and shows live in Hosts.
    const connection = await this.link(record).reconnectNow();
    const { dockerOverSsh } = await import('../docker/docker-client.js');
    const { docker, agent } = dockerOverSsh(connection.client);
    try {
      const base = {
        authMethod: toAuthMethod(connection.authMethod),
        keyType: connection.hostKey.type,
        fingerprint: connection.hostKey.fingerprint,
      };
      try {
        const [version, info] = await withTimeout(Promise.all([docker.version(), docker.info()]), DOCKER_TIMEOUT_MS);
        const swarm = (info as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; Cluster?: { ID?: string } } }).Swarm;
        return {
          ...base,
          dockerVersion: version.Version,
          swarm: swarm
            ? {
                state: (swarm.LocalNodeState || 'inactive') as SwarmLocalState,
                clusterId: swarm.Cluster?.ID ?? null,
                isManager: swarm.ControlAvailable === true,
              }
            : null,
          dockerError: null,
        };
      } catch (err) {
        const dockerError = new CoreError(
          'DOCKER_UNREACHABLE',
          `Docker did not answer on ${record.alias}: ${err instanceof Error ? err.message : String(err)}`,
          {
            params: { host: record.alias },
          },
        );
        return { ...base, dockerVersion: null, swarm: null, dockerError: toContractError(dockerError) };
      }
    } finally {
      agent.destroy();
    }
  }

  async forgetHostKey(id: string): Promise<{ removed: number; remainingInUserFiles: number }> {
    const record = this.deps.records.get(id);
    return this.deps.hostKeys.forget(record.address, record.port);
  }

  async readSshConfig(): Promise<SshConfigCandidate[]> {
    const known = new Set(this.deps.records.list().map((h) => h.alias));
    const { readSshConfig } = await import('../ssh/ssh-config.js');
    const hosts = await readSshConfig(this.deps.sshConfigPath).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new CoreError('SSH_CONFIG_UNREADABLE', `Cannot read ~/.ssh/config: ${err instanceof Error ? err.message : String(err)}`);
    });
    return hosts.map((h) => ({
      alias: h.alias,
      address: h.hostName,
      port: h.port,
      user: h.user,
      identityFile: h.identityFile ?? null,
      jump: h.proxyJump,
      alreadyImported: known.has(h.alias),
    }));
  }

  /**
   * Imports the chosen aliases (and the jump hosts they need, in order). A
   * ProxyJump written as `user@host:port` rather than an alias becomes a host record of its own.
   */
  async importSshConfig(aliases: string[]): Promise<HostRecord[]> {
    const candidates = new Map((await this.readSshConfig()).map((c) => [c.alias, c]));
    const imported: HostRecord[] = [];
    const visit = async (alias: string, depth: number): Promise<string> => {
      if (depth > 8) throw new CoreError('SSH_CONFIG_UNREADABLE', `ProxyJump chain through ${alias} is too long`);
      const existing = this.deps.records.byAlias(alias);
      if (existing) return existing.alias;
      const candidate = candidates.get(alias) ?? parseJumpSpec(alias);
      const jump: string[] = [];
      for (const hop of candidate.jump) jump.push(await visit(hop, depth + 1));
      const auth: AuthMethod[] = candidate.identityFile ? ['agent', 'key', 'password'] : ['agent', 'password'];
      const record = await this.deps.records.save({
        alias: sanitizeAlias(candidate.alias),
        address: candidate.address,
        port: candidate.port,
        user: candidate.user,
        auth,
        identityFile: candidate.identityFile,
        jump,
        tags: [],
      });
      imported.push(record);
      return record.alias;
    };
    for (const alias of aliases) {
      if (!candidates.has(alias)) throw new CoreError('NOT_FOUND', `~/.ssh/config has no Host ${alias}`, { params: { id: alias } });
      await visit(alias, 0);
    }
    return imported;
  }
}

function toAuthMethod(method: string): AuthMethod {
  return method === 'publickey' ? 'key' : method === 'agent' ? 'agent' : 'password';
}

/** `[user@]host[:port]` as ProxyJump allows, for hops that are not aliases. */
function parseJumpSpec(spec: string): SshConfigCandidate {
  const match = /^(?:([^@]+)@)?([^:]+)(?::(\d+))?$/.exec(spec);
  if (!match) throw new CoreError('SSH_CONFIG_UNREADABLE', `Cannot read the ProxyJump hop ${spec}`);
  return {
    alias: spec,
    address: match[2]!,
    port: Number(match[3] ?? 22),
    user: match[1] ?? userInfo().username,
    identityFile: null,
    jump: [],
    alreadyImported: false,
  };
}

function sanitizeAlias(alias: string): string {
  return alias.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[-.]+/, '');
}
