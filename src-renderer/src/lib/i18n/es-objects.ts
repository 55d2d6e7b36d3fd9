import type { enObjects } from './en-objects.js';
import type { CatalogShape } from './types.js';

export const esObjects: CatalogShape<typeof enObjects> = {
  objects: {},
};
