import { app, dialog, Menu, shell, type BrowserWindow, type OpenDialogOptions } from 'electron';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { MenuCommand } from '../../src-shared/api';
import type { AppServices } from '../app/app-services';
import { aboutDetail, buildMenuTemplate, type ImportPick, type MenuActions } from './menu-template';
import { readScenarioFile } from './scenario-file';

export interface AppMenuDeps {
  window: BrowserWindow;
  services: AppServices;
  /** Pushes a `menu:command` event to the window. */
  send(command: MenuCommand): void;
}

/** Sets the application menu: the template of menu-template.ts with native dialogs behind its items. */
export function installAppMenu(deps: AppMenuDeps): void {
  const { window, send } = deps;
  // A menu click has no caller to report to: whatever goes wrong is shown in a dialog.
  const guarded = (what: string, action: () => Promise<void>) => () => {
    action().catch((err: unknown) => showError(window, what, err));
  };
  const actions: MenuActions = {
    send,
    openScenario: guarded('Could not open the scenario', () => openScenario(deps)),
    importCloudTrail: (pick) => guarded('Could not import the CloudTrail logs', () => importCloudTrail(deps, pick))(),
    openDocs: guarded('Could not open the documentation', () => openShipped(shippedPath('docs'))),
    openReadme: guarded('Could not open the README', () => openShipped(shippedPath('README.md'))),
    openSchema: guarded('Could not open the scenario schema', () => openShipped(shippedPath(join('resources', 'scenario.schema.json')))),
    showAbout: guarded('Could not show the About box', () => showAbout(window)),
  };
  const template = buildMenuTemplate({ platform: process.platform, isPackaged: app.isPackaged }, actions);
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** File › Open Scenario…: the file's text goes to the Drills editor, which validates it. */
async function openScenario({ window, send }: AppMenuDeps): Promise<void> {
  const picked = await dialog.showOpenDialog(window, {
    title: 'Open Scenario',
    properties: ['openFile'],
    filters: [{ name: 'Scenarios (YAML, JSON)', extensions: ['yaml', 'yml', 'json'] }],
  });
  const file = picked.canceled ? undefined : picked.filePaths[0];
  if (file === undefined) return;
  send({ command: 'open-scenario', name: basename(file), text: await readScenarioFile(file) });
}

/** File › Import CloudTrail Logs…: the import runs in the background; its progress events follow the command. */
async function importCloudTrail({ window, services, send }: AppMenuDeps, pick: ImportPick): Promise<void> {
  const properties: OpenDialogOptions['properties'] = pick === 'folders' ? ['openDirectory', 'multiSelections']
    : pick === 'files' ? ['openFile', 'multiSelections'] : ['openFile', 'openDirectory', 'multiSelections'];
  const picked = await dialog.showOpenDialog(window, {
    title: pick === 'folders' ? 'Import CloudTrail Log Folders' : 'Import CloudTrail Logs',
    properties,
    // Electron filters match the last extension only: "gz" stands for .json.gz.
    filters: pick === 'folders' ? [] : [{ name: 'CloudTrail log files (.json, .json.gz)', extensions: ['json', 'gz'] }],
  });
  if (picked.canceled || picked.filePaths.length === 0) return;
  const { jobId, files } = await services.imports.startPaths(picked.filePaths);
  // The Reports page shows import jobs; it is opened first so that it is there to hear the start.
  send({ command: 'navigate', page: 'reports' });
  send({ command: 'import-started', jobId, files });
}

/**
 * Files shipped with the app: the project folder in development; in a packaged app its resources
 * folder, since a path inside app.asar cannot be opened by another program (electron-builder's
 * extraResources must carry docs/, README.md and resources/scenario.schema.json).
 */
function shippedPath(relative: string): string {
  return app.isPackaged ? join(process.resourcesPath, relative) : join(app.getAppPath(), relative);
}

/** Opens a local file or folder with the system's handler: nothing goes to the network. */
async function openShipped(path: string): Promise<void> {
  if (!existsSync(path)) throw new Error(`${path} is not there: this copy of KeyDrill was installed without it.`);
  const failure = await shell.openPath(path);
  if (failure) throw new Error(`${path}: ${failure}`);
}

async function showAbout(window: BrowserWindow): Promise<void> {
  await dialog.showMessageBox(window, { type: 'info', title: 'About KeyDrill', message: 'KeyDrill', detail: aboutDetail(app.getVersion(), process.versions), buttons: ['OK'] });
}

function showError(window: BrowserWindow, what: string, err: unknown): void {
  const detail = err instanceof Error ? err.message : String(err);
  if (window.isDestroyed()) dialog.showErrorBox(what, detail);
  else void dialog.showMessageBox(window, { type: 'error', title: 'KeyDrill', message: what, detail, buttons: ['OK'] });
}
