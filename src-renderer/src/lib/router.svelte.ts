/** The screens the sidebar leads to; the hash (`#/clusters`) is the whole route. */
export type Route = 'clusters' | 'new' | 'connect' | 'hosts' | 'settings';
const ROUTES: readonly Route[] = ['clusters', 'new', 'connect', 'hosts', 'settings'];

function parse(hash: string): Route {
  const name = hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'clusters';
}

export const router = $state<{ route: Route }>({ route: parse(location.hash) });

window.addEventListener('hashchange', () => {
  router.route = parse(location.hash);
});

export function href(route: Route): string {
  return `#/${route}`;
}

export function navigate(route: Route): void {
  location.hash = href(route);
  router.route = route;
}
