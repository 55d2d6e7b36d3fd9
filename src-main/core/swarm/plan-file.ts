import type { SwarmPlan } from '../../contract.js';
import { CoreError } from '../errors.js';

// PLACEHOLDER, replaced by the real YAML plan file.
export function planToYaml(plan: SwarmPlan): string {
  return JSON.stringify(plan);
}
export function planFromYaml(text: string): SwarmPlan {
  throw new CoreError('PLAN_FILE_INVALID', `not yet: ${text.length}`);
}
