import type { enStacks } from './en-stacks.js';
import type { CatalogShape } from './types.js';

export const esStacks: CatalogShape<typeof enStacks> = {
  stacks: {},
};
