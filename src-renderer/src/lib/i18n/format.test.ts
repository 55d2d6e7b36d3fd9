import { afterEach, describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatDuration, formatNumber } from './format.svelte.js';
import { applyLocaleSetting, currentLocale, matchLocale } from './index.svelte.js';

afterEach(() => applyLocaleSetting('en', null, []));

describe('locale choice', () => {
  it('"system" takes the OS locale first, then the browser languages, else English', () => {
    applyLocaleSetting('system', 'es-AR', ['en-US']);
    expect(currentLocale()).toBe('es');
    applyLocaleSetting('system', null, ['de-DE', 'es-MX']);
    expect(currentLocale()).toBe('es');
    applyLocaleSetting('system', 'fr-FR', ['de-DE']);
    expect(currentLocale()).toBe('en');
    expect(matchLocale(['ES_es'])).toBe('es');
  });

  it('an explicit choice wins over the system', () => {
    applyLocaleSetting('en', 'es-ES', ['es']);
    expect(currentLocale()).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });
});

describe('formatting through Intl in the current locale', () => {
  it('numbers and byte sizes', () => {
    applyLocaleSetting('en', null, []);
    expect(formatNumber(20000)).toBe('20,000');
    expect(formatBytes(512)).toBe('512 byte');
    expect(formatBytes(8 * 1024 ** 3)).toBe('8 GB');
    expect(formatBytes(1536 * 1024)).toBe('1.5 MB');
    applyLocaleSetting('es', null, []);
    expect(formatNumber(20000)).toBe('20.000');
    expect(formatBytes(1536 * 1024)).toBe('1,5 MB');
  });

  it('durations pick the largest unit that fits', () => {
    applyLocaleSetting('en', null, []);
    expect(formatDuration(42_000)).toBe('42 sec');
    expect(formatDuration(3 * 60_000)).toBe('3 min');
    expect(formatDuration(5 * 86_400_000)).toBe('5 days');
  });

  it('dates', () => {
    applyLocaleSetting('en', null, []);
    expect(formatDate('2026-11-28T10:00:00Z')).toBe('Nov 28, 2026');
    applyLocaleSetting('es', null, []);
    expect(formatDate('2026-11-28T10:00:00Z')).toBe('28 nov 2026');
  });
});
