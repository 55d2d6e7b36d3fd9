import type { LocaleSetting } from '../../../../src-main/contract.js';
import { en } from './en.js';
import { es } from './es.js';
import { formatMessage } from './format-message.js';
import type { CatalogShape, Message, MessageAt, MessageKey, Params } from './types.js';

export type Locale = 'en' | 'es';
export const LOCALES: readonly Locale[] = ['en', 'es'];
export const CATALOGS: Record<Locale, CatalogShape<typeof en>> = { en, es };
/** Each language named in itself, as every language picker does. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };

export type Key = MessageKey<typeof en>;
/** Keys whose message takes no parameters, for tables of labels. */
export type PlainKey = { [K in Key]: Params<MessageAt<typeof en, K>> extends [] ? K : never }[Key];

const state = $state<{ locale: Locale }>({ locale: 'en' });

/** The locale that text, dates and numbers use now (reactive). */
export function currentLocale(): Locale {
  return state.locale;
}

/**
 * Chooses the locale from the setting; "system" means the OS locale where the
 * host reports one (Electron), else the browser's languages.
 */
export function applyLocaleSetting(
  setting: LocaleSetting,
  systemLocale: string | null,
  browserLanguages: readonly string[] = navigator.languages,
): void {
  state.locale = setting === 'system' ? matchLocale([...(systemLocale ? [systemLocale] : []), ...browserLanguages]) : setting;
  document.documentElement.lang = state.locale;
}

export function matchLocale(candidates: readonly string[]): Locale {
  for (const candidate of candidates) {
    const language = candidate.toLowerCase().split(/[-_]/)[0];
    if ((LOCALES as readonly string[]).includes(language ?? '')) return language as Locale;
  }
  return 'en';
}

/** The message for `key` in the current locale; TypeScript checks the key and its parameters. */
export function t<K extends Key>(key: K, ...params: Params<MessageAt<typeof en, K>>): string {
  return formatMessage(lookup(CATALOGS[state.locale], key) ?? lookup(en, key) ?? key, state.locale, params[0]);
}

/** For keys built at run time (error and issue codes): falls back to `fallback` when the key is unknown. */
export function tDynamic(key: string, params: Record<string, string | number> = {}, fallback?: Key): string {
  const message = lookup(CATALOGS[state.locale], key) ?? (fallback ? lookup(CATALOGS[state.locale], fallback) : undefined);
  return message === undefined ? key : formatMessage(message, state.locale, params);
}

/** Whether the current locale (or English) has words for a key built at run time. */
export function hasMessage(key: string): boolean {
  return (lookup(CATALOGS[state.locale], key) ?? lookup(en, key)) !== undefined;
}

function lookup(catalog: unknown, key: string): Message | undefined {
  let node: unknown = catalog;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' || (typeof node === 'object' && node !== null && 'other' in node) ? (node as Message) : undefined;
}
