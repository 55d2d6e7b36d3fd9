import type { PlanNetwork } from '../../contract.js';

// The operations of a bootstrap as Docker's CLI spells them: what the Review
// step lists, what the run log and the activity log say. Tokens appear as
// placeholders: a join token never reaches a log or the renderer.

export const LISTEN_ADDR = '0.0.0.0:2377';

export function initCommand(o: { advertise: string; pool: { subnets: string[]; subnetSize: number } | null; autolock: boolean }): string {
  const pool = o.pool
    ? [...o.pool.subnets.map((s) => `--default-addr-pool ${s}`), `--default-addr-pool-mask-length ${o.pool.subnetSize}`]
    : [];
  return [
    'docker swarm init',
    `--advertise-addr ${o.advertise}`,
    `--listen-addr ${LISTEN_ADDR}`,
    ...pool,
    ...(o.autolock ? ['--autolock'] : []),
  ].join(' ');
}

export function joinCommand(o: { role: 'manager' | 'worker'; advertise: string; remote: string }): string {
  return `docker swarm join --token <${o.role} token> --advertise-addr ${o.advertise} --listen-addr ${LISTEN_ADDR} ${o.remote}`;
}

export const leaveForceCommand = 'docker swarm leave --force';
export const unlockCommand = 'docker swarm unlock';
export const autolockCommand = (on: boolean): string => `docker swarm update --autolock=${on}`;
export const promoteCommand = (node: string): string => `docker node promote ${node}`;
export const demoteCommand = (node: string): string => `docker node demote ${node}`;
export const drainCommand = (node: string): string => `docker node update --availability drain ${node}`;
export const verifyCommands = (networks: string[]): string[] => ['docker node ls', ...networks.map((n) => `docker network inspect ${n}`)];

export function networkCreateCommand(n: PlanNetwork): string {
  return [
    'docker network create --driver overlay',
    `--subnet ${n.subnet}`,
    ...(n.encrypted ? ['--opt encrypted'] : []),
    ...(n.attachable ? ['--attachable'] : []),
    n.name,
  ].join(' ');
}
