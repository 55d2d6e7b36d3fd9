import { isIP, isIPv4 } from 'node:net';
import type { RegistryConfig } from '../../contract.js';
import { CoreError } from '../errors.js';

export const REGISTRY_SERVICE = 'swarmdeck-registry';
export const REGISTRY_LABEL = 'swarmdeck.registry';
export const REGISTRY_VOLUME = 'swarmdeck-registry-data';
/** Where the volume is mounted in the container; set by environment so that any registry image stores there. */
export const STORAGE_ROOT = '/var/lib/registry';
/** The port the registry listens on inside its container; `config.port` is the published one. */
export const CONTAINER_PORT = 5000;
export const CHECK_REPOSITORY = 'swarmdeck-check';

/** `<address>:<port>`, an IPv6 literal in brackets: what image names and certs.d folders start with. */
export function endpointOf(config: Pick<RegistryConfig, 'address' | 'port'>): string {
  const address = config.address.replace(/^\[|\]$/g, '');
  return `${isIP(address) === 6 ? `[${address}]` : address}:${config.port}`;
}

/** RFC 1918, RFC 4193 (fc00::/7) and link-local addresses: ones that cannot be routed from the internet. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(bare)) {
    const [a, b] = bare.split('.').map(Number) as [number, number];
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (isIP(bare) === 6) {
    const first = parseInt(bare.split(':')[0] || '0', 16);
    // fc00::/7 (unique local) and fe80::/10 (link-local).
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
  }
  return false;
}

function refused(reason: string): CoreError {
  return new CoreError('REGISTRY_REFUSED', `The registry cannot be deployed like this: ${reason}`, { params: { reason } });
}

/** What a config may not say, whatever the swarm looks like. Throws REGISTRY_REFUSED. */
export function checkConfigRules(config: RegistryConfig): void {
  if (config.mode === 'insecure') {
    if (!config.acknowledgeInsecure) {
      throw refused('without TLS, anyone on the network path can read and alter images; acknowledge this risk to go on.');
    }
    // A name could resolve anywhere later; only a private IP literal keeps plain HTTP inside the private network.
    if (!isPrivateAddress(config.address)) {
      throw refused(
        `without TLS the address must be a private IP address (10/8, 172.16/12, 192.168/16, fc00::/7 or link-local); ${config.address} is not.`,
      );
    }
    if (config.username) {
      throw refused('Docker does not send a password to a registry over plain HTTP; use TLS mode for a registry with a login.');
    }
  }
}

export interface SecretNames {
  cert: string;
  key: string;
  htpasswd: string | null;
}

/** The swarm service: one replica pinned to the chosen node, its data on a named volume there. */
export function registryServiceSpec(config: RegistryConfig, secrets: SecretNames | null, secretIds: Record<string, string>): object {
  const env = [
    `REGISTRY_HTTP_ADDR=:${CONTAINER_PORT}`,
    `REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=${STORAGE_ROOT}`,
    'REGISTRY_STORAGE_DELETE_ENABLED=true',
  ];
  const refs: object[] = [];
  const secretRef = (name: string, file: string, mode: number): object => ({
    SecretID: secretIds[name],
    SecretName: name,
    File: { Name: file, UID: '0', GID: '0', Mode: mode },
  });
  if (config.mode === 'tls' && secrets) {
    env.push('REGISTRY_HTTP_TLS_CERTIFICATE=/run/secrets/registry.crt', 'REGISTRY_HTTP_TLS_KEY=/run/secrets/registry.key');
    refs.push(secretRef(secrets.cert, 'registry.crt', 0o444), secretRef(secrets.key, 'registry.key', 0o400));
    if (secrets.htpasswd) {
      env.push(
        'REGISTRY_AUTH=htpasswd',
        'REGISTRY_AUTH_HTPASSWD_REALM=Swarmdeck registry',
        'REGISTRY_AUTH_HTPASSWD_PATH=/run/secrets/htpasswd',
      );
      refs.push(secretRef(secrets.htpasswd, 'htpasswd', 0o444));
    }
  }
  return {
    Name: REGISTRY_SERVICE,
    Labels: { [REGISTRY_LABEL]: '1' },
    TaskTemplate: {
      ContainerSpec: {
        Image: config.image,
        Env: env,
        Mounts: [{ Type: 'volume', Source: REGISTRY_VOLUME, Target: STORAGE_ROOT, VolumeOptions: { Labels: { [REGISTRY_LABEL]: '1' } } }],
        Secrets: refs,
      },
      Placement: { Constraints: [`node.id==${config.nodeId}`] },
      RestartPolicy: { Condition: 'any', Delay: 5_000_000_000 },
      ...(config.network ? { Networks: [{ Target: config.network }] } : {}),
    },
    Mode: { Replicated: { Replicas: 1 } },
    // One replica holding a volume: stop the old task before starting the new one, never two writers.
    UpdateConfig: { Parallelism: 1, Order: 'stop-first', FailureAction: 'pause' },
    EndpointSpec: {
      Ports: [{ Protocol: 'tcp', TargetPort: CONTAINER_PORT, PublishedPort: config.port, PublishMode: config.publish }],
    },
  };
}

/**
 * The command that frees the space of deleted manifests' layers. Debian's package names the
 * binary docker-registry; the upstream image calls it registry.
 */
export function garbageCollectCommand(imageCommand: readonly string[]): string {
  const binary = imageCommand.some((part) => part.includes('docker-registry')) ? 'docker-registry' : 'registry';
  const container = `$(docker ps -q -f label=com.docker.swarm.service.name=${REGISTRY_SERVICE})`;
  return `docker exec ${container} ${binary} garbage-collect --delete-untagged /etc/docker/registry/config.yml`;
}
