import { describe, expect, it } from 'vitest';
import type { RegistryConfig } from '../../contract.js';
import { CoreError } from '../errors.js';
import { checkConfigRules, endpointOf, garbageCollectCommand, isPrivateAddress, registryServiceSpec } from './registry-rules.js';

const base: RegistryConfig = {
  nodeId: 'abc123',
  port: 5000,
  publish: 'host',
  image: 'registry:2',
  mode: 'tls',
  address: '10.0.0.5',
  username: null,
  acknowledgeInsecure: false,
  network: null,
};

function reason(config: RegistryConfig): string | null {
  try {
    checkConfigRules(config);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('REGISTRY_REFUSED');
    return (err as CoreError).params?.reason ?? '';
  }
}

describe('registry rules', () => {
  it('writes the endpoint as Docker expects, IPv6 in brackets', () => {
    expect(endpointOf({ address: '10.0.0.5', port: 5000 })).toBe('10.0.0.5:5000');
    expect(endpointOf({ address: 'registry.lan', port: 443 })).toBe('registry.lan:443');
    expect(endpointOf({ address: 'fd00::5', port: 5000 })).toBe('[fd00::5]:5000');
  });

  it('knows private, unique-local and link-local addresses', () => {
    for (const a of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.3.3',
      'fd12::1',
      'fc00::1',
      'fe80::1',
      '[fd00::2]',
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['172.32.0.1', '8.8.8.8', '11.0.0.1', '2001:db8::1', '::1', '127.0.0.1', 'registry.lan', '192.169.0.1']) {
      expect(isPrivateAddress(a), a).toBe(false);
    }
  });

  it('lets TLS through, with or without a login', () => {
    expect(reason(base)).toBeNull();
    expect(reason({ ...base, username: 'deploy', address: 'registry.example.com' })).toBeNull();
  });

  it('refuses plain HTTP without the acknowledgement, on a public or named address, or with a login', () => {
    const insecure = { ...base, mode: 'insecure' as const, acknowledgeInsecure: true };
    expect(reason(insecure)).toBeNull();
    expect(reason({ ...insecure, acknowledgeInsecure: false })).toMatch(/acknowledge/);
    expect(reason({ ...insecure, address: '8.8.8.8' })).toMatch(/private IP address/);
    expect(reason({ ...insecure, address: 'registry.lan' })).toMatch(/private IP address/);
    expect(reason({ ...insecure, username: 'deploy' })).toMatch(/plain HTTP/);
  });

  it('pins one replica to the node, with its volume, secrets by file and the published port', () => {
    const spec = registryServiceSpec(
      { ...base, network: 'backend', publish: 'ingress', port: 5443 },
      { cert: 'c1', key: 'k1', htpasswd: 'h1' },
      { c1: 'idc', k1: 'idk', h1: 'idh' },
    ) as {
      TaskTemplate: {
        ContainerSpec: { Env: string[]; Secrets: { SecretID: string; File: { Name: string; Mode: number } }[] };
        Placement: unknown;
        Networks: unknown;
      };
      Mode: unknown;
      EndpointSpec: unknown;
    };
    expect(spec.TaskTemplate.Placement).toEqual({ Constraints: ['node.id==abc123'] });
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(spec.TaskTemplate.Networks).toEqual([{ Target: 'backend' }]);
    expect(spec.EndpointSpec).toEqual({ Ports: [{ Protocol: 'tcp', TargetPort: 5000, PublishedPort: 5443, PublishMode: 'ingress' }] });
    expect(spec.TaskTemplate.ContainerSpec.Env).toEqual(
      expect.arrayContaining([
        'REGISTRY_HTTP_TLS_CERTIFICATE=/run/secrets/registry.crt',
        'REGISTRY_HTTP_TLS_KEY=/run/secrets/registry.key',
        'REGISTRY_AUTH=htpasswd',
        'REGISTRY_AUTH_HTPASSWD_PATH=/run/secrets/htpasswd',
        'REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=/var/lib/registry',
      ]),
    );
    expect(spec.TaskTemplate.ContainerSpec.Secrets.map((s) => [s.SecretID, s.File.Name, s.File.Mode])).toEqual([
      ['idc', 'registry.crt', 0o444],
      ['idk', 'registry.key', 0o400],
      ['idh', 'htpasswd', 0o444],
    ]);
  });

  it('has no TLS or login settings in insecure mode', () => {
    const spec = registryServiceSpec({ ...base, mode: 'insecure', acknowledgeInsecure: true }, null, {}) as {
      TaskTemplate: { ContainerSpec: { Env: string[]; Secrets: unknown[] }; Networks?: unknown };
    };
    expect(spec.TaskTemplate.ContainerSpec.Env.some((e) => /TLS|AUTH/.test(e))).toBe(false);
    expect(spec.TaskTemplate.ContainerSpec.Secrets).toEqual([]);
    expect(spec.TaskTemplate.Networks).toBeUndefined();
  });

  it('names the garbage collector of the image in use', () => {
    expect(garbageCollectCommand(['/usr/bin/docker-registry', 'serve', '/etc/docker/registry/config.yml'])).toContain(
      ' docker-registry garbage-collect --delete-untagged /etc/docker/registry/config.yml',
    );
    expect(garbageCollectCommand(['/entrypoint.sh', '/etc/docker/registry/config.yml'])).toContain(' registry garbage-collect ');
  });
});
