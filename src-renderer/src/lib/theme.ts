import type { Theme } from '../../../src-main/contract.js';

/** "system" leaves the choice to `prefers-color-scheme` in CSS; light and dark override it. */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}
