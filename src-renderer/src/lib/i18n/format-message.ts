import type { Message, PluralMessage } from './types.js';

/** Fills `{name}` placeholders and picks the plural form; a missing parameter stays visible as `{name}`. */
export function formatMessage(message: Message, locale: string, params: Record<string, string | number> = {}): string {
  const template = typeof message === 'string' ? message : pluralForm(message, locale, params.count);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

function pluralForm(message: PluralMessage, locale: string, count: string | number | undefined): string {
  const n = typeof count === 'number' ? count : Number(count);
  if (n === 0 && message.zero !== undefined) return message.zero;
  const category = new Intl.PluralRules(locale).select(Number.isFinite(n) ? n : 0);
  return message[category] ?? message.other;
}

/** Every `{placeholder}` a message uses (over all plural forms), sorted. */
export function placeholdersOf(message: Message): string[] {
  const forms = typeof message === 'string' ? [message] : Object.values(message);
  const names = new Set<string>();
  for (const form of forms) for (const match of form.matchAll(/\{(\w+)\}/g)) names.add(match[1] as string);
  if (typeof message !== 'string') names.add('count');
  return [...names].sort();
}
