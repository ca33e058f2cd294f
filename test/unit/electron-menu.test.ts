import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiEvents, type MenuCommand } from '../../src-shared/api';
import { aboutDetail, buildMenuTemplate, type ImportPick, type MenuActions, type MenuEnvironment, type MenuItemSpec } from '../../src-main/electron/menu-template';
import { MAX_SCENARIO_BYTES, readScenarioFile, ScenarioFileError } from '../../src-main/electron/scenario-file';

/** Actions that record what each click asked for, in order. */
function recordingActions(): { actions: MenuActions; calls: unknown[] } {
  const calls: unknown[] = [];
  const actions: MenuActions = {
    send: (command: MenuCommand) => calls.push(apiEvents['menu:command'].parse(command)),
    openScenario: () => calls.push('openScenario'),
    importCloudTrail: (pick: ImportPick) => calls.push(`import:${pick}`),
    openDocs: () => calls.push('openDocs'),
    openReadme: () => calls.push('openReadme'),
    openSchema: () => calls.push('openSchema'),
    showAbout: () => calls.push('showAbout'),
  };
  return { actions, calls };
}

function menu(env: MenuEnvironment) {
  const { actions, calls } = recordingActions();
  const template = buildMenuTemplate(env, actions);
  const top = (label: string): MenuItemSpec[] => {
    const found = template.find((m) => m.label === label);
    if (!found?.submenu) throw new Error(`no ${label} menu`);
    return found.submenu;
  };
  const item = (menuLabel: string, label: string): MenuItemSpec => {
    const found = top(menuLabel).find((i) => i.label === label);
    if (!found) throw new Error(`no ${menuLabel} › ${label}`);
    return found;
  };
  /** What clicking the item did: the one call it made. */
  const click = (menuLabel: string, label: string): unknown => {
    const before = calls.length;
    item(menuLabel, label).click?.();
    expect(calls.length).toBe(before + 1);
    return calls.at(-1);
  };
  return { template, top, item, click };
}

const linux = { platform: 'linux', isPackaged: false } as const;

describe('the application menu', () => {
  it('has File, Edit, View and Help on Windows and Linux, with no macOS app or Window menu', () => {
    const { template } = menu(linux);
    expect(template.map((m) => m.label ?? m.role)).toEqual(['File', 'editMenu', 'View', 'Help']);
  });

  it('File opens a scenario with Ctrl/Cmd+O, imports logs, exports with Ctrl/Cmd+E and quits', () => {
    const { top, item, click } = menu(linux);
    expect(top('File').map((i) => i.label ?? i.role ?? i.type)).toEqual([
      'Open Scenario…', 'separator', 'Import CloudTrail Log Files…', 'Import CloudTrail Log Folder…', 'separator', 'Export Report…', 'separator', 'quit',
    ]);
    expect(item('File', 'Open Scenario…').accelerator).toBe('CmdOrCtrl+O');
    expect(click('File', 'Open Scenario…')).toBe('openScenario');
    // One native dialog cannot pick files and folders on Windows and Linux: two items, two dialogs.
    expect(click('File', 'Import CloudTrail Log Files…')).toBe('import:files');
    expect(click('File', 'Import CloudTrail Log Folder…')).toBe('import:folders');
    expect(item('File', 'Export Report…').accelerator).toBe('CmdOrCtrl+E');
    expect(click('File', 'Export Report…')).toEqual({ command: 'export-report' });
  });

  it('View switches pages with Ctrl/Cmd+1…5 and pushes the theme toggle to the window', () => {
    const { item, click } = menu(linux);
    const pages = [['Drills', 'drills'], ['Explorer', 'explorer'], ['Audit', 'audit'], ['Reports', 'reports'], ['Settings', 'settings']] as const;
    pages.forEach(([label, page], i) => {
      expect(item('View', label).accelerator).toBe(`CmdOrCtrl+${i + 1}`);
      expect(click('View', label)).toEqual({ command: 'navigate', page });
    });
    expect(click('View', 'Toggle Theme')).toEqual({ command: 'toggle-theme' });
  });

  it('View reloads, zooms and goes full screen through Electron roles, and offers Developer Tools only when not packaged', () => {
    const roles = (env: MenuEnvironment) => menu(env).top('View').flatMap((i) => (i.role ? [i.role] : []));
    expect(roles(linux)).toEqual(['reload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen', 'toggleDevTools']);
    expect(roles({ ...linux, isPackaged: true })).toEqual(['reload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });

  it('Help opens the local docs, the README and the scenario schema, and shows About', () => {
    const { click } = menu(linux);
    expect(click('Help', 'Documentation')).toBe('openDocs');
    expect(click('Help', 'README')).toBe('openReadme');
    expect(click('Help', 'Scenario Schema')).toBe('openSchema');
    expect(click('Help', 'About KeyDrill')).toBe('showAbout');
  });

  it('on macOS starts with the app menu, keeps Quit there, adds the Window menu, and imports files or folders from one dialog', () => {
    const { template, top, click } = menu({ platform: 'darwin', isPackaged: true });
    expect(template.map((m) => m.label ?? m.role)).toEqual(['appMenu', 'File', 'editMenu', 'View', 'windowMenu', 'Help']);
    expect(top('File').some((i) => i.role === 'quit')).toBe(false);
    expect(click('File', 'Import CloudTrail Logs…')).toBe('import:files-or-folders');
  });

  it('gives no two items the same shortcut', () => {
    const accelerators: string[] = [];
    const walk = (items: MenuItemSpec[]) => items.forEach((i) => {
      if (i.accelerator) accelerators.push(i.accelerator);
      if (i.submenu) walk(i.submenu);
    });
    walk(menu(linux).template);
    expect(accelerators.length).toBe(7);
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });

  it('About names the app, Electron, Chromium and Node versions', () => {
    const text = aboutDetail('0.1.0', { electron: '40.8.5', chrome: '144.0.1', node: '22.20.0' });
    expect(text).toContain('Version 0.1.0');
    expect(text).toContain('Electron 40.8.5');
    expect(text).toContain('Chromium 144.0.1');
    expect(text).toContain('Node.js 22.20.0');
  });
});

describe('File › Open Scenario… reading the chosen file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keydrill-open-scenario-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hands over a built-in scenario exactly as it is on disk', async () => {
    const file = 'resources/scenarios/revocation-and-restore.yaml';
    expect(await readScenarioFile(file)).toBe(readFileSync(file, 'utf8'));
  });

  it('accepts a file of exactly 2 MiB and refuses one byte more, saying the limit', async () => {
    const fits = join(dir, 'fits.yaml');
    writeFileSync(fits, Buffer.alloc(MAX_SCENARIO_BYTES, 'a'));
    expect((await readScenarioFile(fits)).length).toBe(MAX_SCENARIO_BYTES);
    const big = join(dir, 'big.yaml');
    writeFileSync(big, Buffer.alloc(MAX_SCENARIO_BYTES + 1, 'a'));
    await expect(readScenarioFile(big)).rejects.toThrow('big.yaml is too large (2.0 MiB): a scenario file may be at most 2.0 MiB.');
  });

  it('refuses binary, empty, missing files and folders with a sentence for the error dialog', async () => {
    const binary = join(dir, 'scenario.json');
    writeFileSync(binary, Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]));
    const empty = join(dir, 'empty.yml');
    writeFileSync(empty, '  \n');
    const folder = join(dir, 'folder.yaml');
    mkdirSync(folder);
    await expect(readScenarioFile(binary)).rejects.toThrow('scenario.json is not UTF-8 text: scenarios are YAML or JSON files.');
    await expect(readScenarioFile(empty)).rejects.toThrow('empty.yml is empty.');
    await expect(readScenarioFile(folder)).rejects.toThrow('folder.yaml is not a regular file.');
    await expect(readScenarioFile(join(dir, 'gone.yaml'))).rejects.toThrow('gone.yaml could not be read: it no longer exists.');
    await expect(readScenarioFile(empty)).rejects.toBeInstanceOf(ScenarioFileError);
  });
});
