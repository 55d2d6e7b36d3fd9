import { CoreError } from '../errors.js';
import { describeEndpoint, type SshEndpoint } from './endpoint.js';

/**
 * Turns what ssh2 and the network say into errors an operator can act on,
 * each with a code. Messages name the host, never a secret.
 */
export function sshError(err: unknown, endpoint: SshEndpoint): CoreError {
  if (err instanceof CoreError) return err;
  const e = err as NodeJS.ErrnoException & { level?: string };
  const host = describeEndpoint(endpoint);
  const params = { host };
  switch (e.code) {
    case 'ECONNREFUSED':
      return new CoreError('SSH_CONNECTION_REFUSED', `${host} refused the connection (is sshd running on that port?)`, {
        params,
        cause: err,
      });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CoreError('SSH_HOST_UNREACHABLE', `${host} cannot be reached (${e.code})`, { params, cause: err });
    case 'ETIMEDOUT':
      return new CoreError('SSH_TIMEOUT', `${host} did not answer in time`, { params, cause: err });
  }
  if (e.level === 'client-timeout' || /Timed out while waiting for handshake/.test(e.message ?? '')) {
    return new CoreError('SSH_TIMEOUT', `${host} did not complete the SSH handshake in time`, { params, cause: err });
  }
  if (e.level === 'client-authentication') {
    return new CoreError('SSH_AUTH_FAILED', `${host} rejected every authentication method tried`, { params, cause: err });
  }
  return new CoreError('SSH_FAILED', `SSH to ${host} failed: ${e.message ?? String(err)}`, { params, cause: err });
}
