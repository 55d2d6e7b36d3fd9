// Gating for lab suites: run where the lab can run; elsewhere print one line and skip,
// except in CI, where a missing prerequisite is a failure.
import { describe, it } from 'vitest';
import { inCi, labSupport } from './prereq.js';

const g = globalThis as { swarmdeckLabSkipSaid?: boolean };

export function describeLab(name: string, body: () => void): void {
  const s = labSupport();
  if (s.ok) {
    describe(name, body);
    return;
  }
  if (inCi()) {
    describe(name, () => {
      it('has what the lab needs', () => {
        throw new Error(`lab prerequisites missing in CI: ${s.reason}`);
      });
    });
    return;
  }
  if (!g.swarmdeckLabSkipSaid) {
    g.swarmdeckLabSkipSaid = true;
    console.log(`SKIPPED lab: ${s.reason}`);
  }
  describe.skip(name, body);
}
