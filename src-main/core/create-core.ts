import type { AppInfo, Result } from '../contract.js';
import { createDispatcher, type Dispatch, type Routes } from './api/dispatcher.js';
import { createClusterSchema, noInputSchema, removeClusterSchema, renameClusterSchema, settingsPatchSchema } from './api/schemas.js';
import { EventBus } from './events.js';
import type { Logger } from './logger.js';
import { ClusterProfiles } from './store/cluster-profiles.js';
import { DataFile } from './store/data-file.js';
import { SettingsStore } from './store/settings.js';

export interface CoreOptions {
  dataDir: string;
  version: string;
  mode: AppInfo['mode'];
  systemLocale: string | null;
  logger: Logger;
}

export interface Core {
  dispatch: Dispatch;
  events: EventBus;
}

/** Builds the core once per process; the Electron and web adapters both sit on what this returns. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const events = new EventBus();
  const file = new DataFile(options.dataDir);
  await file.load();
  for (const notice of file.notices) options.logger.warn(`data file: ${notice.code}`, notice.params);

  const clusters = new ClusterProfiles(file, events);
  const settings = new SettingsStore(file, events);

  const routes: Routes = {
    'app.info': {
      schema: noInputSchema,
      handle: () => ({
        name: 'Swarmdeck',
        version: options.version,
        platform: process.platform,
        dataDir: options.dataDir,
        mode: options.mode,
        systemLocale: options.systemLocale,
        notices: file.notices,
      }),
    },
    'clusters.list': { schema: noInputSchema, handle: () => clusters.list() },
    'clusters.create': { schema: createClusterSchema, handle: (input) => clusters.create(input) },
    'clusters.rename': { schema: renameClusterSchema, handle: (input) => clusters.rename(input) },
    'clusters.remove': { schema: removeClusterSchema, handle: (input) => clusters.remove(input) },
    'settings.get': { schema: noInputSchema, handle: () => settings.get() },
    'settings.update': { schema: settingsPatchSchema, handle: (patch) => settings.update(patch) },
  };

  const dispatch = createDispatcher(routes, {
    onInternalError: (method, err) => options.logger.error(`${method} failed`, { error: describe(err) }),
  });
  return { dispatch, events };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown';
}

export type { Result };
