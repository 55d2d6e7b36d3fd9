import { describe, expect, it } from 'vitest';
import { formatMessage, placeholdersOf } from './format-message.js';

describe('formatMessage', () => {
  const hosts = { zero: 'No hosts', one: '{count} host', other: '{count} hosts' };

  it('picks plural forms by locale and formats the count as a number', () => {
    expect(formatMessage(hosts, 'en', { count: 0 })).toBe('No hosts');
    expect(formatMessage(hosts, 'en', { count: 1 })).toBe('1 host');
    expect(formatMessage(hosts, 'en', { count: 1200 })).toBe('1,200 hosts');
    expect(formatMessage({ one: '{count} nodo', other: '{count} nodos' }, 'es', { count: 12000 })).toBe('12.000 nodos');
  });

  it('fills named parameters and leaves a missing one visible', () => {
    expect(formatMessage('Remove {name}?', 'en', { name: 'prod' })).toBe('Remove prod?');
    expect(formatMessage('Remove {name}?', 'en')).toBe('Remove {name}?');
  });

  it('lists placeholders, counting `count` for plurals', () => {
    expect(placeholdersOf('Line {line}: {problem}')).toEqual(['line', 'problem']);
    expect(placeholdersOf(hosts)).toEqual(['count']);
  });
});
