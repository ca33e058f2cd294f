import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * What can be checked of the packaging on a machine without the Electron binary: the
 * electron-builder configuration says what a release needs, and `npm start` explains a missing
 * Electron instead of failing obscurely.
 */
interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  icon: string;
  npmRebuild: boolean;
  buildDependenciesFromSource: boolean;
  asarUnpack: string[];
  extraMetadata: { main: string };
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
}

describe('packaging', () => {
  const config = parse(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;

  it('declares the app id, product name, icon and a target per OS (AppImage and deb, dmg, nsis)', () => {
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+){2,}$/);
    expect(config.productName).toBe('KeyDrill');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(existsSync(config.icon)).toBe(true);
    const png = readFileSync(config.icon);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512); // electron-builder needs at least 512×512 for macOS
  });

  it('rebuilds better-sqlite3 for Electron inside the package and keeps it outside the asar', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(true);
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**');
  });

  it('packs the built main process and what it reads at run time', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };
    expect(config.extraMetadata.main).toBe(pkg.main);
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'resources/scenarios/**', 'resources/scenario.schema.json']));
  });

  it('npm start without the Electron binary says what to do, exit 1', () => {
    const installed = (() => {
      try {
        return existsSync(spawnSync(process.execPath, ['-p', 'require("electron")'], { encoding: 'utf8' }).stdout.trim());
      } catch {
        return false;
      }
    })();
    if (installed) return; // a machine with Electron opens the window instead
    const r = spawnSync(process.execPath, ['scripts/start-desktop.mjs'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the Electron binary is not installed');
    expect(r.stderr).toContain('npm run setup -- --with-electron');
    expect(r.stderr).toContain('node bin/keydrill.mjs ui');
    expect(r.stderr).not.toContain('failed to install correctly');
  });
});
