import { describe, expect, it } from 'vitest';
import { contains, formatCidr, formatIpv4, maskOf, overlaps, parseCidr, parseIpv4, type Cidr } from './cidr.js';

function cidr(text: string): Cidr {
  const result = parseCidr(text);
  if (!result.ok) throw new Error(`test CIDR ${text} is invalid: ${result.reason}`);
  return result.cidr;
}

describe('parseIpv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.0.9.1', 0x0a000901],
    ['192.168.1.200', 0xc0a801c8],
    ['255.255.255.255', 0xffffffff],
  ])('reads %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(formatIpv4(value)).toBe(text);
  });

  it.each(['', '10.0.9', '10.0.9.1.2', '256.0.0.1', '10.0.09.1', '10.0.9.-1', ' 10.0.9.1', '10.0.9.1 ', 'a.b.c.d', '::1', '1e1.0.0.1'])(
    'refuses %j',
    (text) => {
      expect(parseIpv4(text)).toBeNull();
    },
  );
});

describe('parseCidr', () => {
  it.each([
    ['10.0.9.0/24', 0x0a000900, 24],
    ['10.0.0.0/8', 0x0a000000, 8],
    ['0.0.0.0/0', 0, 0],
    ['192.168.1.7/32', 0xc0a80107, 32],
    ['172.16.0.0/12', 0xac100000, 12],
  ])('reads %s', (text, network, prefix) => {
    expect(parseCidr(text)).toEqual({ ok: true, cidr: { network, prefix } });
    expect(formatCidr({ network, prefix })).toBe(text);
  });

  it.each(['10.0.9.0', '10.0.9.0/', '10.0.9.0/33', '10.0.9.0/024', '10.0.9.0/-1', '10.0.9/24', '/24', '10.0.9.0/24/1', 'fd00::/64'])(
    'calls %j a syntax error',
    (text) => {
      expect(parseCidr(text)).toEqual({ ok: false, reason: 'syntax' });
    },
  );

  it.each(['10.0.9.5/24', '11.0.0.0/7', '192.168.1.1/31', '0.0.0.1/0'])('calls %j a host address, not a network', (text) => {
    expect(parseCidr(text)).toEqual({ ok: false, reason: 'host-bits' });
  });

  it("reads an interface's address/prefix as its network when host bits are allowed", () => {
    expect(parseCidr('192.168.1.7/24', { allowHostBits: true })).toEqual({ ok: true, cidr: { network: 0xc0a80100, prefix: 24 } });
    expect(parseCidr('10.0.9.0/24', { allowHostBits: true })).toEqual({ ok: true, cidr: { network: 0x0a000900, prefix: 24 } });
    expect(parseCidr('10.0.9.300/24', { allowHostBits: true })).toEqual({ ok: false, reason: 'syntax' });
  });
});

describe('maskOf', () => {
  it.each([
    [0, 0],
    [1, 0x80000000],
    [24, 0xffffff00],
    [32, 0xffffffff],
  ])('/%i is %i', (prefix, mask) => {
    expect(maskOf(prefix)).toBe(mask);
  });
});

describe('contains', () => {
  it('tells the edges of a subnet', () => {
    const net = cidr('10.0.9.0/24');
    expect(contains(net, parseIpv4('10.0.9.0') ?? -1)).toBe(true);
    expect(contains(net, parseIpv4('10.0.9.255') ?? -1)).toBe(true);
    expect(contains(net, parseIpv4('10.0.8.255') ?? -1)).toBe(false);
    expect(contains(net, parseIpv4('10.0.10.0') ?? -1)).toBe(false);
  });

  it('works above 128.0.0.0, where 32-bit integers turn negative', () => {
    expect(contains(cidr('192.168.0.0/16'), parseIpv4('192.168.40.2') ?? -1)).toBe(true);
    expect(contains(cidr('255.255.255.0/24'), parseIpv4('255.255.255.255') ?? -1)).toBe(true);
    expect(contains(cidr('0.0.0.0/0'), parseIpv4('200.1.1.1') ?? -1)).toBe(true);
    expect(contains(cidr('128.0.0.0/1'), parseIpv4('127.255.255.255') ?? -1)).toBe(false);
  });
});

describe('overlaps', () => {
  it.each([
    ['10.0.9.0/24', '10.0.9.0/24', true],
    ['10.0.0.0/8', '10.0.9.0/24', true],
    ['10.0.9.0/24', '10.0.0.0/8', true],
    ['10.0.9.0/24', '10.0.10.0/24', false],
    ['10.0.8.0/23', '10.0.9.0/24', true],
    ['10.0.8.0/23', '10.0.10.0/24', false],
    ['172.16.0.0/12', '172.18.0.0/16', true],
    ['172.32.0.0/16', '172.16.0.0/12', false],
    ['0.0.0.0/0', '192.168.1.0/24', true],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(overlaps(cidr(a), cidr(b))).toBe(expected);
  });
});
