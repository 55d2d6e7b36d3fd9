/** The screens the sidebar leads to, and one cluster's screen; the hash (`#/clusters`, `#/cluster/<id>`) is the whole route. */
export type Route = 'clusters' | 'new' | 'connect' | 'hosts' | 'settings' | 'cluster';
const ROUTES: readonly Route[] = ['clusters', 'new', 'connect', 'hosts', 'settings'];

interface Location {
  route: Route;
  /** The cluster shown by the `cluster` route; null elsewhere. */
  clusterId: string | null;
}

function parse(hash: string): Location {
  const path = hash.replace(/^#\/?/, '');
  const cluster = /^cluster\/([^/]+)$/.exec(path);
  if (cluster) {
    try {
      return { route: 'cluster', clusterId: decodeURIComponent(cluster[1] as string) };
    } catch {
      return { route: 'clusters', clusterId: null };
    }
  }
  return { route: (ROUTES as readonly string[]).includes(path) ? (path as Route) : 'clusters', clusterId: null };
}

export const router = $state<Location>(parse(location.hash));

window.addEventListener('hashchange', () => {
  Object.assign(router, parse(location.hash));
});

export function href(route: Route, clusterId?: string): string {
  return route === 'cluster' && clusterId !== undefined ? `#/cluster/${encodeURIComponent(clusterId)}` : `#/${route}`;
}

export function navigate(route: Route, clusterId?: string): void {
  location.hash = href(route, clusterId);
  Object.assign(router, { route, clusterId: route === 'cluster' ? (clusterId ?? null) : null });
}
