import { describe, expect, it } from 'vitest';
import { backupStamp, daemonArgs, mergeInsecureRegistry, validEndpoint } from './daemon-json.js';

const EP = '10.0.0.5:5000';

describe('mergeInsecureRegistry', () => {
  it('takes a missing or empty file as no settings', () => {
    expect(mergeInsecureRegistry(null, EP)).toEqual({
      ok: true,
      changed: true,
      text: '{\n  "insecure-registries": [\n    "10.0.0.5:5000"\n  ]\n}\n',
    });
    expect(mergeInsecureRegistry('  \n', EP)).toMatchObject({ ok: true, changed: true });
    expect(mergeInsecureRegistry('\uFEFF{}', EP)).toMatchObject({ ok: true, changed: true });
  });

  it('keeps every other key, its value and its place', () => {
    const before = '{\n  "log-level": "info",\n  "labels": ["x=y"],\n  "default-address-pools": [{"base": "10.9.0.0/16", "size": 24}]\n}\n';
    const merged = mergeInsecureRegistry(before, EP);
    if (!merged.ok) throw new Error(merged.reason);
    const after = JSON.parse(merged.text) as Record<string, unknown>;
    expect(Object.keys(after)).toEqual(['log-level', 'labels', 'default-address-pools', 'insecure-registries']);
    expect(after).toEqual({ ...(JSON.parse(before) as object), 'insecure-registries': [EP] });
  });

  it('adds to an existing list in its place, without duplicates', () => {
    const before = '{"insecure-registries": ["old:5000"], "debug": true}';
    const merged = mergeInsecureRegistry(before, EP);
    if (!merged.ok) throw new Error(merged.reason);
    expect(Object.keys(JSON.parse(merged.text) as object)).toEqual(['insecure-registries', 'debug']);
    expect(JSON.parse(merged.text)).toEqual({ 'insecure-registries': ['old:5000', EP], debug: true });
    expect(mergeInsecureRegistry(merged.text, EP)).toEqual({ ok: true, changed: false, text: merged.text });
    // Docker takes the entry with a scheme or a trailing slash as the same registry.
    expect(mergeInsecureRegistry('{"insecure-registries": ["http://10.0.0.5:5000/"]}', EP)).toMatchObject({ changed: false });
  });

  it("keeps the file's indentation", () => {
    const merged = mergeInsecureRegistry('{\n\t"debug": true\n}\n', EP);
    expect(merged).toMatchObject({ ok: true, text: '{\n\t"debug": true,\n\t"insecure-registries": [\n\t\t"10.0.0.5:5000"\n\t]\n}\n' });
  });

  it('refuses what dockerd would refuse, saying why', () => {
    expect(mergeInsecureRegistry('{"debug": true,}', EP)).toMatchObject({ ok: false, reason: expect.stringContaining('not valid JSON') });
    expect(mergeInsecureRegistry('["a"]', EP)).toEqual({ ok: false, reason: 'it is not a JSON object' });
    expect(mergeInsecureRegistry('{"insecure-registries": "a:5000"}', EP)).toMatchObject({ ok: false });
    expect(mergeInsecureRegistry('{"insecure-registries": [5000]}', EP)).toMatchObject({ ok: false });
  });
});

describe('daemonArgs', () => {
  it('reads the config file and a conflicting flag from dockerd’s command line', () => {
    expect(daemonArgs('/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n')).toEqual({
      configFile: '/etc/docker/daemon.json',
      flagConflict: false,
    });
    expect(daemonArgs('/snap/bin/dockerd --config-file /var/snap/docker/current/config/daemon.json')).toMatchObject({
      configFile: '/var/snap/docker/current/config/daemon.json',
    });
    expect(daemonArgs('dockerd --config-file=/x.json --insecure-registry=a:5000')).toEqual({ configFile: '/x.json', flagConflict: true });
    expect(daemonArgs('')).toEqual({ configFile: '/etc/docker/daemon.json', flagConflict: false });
  });
});

describe('validEndpoint', () => {
  it('takes host:port as dockerd lists it, nothing with a scheme, path or shell syntax', () => {
    for (const ok of ['10.0.0.5:5000', 'registry.internal:443', 'reg', '[fd00::5]:5000']) expect(validEndpoint(ok)).toBe(true);
    for (const bad of ['http://10.0.0.5:5000', 'a:5000/x', 'a b', '$(x):1', '', ':5000', 'a:']) expect(validEndpoint(bad)).toBe(false);
  });
});

describe('backupStamp', () => {
  it('is a compact UTC time', () => {
    expect(backupStamp(new Date('2026-11-28T09:53:35.123Z'))).toBe('20261128T095335Z');
  });
});
