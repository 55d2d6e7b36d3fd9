import type { BackupEncryption, BackupStep, RestoreStep } from '../../../../../src-main/contract.js';
import { t } from '../../../lib/i18n/index.svelte.js';
import type { ProgressLike } from './step-lines.js';

// Words for the steps a backup and a restore go through, in the order the core runs them.

export const BACKUP_STEPS: readonly BackupStep[] = [
  'check',
  'unlock-key',
  'stop',
  'archive',
  'start',
  'unlock',
  'reachable',
  'encrypt',
  'retention',
];

export function backupStepWords(step: BackupStep, node: string): string {
  switch (step) {
    case 'stop':
      return t('backups.step.stop', { node });
    case 'start':
      return t('backups.step.start', { node });
    case 'unlock':
      return t('backups.step.unlock', { node });
    case 'reachable':
      return t('backups.step.reachable', { node });
    case 'check':
      return t('backups.step.check');
    case 'unlock-key':
      return t('backups.step.unlock-key');
    case 'archive':
      return t('backups.step.archive');
    case 'encrypt':
      return t('backups.step.encrypt');
    case 'retention':
      return t('backups.step.retention');
  }
}

export function restoreStepWords(step: RestoreStep, host: string): string {
  switch (step) {
    case 'stop':
      return t('backups.restoreStep.stop', { host });
    case 'start':
      return t('backups.restoreStep.start', { host });
    case 'unlock':
      return t('backups.restoreStep.unlock', { host });
    case 'force-new-cluster':
      return t('backups.restoreStep.force-new-cluster', { host });
    case 'open':
      return t('backups.restoreStep.open');
    case 'replace':
      return t('backups.restoreStep.replace');
    case 'services':
      return t('backups.restoreStep.services');
    case 'rotate-unlock-key':
      return t('backups.restoreStep.rotate-unlock-key');
    case 'add-managers':
      return t('backups.restoreStep.add-managers');
  }
}

export function stateWords(): Record<ProgressLike['state'], string> {
  return {
    running: t('backups.state.running'),
    done: t('backups.state.done'),
    failed: t('backups.state.failed'),
    skipped: t('backups.state.skipped'),
  };
}

export const encryptionWords = (encryption: BackupEncryption): string =>
  encryption === 'keychain' ? t('backups.encKeychain') : t('backups.encPassphrase');
