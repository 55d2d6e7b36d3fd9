import { describe, expect, it } from 'vitest';
import { hostRefSchema } from './schemas.js';

describe('host references', () => {
  it.each(['10.0.0.11', 'ops@10.0.0.11', 'ops@10.0.0.11:2222', 'manager-1', 'node1.example.com', 'deploy@[2001:db8::1]:22', 'lab_bastion'])(
    'accepts %s',
    (ref) => expect(hostRefSchema.safeParse(ref).success).toBe(true),
  );

  it.each([
    ['', 'HOST_EMPTY'],
    ['ops@', 'HOST_INVALID'],
    ['host name', 'HOST_INVALID'],
    ['host;rm -rf /', 'HOST_INVALID'],
    ['-oProxyCommand=evil', 'HOST_INVALID'],
    ['ops@host:0', 'PORT_OUT_OF_RANGE'],
    ['ops@host:70000', 'PORT_OUT_OF_RANGE'],
    ['a'.repeat(300), 'HOST_TOO_LONG'],
  ])('refuses %j with %s', (ref, code) => {
    const result = hostRefSchema.safeParse(ref);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toContain(code);
  });
});
