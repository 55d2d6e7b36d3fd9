import type { AppInfo, ClusterLinkStatus, ClusterProfile, HostRecord, KeychainStatus, Settings } from '../../../src-main/contract.js';
import { api, onConnectionChange, onEvent, type ConnectionState } from './api.js';
import { applyLocaleSetting } from './i18n/index.svelte.js';
import { hostLinks } from './host-status.svelte.js';
import { applyTheme } from './theme.js';

/** The live state of each cluster's link (which manager answers), as the core pushes it. */
export const clusterLinks = $state<Record<string, ClusterLinkStatus>>({});

/** What the whole renderer shows: read once at start, then kept current by the core's events. */
export const appState = $state<{
  info: AppInfo | null;
  settings: Settings | null;
  clusters: ClusterProfile[];
  hosts: HostRecord[];
  keychain: KeychainStatus | null;
  connection: ConnectionState;
  loaded: boolean;
}>({ info: null, settings: null, clusters: [], hosts: [], keychain: null, connection: 'connecting', loaded: false });

function applySettings(settings: Settings): void {
  appState.settings = settings;
  applyTheme(settings.theme);
  applyLocaleSetting(settings.locale, appState.info?.systemLocale ?? null);
}

async function load(): Promise<void> {
  const [info, settings, clusters, hosts] = await Promise.all([api.app.info(), api.settings.get(), api.clusters.list(), api.hosts.list()]);
  appState.info = info;
  applySettings(settings);
  appState.clusters = clusters;
  appState.hosts = hosts;
  appState.loaded = true;
  // The keychain probe may take a few seconds; nothing waits for it.
  void api.keychain.status().then((status) => {
    appState.keychain = status;
  });
}

/** Reads everything, subscribes to changes, and re-reads after every reconnect (events may have been missed). */
export function startAppState(): () => void {
  const stops = [
    onEvent('clusters:changed', ({ clusters }) => {
      appState.clusters = clusters;
    }),
    onEvent('settings:changed', ({ settings }) => applySettings(settings)),
    onEvent('hosts:changed', ({ hosts }) => {
      appState.hosts = hosts;
    }),
    onEvent('clusters:link', (status) => {
      clusterLinks[status.id] = status;
    }),
    onEvent('hosts:link', (status) => {
      hostLinks[status.id] = status;
    }),
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
