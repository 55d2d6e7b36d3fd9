// The cluster screen's the exec terminal, node removal, rotation and the activity log. Kept apart from en-cluster.ts so each stays readable.
export const enTools = {
  tools: {},
};
