import type { enTools } from './en-tools.js';
import type { CatalogShape } from './types.js';

export const esTools: CatalogShape<typeof enTools> = {
  tools: {},
};
