/** Hosts the app may open in the operator's browser: documentation only. */
export const EXTERNAL_ALLOWLIST = ['docs.docker.com', 'github.com'] as const;

export function isAllowedExternalUrl(raw: string, allowlist: readonly string[] = EXTERNAL_ALLOWLIST): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.username === '' && url.password === '' && allowlist.includes(url.hostname);
}
