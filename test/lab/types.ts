// Shapes shared by the lab's modules and handed to tests.

export type Role = 'manager' | 'worker' | 'bastion';

export interface LabHost {
  /** Hostname inside the host, e.g. manager1; also its name in the lab's ssh_config. */
  name: string;
  role: Role;
  /** The address a client uses: on the lab network, or the private one behind the bastion. */
  address: string;
  port: number;
  user: string;
  /** Private key for `user`; still set on the password host (where it is refused). */
  keyPath: string;
  auth: 'key' | 'password';
  /** Only on the password host. */
  password?: string;
  /** As `ssh-keygen -lf` prints it: SHA256:... (ED25519, the host's only key). */
  fingerprint: string;
  /** The public host key line (`ssh-ed25519 AAAA...`), for a known_hosts file. */
  hostKey: string;
  /** Name of the host to jump through (ProxyJump), when only reachable behind the bastion. */
  via?: string;
  /** Every address of the host, per lab network. */
  addresses: { main?: string; private?: string };
  /** The outer container (for the lab's own use: faults, docker exec). */
  container: string;
}

export interface UpOptions {
  managers?: number;
  workers?: number;
  /** One extra host, `bastion`, the only one the workstation can reach. */
  bastion?: boolean;
  /** Host whose `ops` logs in with a password only; default the last worker, false for none. */
  passwordHost?: string | false;
  /** Lab id (state under /run/swarmdeck-lab/labs/<id>); default unique per process. */
  id?: string;
  /** Keep running after this process exits (the CLI); otherwise a watchdog downs it. */
  persistent?: boolean;
}

export interface LabState {
  id: string;
  slot: number;
  ownerPid: number;
  /** Watchdog that downs the lab if the owner dies (not for persistent labs). */
  reaperPid?: number;
  persistent: boolean;
  createdAt: string;
  dir: string;
  image: string;
  bastion: boolean;
  keyPath: string;
  sshConfig: string;
  knownHosts: string;
  askpass: string;
  hosts: LabHost[];
  faults: {
    disconnected: string[];
    partitions: [string[], string[]][];
  };
}
