import type { HostRecord, PlanValidation, SwarmPlan } from '../../contract.js';

// PLACEHOLDER, replaced by the real validation.
export function validatePlan(plan: SwarmPlan, hosts: HostRecord[], options: { acknowledgeEvenManagers: boolean }): PlanValidation {
  void hosts;
  void options;
  const managers = plan.hosts.filter((h) => h.role === 'manager').length;
  return { findings: [], managers, tolerates: faultTolerance(managers), runnable: managers > 0 };
}

/** Docker's admin guide: N managers tolerate floor((N-1)/2) failures. */
export function faultTolerance(managers: number): number {
  return managers < 1 ? 0 : Math.floor((managers - 1) / 2);
}
