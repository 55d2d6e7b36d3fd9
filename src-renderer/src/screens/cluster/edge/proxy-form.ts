/** `80:8080, 443` → published/target pairs (a lone number is both); null when any part is not a port or a published port repeats. */
export function parsePorts(text: string): { published: number; target: number }[] | null {
  const parts = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0 || parts.length > 16) return null;
  const ports: { published: number; target: number }[] = [];
  for (const part of parts) {
    const match = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(part);
    if (!match) return null;
    const published = Number(match[1]);
    const target = Number(match[2] ?? match[1]);
    if (!valid(published) || !valid(target)) return null;
    ports.push({ published, target });
  }
  return new Set(ports.map((p) => p.published)).size === ports.length ? ports : null;
}

const valid = (port: number): boolean => Number.isInteger(port) && port >= 1 && port <= 65535;
