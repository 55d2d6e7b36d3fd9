import type { AuthMethod } from '../../../src-main/contract.js';
import type { PlainKey } from './i18n/index.svelte.js';

/** The login methods in their default order, and the words for each. */
export const AUTH_METHODS: readonly AuthMethod[] = ['agent', 'key', 'password'];

export const AUTH_METHOD_LABEL: Record<AuthMethod, PlainKey> = {
  agent: 'hosts.methodAgent',
  key: 'hosts.methodKey',
  password: 'hosts.methodPassword',
};
