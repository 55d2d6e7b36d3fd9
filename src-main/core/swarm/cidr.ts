// IPv4 addresses as unsigned 32-bit numbers, so that subnet arithmetic is a mask and a compare.
// Only IPv4: Docker's overlay subnets and address pools are IPv4 in everything the wizard sets up.

export interface Cidr {
  /** The network address, as an unsigned 32-bit number. */
  network: number;
  prefix: number;
}

/**
 * `syntax`: not `a.b.c.d/n`. `host-bits`: a valid address and prefix, but not the network's
 * own address (`10.0.9.5/24`); Docker refuses that as a subnet, and guessing `10.0.9.0/24`
 * for the operator would hide a typo.
 */
export type CidrResult = { ok: true; cidr: Cidr } | { ok: false; reason: 'syntax' | 'host-bits' };

// Leading zeros are refused: some tools read `010` as octal, others as decimal.
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const PREFIX = /^(?:3[0-2]|[12]?\d)$/;

/** The address as an unsigned 32-bit number, or null when it is not a dotted quad. */
export function parseIpv4(text: string): number | null {
  if (!IPV4.test(text)) return null;
  return text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join('.');
}

/** The netmask of a prefix length, as an unsigned 32-bit number. */
export function maskOf(prefix: number): number {
  // `<< 32` is a no-op in JavaScript, hence the special case.
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * `allowHostBits` reads an interface's `address/prefix` (`192.168.1.7/24`) as the network it
 * is on; without it such text is refused, as a subnet for Docker must be.
 */
export function parseCidr(text: string, options: { allowHostBits?: boolean } = {}): CidrResult {
  const slash = text.indexOf('/');
  if (slash < 0) return { ok: false, reason: 'syntax' };
  const address = parseIpv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === null || !PREFIX.test(prefixText)) return { ok: false, reason: 'syntax' };
  const prefix = Number(prefixText);
  const network = (address & maskOf(prefix)) >>> 0;
  if (network !== address && !options.allowHostBits) return { ok: false, reason: 'host-bits' };
  return { ok: true, cidr: { network, prefix } };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

/** Whether the address lies inside the subnet. */
export function contains(cidr: Cidr, address: number): boolean {
  const mask = maskOf(cidr.prefix);
  return (address & mask) >>> 0 === (cidr.network & mask) >>> 0;
}

/** Two CIDR blocks overlap exactly when the larger one contains the smaller one's network. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a.prefix <= b.prefix ? a : b, a.prefix <= b.prefix ? b.network : a.network);
}
