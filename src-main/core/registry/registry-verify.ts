import type { RegistryStep } from '../../contract.js';
import type { PlanHosts } from '../swarm/plan-hosts.js';
import { dockerMessage } from '../swarm/swarm-api.js';
import { pullImage, pushImage, waitTaskRunning, type RegistryAuth } from './registry-docker.js';
import type { RegistryContext } from './registry-plan.js';
import { CHECK_REPOSITORY, REGISTRY_LABEL } from './registry-rules.js';

export type StepRunner = (step: RegistryStep, target: string | null, action: string, run: () => Promise<string | void>) => Promise<void>;

export interface VerifyTimeouts {
  runMs: number;
}

/**
 * The proof that the registry serves the swarm: the registry's node pushes an image it has (the
 * registry image itself, under a check name), another node pulls it through its own Docker, and a
 * one-replica service pinned to a node other than the registry's starts from it. Every Docker
 * call goes with X-Registry-Auth: the password never reaches a command line or a config.json.
 */
export async function verifyRegistry(
  ctx: RegistryContext,
  planHosts: PlanHosts,
  auth: RegistryAuth | null,
  step: StepRunner,
  timeouts: VerifyTimeouts,
): Promise<void> {
  const repository = `${ctx.endpoint}/${CHECK_REPOSITORY}`;
  const tag = `t${Date.now()}`;
  const reference = `${repository}:${tag}`;
  const registryDocker = planHosts.get(ctx.registry.alias).docker;
  const pullDocker = planHosts.get(ctx.pullNode.alias).docker;

  await step('verify-push', ctx.registry.alias, `docker push ${reference} (on ${ctx.registry.alias})`, async () => {
    await registryDocker.request('write', (d) => d.getImage(ctx.config.image).tag({ repo: repository, tag }));
    try {
      await registryDocker.request('write', (d) => pushImage(d, repository, tag, auth));
    } finally {
      await registryDocker.request('write', (d) => d.getImage(reference).remove({ noprune: true })).catch(() => undefined);
    }
    return reference;
  });

  await step('verify-pull', ctx.pullNode.alias, `docker pull ${reference} (on ${ctx.pullNode.alias})`, async () => {
    await pullDocker.request('write', (d) => pullImage(d, reference, auth));
    await pullDocker.request('read', (d) => d.getImage(reference).inspect());
    return reference;
  });

  await step('verify-run', ctx.runNode.alias, `docker service create ${reference} (on ${ctx.runNode.alias})`, async () => {
    const name = `swarmdeck-registry-check-${tag}`;
    const spec = {
      Name: name,
      Labels: { [REGISTRY_LABEL]: 'check' },
      TaskTemplate: {
        ContainerSpec: { Image: reference },
        Placement: { Constraints: [`node.id==${ctx.runNode.node.ID}`] },
        // A few attempts, not endless ones: a pull that keeps failing ends as the task's error.
        RestartPolicy: { Condition: 'on-failure', MaxAttempts: 3, Delay: 2_000_000_000 },
      },
      Mode: { Replicated: { Replicas: 1 } },
    };
    // dockerode sends `auth` as X-Registry-Auth, which the swarm hands to the node that pulls.
    const created = await ctx.link.request('write', (d) => d.createService(auth ?? {}, spec as never));
    const id = (created as unknown as { id?: string; ID?: string }).id ?? (created as unknown as { ID: string }).ID;
    try {
      await waitTaskRunning(ctx.link, id, ctx.runNode.node.ID, timeouts.runMs);
    } finally {
      await ctx.link.request('write', (d) => d.getService(id).remove()).catch(() => undefined);
    }
    return `${name} ran on ${ctx.runNode.hostname}`;
  });

  // Tidy: the pulled copy on the pull node (best effort; the run node's copy goes with Docker's own pruning).
  if (ctx.pullNode !== ctx.runNode) {
    await pullDocker.request('write', (d) => d.getImage(reference).remove()).catch((err: unknown) => dockerMessage(err));
  }
}
