import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseUnlockKey, unlockNodeKey } from './restore-node-key.js';

// A throwaway lab swarm's manager key and the unlock key it was locked with (the swarm is gone):
// real swarmkit output, so the PBES2 key and the NaCl-sealed raft key are checked against Docker's own.
const LOCKED = `-----BEGIN ENCRYPTED PRIVATE KEY-----
kek-version: 10
raft-dek: CAESMAEsOzQ5RcmYIAu5FrZ+pMaXB2WWJxAlyVit6MhfQ3C+4A5te8zDrBT8hIYe42uXWxoYf/iVbYDqTXLk0UkLhm6FF/CV1dsxvTIp

MIHeMEkGCSqGSIb3DQEFDTA8MBsGCSqGSIb3DQEFDDAOBAhZV0r7W6LC6gICCAAw
HQYJYIZIAWUDBAEqBBCrPZA1C57sPHgB4C2FbMeZBIGQAvrkGxsxAl3d//25qFjU
qX3ZMRstppS98gm9Llyd9p+kJufGskK5DcXiMcIHK2NsrHocth+neSjMK1SCDYPd
HSmfiWDTQdLWED5MT5+8QlLgc244Vt3jggS+nUJ3FsurX5gk3hukgkQFfV4zd4Au
9y7BdXWYpjphqggzs7lW24WN7hfaxmyG3WdbMuh/fnii
-----END ENCRYPTED PRIVATE KEY-----
`;
const UNLOCK_KEY = 'SWMKEY-1-97Bb62oPMh/vMzsoUmrpZciW1462ij8g72C+9/XYNSE';
// The raft key that PEM carries, as tweetnacl opened it during the lab run, re-encoded in clear.
const CLEAR_RAFT_DEK = 'EiBshZVs6IoXqersikCjW5VTq6FqLU2Il5vZJoWP9iGqrw==';

describe('unlockNodeKey', () => {
  it('opens the key and the raft key with the unlock key, as swarmkit writes them without autolock', () => {
    const result = unlockNodeKey(LOCKED, UNLOCK_KEY);
    if (!result.ok) throw new Error(result.reason);
    const lines = result.pem.split('\n');
    expect(lines.slice(0, 4)).toEqual(['-----BEGIN PRIVATE KEY-----', 'kek-version: 0', `raft-dek: ${CLEAR_RAFT_DEK}`, '']);
    // OpenSSL reads no PEM headers: the key itself, without them.
    expect(createPrivateKey([lines[0], ...lines.slice(4)].join('\n')).asymmetricKeyType).toBe('ec');
    expect(unlockNodeKey(result.pem, UNLOCK_KEY)).toEqual({ ok: false, reason: 'not-locked' });
  });

  it('says the key is wrong for another unlock key or none that parses', () => {
    const other = `SWMKEY-1-${Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')}`;
    expect(unlockNodeKey(LOCKED, other)).toEqual({ ok: false, reason: 'wrong-key' });
    expect(unlockNodeKey(LOCKED, 'not a key')).toEqual({ ok: false, reason: 'wrong-key' });
  });

  it('parses only the SWMKEY-1 form of 32 bytes', () => {
    expect(parseUnlockKey(UNLOCK_KEY)?.length).toBe(32);
    expect(parseUnlockKey('SWMKEY-1-abc')).toBeNull();
    expect(unlockNodeKey('nothing', UNLOCK_KEY)).toEqual({ ok: false, reason: 'unsupported' });
  });
});
