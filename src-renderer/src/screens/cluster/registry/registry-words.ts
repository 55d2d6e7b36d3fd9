import type { RegistryStep } from '../../../../../src-main/contract.js';
import { t, type PlainKey } from '../../../lib/i18n/index.svelte.js';
import type { ProgressLike } from '../backup/step-lines.js';

const STEP_WORDS: Record<RegistryStep, PlainKey> = {
  check: 'registry.step.check',
  certificates: 'registry.step.certificates',
  secrets: 'registry.step.secrets',
  'ca-copy': 'registry.step.ca-copy',
  'daemon-json': 'registry.step.daemon-json',
  restart: 'registry.step.restart',
  service: 'registry.step.service',
  'verify-push': 'registry.step.verify-push',
  'verify-pull': 'registry.step.verify-pull',
  'verify-run': 'registry.step.verify-run',
};

/** A step, and the node or host it touches when it touches one. */
export function registryStepWords(step: RegistryStep, target: string | null): string {
  const words = t(STEP_WORDS[step]);
  return target ? `${words} ${t('registry.on', { target })}` : words;
}

export function registryStateWords(): Record<ProgressLike['state'], string> {
  return {
    running: t('registry.state.running'),
    done: t('registry.state.done'),
    failed: t('registry.state.failed'),
    skipped: t('registry.state.skipped'),
  };
}
