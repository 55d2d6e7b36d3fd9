import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// `npm run dist` cannot run here (electron-builder downloads Electron), so the
// configuration is checked instead: against electron-builder's own schema, and
// against what the build really produces.
const require = createRequire(import.meta.url);
const config = JSON.parse(readFileSync('electron-builder.json', 'utf8'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the validation refuses a misspelt option (so the check above can fail)', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    await expect(validateConfiguration({ ...config, asarUnpak: ['**/*.node'] }, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration/,
    );
  });

  it('names the app, uses build/ for resources and targets AppImage + deb, dmg and nsis', () => {
    expect(config.appId).toBe('io.swarmdeck.app');
    expect(config.directories.buildResources).toBe('build');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(existsSync('build/icon.png')).toBe(true);
  });

  it('unpacks native modules (keytar) and runtime resources from the asar', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'resources/**']));
  });

  it('packs the built app: main, preload and renderer, and the entry package.json names', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json', 'resources/**']));
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.json');
  });

  it('ships every runtime dependency the main process loads, and no Electron in dependencies', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(expect.arrayContaining(['ws', 'zod']));
    expect(pkg.dependencies.electron).toBeUndefined();
    expect(pkg.devDependencies.electron).toBeDefined();
  });
});
