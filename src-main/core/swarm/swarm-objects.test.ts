import { describe, expect, it, vi } from 'vitest';
import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { CoreError } from '../errors.js';
import type { TopologyService } from '../topology/topology-service.js';
import { SwarmObjects, scrub, usersOf } from './swarm-objects.js';

// Only what the lab cannot produce on demand, against a fake Docker API: a Docker refusal that
// echoes the value back, and a link that drops mid-write. Everything else is tested against a
// real swarm in swarm-objects.lab.test.ts.

type Route = (body: unknown) => unknown;
function fakeSwarm(routes: Record<string, Route>) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const docker = {
    modem: {
      dial(opts: { path: string; method: string; options: { _body: unknown } }, cb: (err: unknown, data: unknown) => void) {
        const path = opts.path.replace(/\?$/, '');
        calls.push({ method: opts.method, path, body: opts.options._body });
        const route = routes[`${opts.method} ${path}`];
        if (!route) return cb(Object.assign(new Error('not found'), { statusCode: 404, json: { message: 'not found' } }), null);
        try {
          cb(null, route(opts.options._body));
        } catch (err) {
          cb(err, null);
        }
      },
    },
    listNetworks: () => Promise.resolve([{ Id: 'net1', Name: 'backend', Scope: 'swarm' }]),
  };
  const link = { request: (_kind: string, call: (d: unknown) => Promise<unknown>) => call(docker) };
  const clusters = { linkOf: () => Promise.resolve({ profile: { name: 'lab' }, link }) } as unknown as ClusterService;
  const recorded: { action: string; result: string; detail: string }[] = [];
  const activity = { record: (e: { action: string; result: string; detail: string }) => Promise.resolve(recorded.push(e)) };
  const topology = { refresh: vi.fn() };
  return {
    calls,
    recorded,
    topology,
    objects: new SwarmObjects(clusters, activity as unknown as ActivityLog, topology as unknown as TopologyService),
  };
}
const refusal = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode, json: { message } });
const web = { Spec: { Name: 'web', TaskTemplate: { ContainerSpec: { Secrets: [{ SecretID: 's1' }], Configs: [{ ConfigID: 'c1' }] } } } };

describe('SwarmObjects', () => {
  it('turns a name conflict into CONFLICT and another refusal into DOCKER_REFUSED, scrubbing an echoed value', async () => {
    const swarm = fakeSwarm({
      'POST /secrets/create': () => {
        throw refusal(409, 'secret db already exists');
      },
      'POST /configs/create': () => {
        throw refusal(400, `invalid data hunter22 / ${Buffer.from('hunter22').toString('base64')}`);
      },
    });
    await expect(swarm.objects.create('c', 'secret', 'db', 'hunter22', {})).rejects.toMatchObject({
      code: 'CONFLICT',
      params: { name: 'db' },
    });
    const refused = await swarm.objects.create('c', 'config', 'db', 'hunter22', {}).catch((e: unknown) => e as CoreError);
    expect(refused).toMatchObject({ code: 'DOCKER_REFUSED' });
    expect(JSON.stringify([refused, (refused as CoreError).params, swarm.recorded])).not.toMatch(/hunter22|aHVudGVyMjI/);
    expect(swarm.recorded.map((r) => r.result)).toEqual(['failed', 'failed']);
  });

  it('passes OUTCOME_UNKNOWN on, logged as unknown', async () => {
    const swarm = fakeSwarm({
      'POST /secrets/create': () => {
        throw new CoreError('OUTCOME_UNKNOWN', 'dropped');
      },
    });
    await expect(swarm.objects.create('c', 'secret', 'db', 'v', {})).rejects.toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect(swarm.recorded[0]?.result).toBe('unknown');
  });
});

describe('usersOf and scrub', () => {
  it('names each using service once, sorted, by kind', () => {
    expect(
      usersOf('s1', 'secret', [web, web, { Spec: { Name: 'a', TaskTemplate: { ContainerSpec: { Secrets: [{ SecretID: 's1' }] } } } }]),
    ).toEqual(['a', 'web']);
    expect(usersOf('s1', 'config', [web])).toEqual([]);
  });

  it('replaces values of 4 characters or more, leaving shorter ones to keep the words readable', () => {
    expect(scrub('bad value hunter22 here', ['hunter22', 'a'])).toBe('bad value … here');
  });
});
