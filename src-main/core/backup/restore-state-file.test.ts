import { describe, expect, it } from 'vitest';
import { retargetDockerState } from './restore-state-file.js';

describe('retargetDockerState', () => {
  it("points the backup node's addresses at the new host and listens everywhere", () => {
    const backup = JSON.stringify({
      LocalAddr: '',
      RemoteAddr: '172.28.16.11:2377',
      ListenAddr: '172.28.16.12:2377',
      AdvertiseAddr: '172.28.16.12:2377',
      DataPathAddr: '172.28.16.12',
      DefaultAddressPool: null,
      SubnetSize: 0,
      DataPathPort: 0,
      JoinInProgress: false,
    });
    const { text, changed } = retargetDockerState(backup, '172.28.16.51');
    expect(JSON.parse(text)).toEqual({
      LocalAddr: '172.28.16.51',
      RemoteAddr: '172.28.16.11:2377',
      ListenAddr: '0.0.0.0:2377',
      AdvertiseAddr: '172.28.16.51:2377',
      DataPathAddr: '',
      DefaultAddressPool: null,
      SubnetSize: 0,
      DataPathPort: 0,
      JoinInProgress: false,
    });
    expect(changed).toHaveLength(4);
  });

  it('keeps a custom port and leaves out fields the file does not have', () => {
    const { text, changed } = retargetDockerState(
      JSON.stringify({ ListenAddr: '0.0.0.0:4000', AdvertiseAddr: '10.0.0.5:4000' }),
      '10.0.0.9',
    );
    expect(JSON.parse(text)).toEqual({ ListenAddr: '0.0.0.0:4000', AdvertiseAddr: '10.0.0.9:4000' });
    expect(changed).toEqual(['AdvertiseAddr 10.0.0.5:4000 → 10.0.0.9:4000']);
  });
});
