import type { IncomingMessage } from 'node:http';
import type Docker from 'dockerode';
import { ListSkimmer, type SkimmedEntry, type SkimOptions } from './skim.js';

/**
 * `GET <path>` on the Docker API through dockerode's own modem (so the same
 * SSH agent, keep-alive channels and error shapes), with the body skimmed as
 * it arrives instead of buffered whole and parsed by JSON.parse. `filters`
 * are Docker's (`{"desired-state":["running"]}`), sent as its list calls send them.
 */
export function readList<T>(
  docker: Docker,
  path: '/tasks' | '/services',
  options: SkimOptions,
  filters?: Record<string, string[]>,
): Promise<SkimmedEntry<T>[]> {
  const query = filters ? { filters } : {};
  return new Promise((resolve, reject) => {
    docker.modem.dial({ path: `${path}?`, method: 'GET', options: query, isStream: true, statusCodes: ANY_STATUS }, (err, result) => {
      if (err) return reject(err);
      const res = result as IncomingMessage;
      if (res.statusCode !== 200) return void failure(res).then(reject, reject);
      const skimmer = new ListSkimmer<T>(options);
      let failed = false;
      res.on('data', (chunk: Buffer) => {
        if (failed) return;
        try {
          skimmer.write(chunk);
        } catch (e) {
          failed = true;
          res.destroy();
          reject(e as Error);
        }
      });
      res.once('error', reject);
      res.once('end', () => {
        if (failed) return;
        try {
          resolve(skimmer.end());
        } catch (e) {
          reject(e as Error);
        }
      });
      // A link that drops mid-body closes without 'end' and, on some paths, without 'error'.
      res.once('close', () => {
        if (!res.complete && !failed) reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      });
    });
  });
}

// Every status is handed back as a stream, so an error answer can be read and shaped as dockerode shapes it.
const ANY_STATUS: Record<number, boolean> = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [100 + i, true]));

/** Docker's error answer as dockerode reports it for its own list calls: status code, reason and the parsed body. */
async function failure(res: IncomingMessage): Promise<Error> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: the text is the cause.
  }
  const reason = res.statusCode === 500 ? 'server error' : undefined;
  const cause = (json as { message?: string } | null)?.message ?? text;
  return Object.assign(new Error(`(HTTP code ${res.statusCode}) ${reason ?? 'unexpected'} - ${cause} `), {
    reason,
    statusCode: res.statusCode,
    json,
  });
}
