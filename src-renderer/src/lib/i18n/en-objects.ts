// The cluster screen's secrets, configs and the service form. Kept apart from en-cluster.ts so each stays readable.
export const enObjects = {
  objects: {},
};
