import type { AppInfo, ClusterProfile, Settings } from '../../../src-main/contract.js';
import { api, onConnectionChange, onEvent, type ConnectionState } from './api.js';
import { applyLocaleSetting } from './i18n/index.svelte.js';
import { applyTheme } from './theme.js';

/** What the whole renderer shows: read once at start, then kept current by the core's events. */
export const appState = $state<{
  info: AppInfo | null;
  settings: Settings | null;
  clusters: ClusterProfile[];
  connection: ConnectionState;
  loaded: boolean;
}>({ info: null, settings: null, clusters: [], connection: 'connecting', loaded: false });

function applySettings(settings: Settings): void {
  appState.settings = settings;
  applyTheme(settings.theme);
  applyLocaleSetting(settings.locale, appState.info?.systemLocale ?? null);
}

async function load(): Promise<void> {
  const [info, settings, clusters] = await Promise.all([api.app.info(), api.settings.get(), api.clusters.list()]);
  appState.info = info;
  applySettings(settings);
  appState.clusters = clusters;
  appState.loaded = true;
}

/** Reads everything, subscribes to changes, and re-reads after every reconnect (events may have been missed). */
export function startAppState(): () => void {
  const stops = [
    onEvent('clusters:changed', ({ clusters }) => {
      appState.clusters = clusters;
    }),
    onEvent('settings:changed', ({ settings }) => applySettings(settings)),
    onConnectionChange((state) => {
      appState.connection = state;
      if (state === 'open') void load().catch(() => undefined);
    }),
  ];
  return () => stops.forEach((stop) => stop());
}

export async function refreshClusters(): Promise<void> {
  appState.clusters = await api.clusters.list();
}
