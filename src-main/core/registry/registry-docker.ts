import type Docker from 'dockerode';
import type { ClusterLink } from '../docker/cluster-link.js';

const POLL_MS = 1000;

/** What Docker's X-Registry-Auth carries: the login, never written to any config.json. */
export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

/**
 * Reads a push or pull progress stream to its end. Docker answers 200 and reports a failure as
 * an `error` line in the stream, so the status code alone says nothing.
 */
export function drainProgress(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let failure: string | null = null;
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        if (!line) continue;
        try {
          const event = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } };
          if (event.error) failure ??= event.errorDetail?.message ?? event.error;
        } catch {
          // A partial or non-JSON line carries no verdict.
        }
      }
    });
    stream.once('error', (err: Error) => reject(err));
    stream.once('end', () => (failure ? reject(new Error(failure)) : resolve()));
  });
}

export async function pushImage(docker: Docker, repository: string, tag: string, auth: RegistryAuth | null): Promise<void> {
  // An empty X-Registry-Auth for a registry without a login: older engines insist on the header.
  const stream = (await docker.getImage(repository).push({ tag, authconfig: auth ?? {} })) as NodeJS.ReadableStream;
  await drainProgress(stream);
}

export async function pullImage(docker: Docker, reference: string, auth: RegistryAuth | null): Promise<void> {
  const stream = (await docker.pull(reference, auth ? { authconfig: auth } : {})) as NodeJS.ReadableStream;
  await drainProgress(stream);
}

interface TaskListed {
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string; Err?: string; Message?: string };
  CreatedAt?: string;
}

export async function serviceTasks(link: ClusterLink, service: string): Promise<TaskListed[]> {
  return (await link.request('read', (d) => d.listTasks({ filters: { service: [service] } }))) as TaskListed[];
}

/**
 * Until a task of the service runs on the node. On time out, the newest task's own words
 * (Docker's error for a failed pull or start) go into the error.
 */
export async function waitTaskRunning(link: ClusterLink, service: string, nodeId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tasks = (await serviceTasks(link, service)).filter((t) => t.NodeID === nodeId || !t.NodeID);
    if (tasks.some((t) => t.DesiredState === 'running' && t.Status?.State === 'running')) return;
    if (Date.now() > deadline) {
      const newest = [...tasks].sort((a, b) => (b.CreatedAt ?? '').localeCompare(a.CreatedAt ?? ''))[0];
      const why = newest?.Status?.Err || newest?.Status?.Message || 'no task was scheduled';
      throw new Error(`not running after ${Math.round(timeoutMs / 1000)} s (${newest?.Status?.State ?? 'no task'}: ${why})`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const NOTHING_TO_ROLL_MS = 10_000;

/**
 * Until an update of the service has rolled out. Right after the update call the old task still
 * runs and is still desired running: a check made then talks to the registry that is about to
 * stop (seen as a pushed image missing from the new one). A paused or rolled-back update fails.
 * Docker clears the status on every update and sets it only when tasks must change, so a status
 * still empty after a while means there was nothing to roll out (the same spec deployed again).
 */
export async function waitUpdated(link: ClusterLink, serviceId: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (;;) {
    const service = (await link.request('read', (d) => d.getService(serviceId).inspect())) as {
      UpdateStatus?: { State?: string; Message?: string };
    };
    const state = service.UpdateStatus?.State;
    if (state === 'completed' || (state === undefined && Date.now() - started > NOTHING_TO_ROLL_MS)) return;
    if (state === 'paused' || state?.startsWith('rollback')) {
      throw new Error(`the service update ${state}: ${service.UpdateStatus?.Message ?? ''}`.trim());
    }
    if (Date.now() > deadline)
      throw new Error(`the service update did not finish within ${Math.round(timeoutMs / 1000)} s (${state ?? 'no status'})`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export interface ServiceListed {
  ID: string;
  Version: { Index: number };
  Spec: { Name?: string; TaskTemplate?: { ContainerSpec?: { Secrets?: { SecretID: string; SecretName?: string }[] } } };
}

export async function findService(link: ClusterLink, name: string): Promise<ServiceListed | null> {
  const services = (await link.request('read', (d) => d.listServices({ filters: { name: [name] } }))) as ServiceListed[];
  // Docker's name filter matches prefixes.
  return services.find((s) => s.Spec.Name === name) ?? null;
}
