// The cluster screen's compose stacks (list, check, deploy, remove). Kept apart from en-cluster.ts so each stays readable.
export const enStacks = {
  stacks: {},
};
