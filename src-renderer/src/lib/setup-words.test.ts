import { afterEach, describe, expect, it } from 'vitest';
import type { BootstrapStepStatus } from '../../../src-main/contract.js';
import { applyLocaleSetting } from './i18n/index.svelte.js';
import { describeOperation, describeStep, describeStepCode, stepOfPath } from './setup-words.js';

// The production steps' codes come with data (hours, a mode, a size in bytes): what the operator
// reads in the review and under each step of the run.
afterEach(() => applyLocaleSetting('en', null, []));

const status = (code: string, params: Record<string, string>): BootstrapStepStatus => ({
  index: 6,
  step: 'backups',
  host: null,
  state: 'done',
  code,
  params,
});

describe('the production steps in words', () => {
  it('names the steps of the run', () => {
    expect(describeStep({ step: 'registry', host: 'm2' })).toBe('Deploy the private registry on m2');
    expect(describeStep({ step: 'backups', host: null })).toBe('Set up routine backups');
    expect(describeStep({ step: 'edge', host: null })).toBe('Write the edge target list');
  });

  it('says what each step did, with hours, sizes and modes in words', () => {
    expect(describeStepCode(status('BACKUPS_FIRST_TAKEN', { every: '24', keep: '7', node: 'm2', size: String(3 * 1024 * 1024) }))).toBe(
      'Backups every 24 hours, keeping the newest 7. The first backup (3 MB) was taken on m2.',
    );
    expect(describeStepCode(status('BACKUPS_SCHEDULED', { every: '', keep: '7' }))).toBe('Backups by hand only, keeping the newest 7.');
    expect(describeStepCode(status('BACKUPS_FIRST_SKIPPED', { every: '1', keep: '3', managers: '1' }))).toBe(
      'Backups every hour, keeping the newest 3. The first backup was not taken: it would stop the only manager.',
    );
    expect(describeStepCode(status('REGISTRY_READY', { endpoint: '10.0.0.2:5000', mode: 'insecure' }))).toMatch(
      /^Registry at 10\.0\.0\.2:5000 \(no TLS\), checked/,
    );
    expect(describeStepCode(status('EDGE_WRITTEN', { targets: '1', output: 'lb:/etc/haproxy/swarm.cfg' }))).toBe(
      'Wrote 1 target to lb:/etc/haproxy/swarm.cfg; it is rewritten as nodes come and go.',
    );
  });

  it('words a coded review operation, and leaves Docker’s commands as they are', () => {
    const deploy = { step: 'registry' as const, host: 'm2', command: '', code: 'REGISTRY_DEPLOY' };
    expect(describeOperation({ ...deploy, params: { host: 'm2', endpoint: '10.0.0.2:5000', mode: 'tls', publish: 'host' } })).toBe(
      'Deploy the registry on m2, reached at 10.0.0.2:5000 (TLS, published on its host only)',
    );
    const follow = { step: 'edge' as const, host: null, command: '', code: 'EDGE_FOLLOW' };
    expect(describeOperation({ ...follow, params: { format: 'nginx', output: '/etc/nginx/swarm.conf', port: '80' } })).toBe(
      'Write the nodes that take traffic on port 80 to /etc/nginx/swarm.conf (nginx upstream), and keep the list current',
    );
    expect(describeOperation({ step: 'init', host: 'm1', command: 'docker swarm init' })).toBeUndefined();
    // A code this renderer does not know yet still shows, as the code.
    expect(describeOperation({ step: 'edge', host: null, command: '', code: 'EDGE_SOMETHING_NEW' })).toBe('EDGE_SOMETHING_NEW');
  });

  it('in Spanish too', () => {
    applyLocaleSetting('es', null, []);
    expect(describeStepCode(status('BACKUPS_SCHEDULED', { every: '12', keep: '7' }))).toBe(
      'Copias de seguridad cada 12 horas; se conservan las 7 más recientes.',
    );
  });

  it('shows findings and refused fields of the production steps in the Production step', () => {
    expect(stepOfPath('extras.registry.host')).toBe('extras');
    expect(stepOfPath('extras.backups')).toBe('extras');
    expect(stepOfPath('networks.0.name')).toBe('network');
  });
});
