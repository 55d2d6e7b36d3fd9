/** How to reach one SSH server, as a host record or ~/.ssh/config describes it. */
export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  /** Tried in this order; the default is agent, then key file, then password. */
  auth: AuthMethod[];
  identityFile?: string;
  /** ProxyJump hops, the first one reached directly. */
  jump?: SshEndpoint[];
}

export type AuthMethod = 'agent' | 'key' | 'password';
export const DEFAULT_AUTH_ORDER: AuthMethod[] = ['agent', 'key', 'password'];

/** A stable name for an endpoint's secrets in the keychain: never the secret itself. */
export function secretAccount(kind: 'password' | 'passphrase', endpoint: SshEndpoint): string {
  return kind === 'password'
    ? `ssh-password:${endpoint.user}@${endpoint.host}:${endpoint.port}`
    : `ssh-passphrase:${endpoint.identityFile ?? ''}`;
}

export function describeEndpoint(endpoint: Pick<SshEndpoint, 'host' | 'port' | 'user'>): string {
  return `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
}
