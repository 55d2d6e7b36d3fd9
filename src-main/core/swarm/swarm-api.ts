import type Docker from 'dockerode';

// Thin, typed calls for the parts of Docker's swarm API that dockerode leaves
// untyped or does not wrap (unlock, the unlock key). Bodies and queries go
// through docker-modem's `_body`/`_query`: for POST it would otherwise send
// the query (`version`) in the body.

export interface SwarmInfo {
  LocalNodeState?: string;
  NodeID?: string;
  NodeAddr?: string;
  ControlAvailable?: boolean;
  Error?: string;
  RemoteManagers?: { NodeID: string; Addr: string }[] | null;
  Cluster?: { ID?: string; RootRotationInProgress?: boolean } | null;
}

/** Who issued a node's certificate; after a CA rotation every node's matches the swarm's. */
export interface TlsInfo {
  TrustRoot?: string;
  CertIssuerSubject?: string;
  CertIssuerPublicKey?: string;
}

export interface EngineInfo {
  Name?: string;
  ServerVersion?: string;
  Swarm?: SwarmInfo;
}

export interface SwarmNode {
  ID: string;
  Version: { Index: number };
  Spec: { Role?: string; Availability?: string; Labels?: Record<string, string>; Name?: string };
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string }; TLSInfo?: TlsInfo };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string };
}

export interface SwarmSpec {
  EncryptionConfig?: { AutoLockManagers?: boolean };
  [key: string]: unknown;
}

export interface SwarmInspect {
  ID: string;
  Version: { Index: number };
  Spec: SwarmSpec;
  JoinTokens: { Worker: string; Manager: string };
  TLSInfo?: TlsInfo;
}

/** One Docker API call with an explicit query and body (docker-modem would otherwise mix them for a POST). */
export function dial<T>(
  docker: Docker,
  options: { path: string; method: 'GET' | 'POST' | 'DELETE'; body?: unknown; query?: Record<string, unknown> },
): Promise<T> {
  const modem = (docker as unknown as { modem: { dial(o: unknown, cb: (err: unknown, data: unknown) => void): void } }).modem;
  return new Promise((resolve, reject) => {
    modem.dial(
      {
        path: `${options.path}?`,
        method: options.method,
        statusCodes: {
          200: true,
          201: true,
          204: true,
          400: 'bad parameter',
          404: 'not found',
          406: 'not part of a swarm',
          500: 'server error',
          503: 'node is not part of a swarm',
        },
        options: { _query: options.query ?? {}, _body: options.body ?? {} },
      },
      (err, data) => (err ? reject(err) : resolve(data as T)),
    );
  });
}

export const swarmApi = {
  info: (docker: Docker): Promise<EngineInfo> => docker.info() as Promise<EngineInfo>,
  inspect: (docker: Docker): Promise<SwarmInspect> => docker.swarmInspect() as Promise<SwarmInspect>,
  nodes: (docker: Docker): Promise<SwarmNode[]> => docker.listNodes() as Promise<SwarmNode[]>,
  init: (docker: Docker, body: Record<string, unknown>): Promise<string> =>
    dial<string>(docker, { path: '/swarm/init', method: 'POST', body }),
  join: (docker: Docker, body: Record<string, unknown>): Promise<void> => dial<void>(docker, { path: '/swarm/join', method: 'POST', body }),
  leave: (docker: Docker, force: boolean): Promise<void> => dial<void>(docker, { path: '/swarm/leave', method: 'POST', query: { force } }),
  /** Sends the whole spec back: Docker resets whatever a swarm update leaves out. */
  update: (docker: Docker, swarm: SwarmInspect, spec: SwarmSpec): Promise<void> =>
    dial<void>(docker, { path: '/swarm/update', method: 'POST', query: { version: swarm.Version.Index }, body: spec }),
  updateNode: (docker: Docker, node: SwarmNode, spec: SwarmNode['Spec']): Promise<void> =>
    dial<void>(docker, { path: `/nodes/${node.ID}/update`, method: 'POST', query: { version: node.Version.Index }, body: spec }),
  unlockKey: async (docker: Docker): Promise<string> =>
    (await dial<{ UnlockKey: string }>(docker, { path: '/swarm/unlockkey', method: 'GET' })).UnlockKey,
  unlock: (docker: Docker, unlockKey: string): Promise<void> =>
    dial<void>(docker, { path: '/swarm/unlock', method: 'POST', body: { UnlockKey: unlockKey } }),
};

/** Docker's answer text, for matching and for messages. */
export function dockerMessage(err: unknown): string {
  const e = err as { json?: { message?: string } | null; reason?: string; message?: string };
  return e.json?.message ?? e.message ?? String(err);
}

/** The vault account an autolocked swarm's unlock key is kept under. */
export function unlockKeyAccount(swarmId: string): string {
  return `swarm-unlock-key:${swarmId}`;
}
