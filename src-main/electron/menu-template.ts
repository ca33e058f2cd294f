import type { MenuCommand } from '../../src-shared/api';

/**
 * The application menu as data. This file imports nothing from electron, so the menu's items,
 * shortcuts and what each click does are unit-tested in plain Node; menu.ts hands the template to
 * Menu.buildFromTemplate and supplies the actions (dialogs, the window).
 */

export type MenuPage = Extract<MenuCommand, { command: 'navigate' }>['page'];

/** View › pages, in the order of their Ctrl/Cmd+1…5 shortcuts (the order of the sidebar). */
export const MENU_PAGES: readonly (readonly [MenuPage, string])[] = [
  ['drills', 'Drills'], ['explorer', 'Explorer'], ['audit', 'Audit'], ['reports', 'Reports'], ['settings', 'Settings'],
];

/**
 * What an import dialog may pick. On Windows and Linux one native dialog cannot pick both files and
 * folders (Electron then shows a folder picker only), so there the menu offers two items.
 */
export type ImportPick = 'files' | 'folders' | 'files-or-folders';

/** What the menu's items do; the Electron side implements them with native dialogs and the window. */
export interface MenuActions {
  /** Pushes a command to the window as a `menu:command` event. */
  send(command: MenuCommand): void;
  openScenario(): void;
  importCloudTrail(pick: ImportPick): void;
  openDocs(): void;
  openReadme(): void;
  openSchema(): void;
  showAbout(): void;
}

export interface MenuEnvironment {
  platform: NodeJS.Platform;
  /** A packaged app has no Developer Tools item. */
  isPackaged: boolean;
}

type MenuRole = 'appMenu' | 'editMenu' | 'windowMenu' | 'quit' | 'reload' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen' | 'toggleDevTools';

/** A menu item as Menu.buildFromTemplate takes it: the subset of MenuItemConstructorOptions used here. */
export interface MenuItemSpec {
  label?: string;
  role?: MenuRole;
  type?: 'separator';
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemSpec[];
}

const separator: MenuItemSpec = { type: 'separator' };

export function buildMenuTemplate(env: MenuEnvironment, actions: MenuActions): MenuItemSpec[] {
  const mac = env.platform === 'darwin';
  return [
    // macOS puts About, Hide and Quit in the menu named after the app.
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemSpec] : []),
    { label: 'File', submenu: fileMenu(mac, actions) },
    // Without an Edit menu, Cmd+C/V/X/A do nothing in the scenario editor on macOS.
    { role: 'editMenu' },
    { label: 'View', submenu: viewMenu(env, actions) },
    ...(mac ? [{ role: 'windowMenu' } satisfies MenuItemSpec] : []),
    {
      label: 'Help',
      submenu: [
        { label: 'Documentation', click: () => actions.openDocs() },
        { label: 'README', click: () => actions.openReadme() },
        { label: 'Scenario Schema', click: () => actions.openSchema() },
        separator,
        { label: 'About KeyDrill', click: () => actions.showAbout() },
      ],
    },
  ];
}

function fileMenu(mac: boolean, actions: MenuActions): MenuItemSpec[] {
  const imports: MenuItemSpec[] = mac
    ? [{ label: 'Import CloudTrail Logs…', click: () => actions.importCloudTrail('files-or-folders') }]
    : [
      { label: 'Import CloudTrail Log Files…', click: () => actions.importCloudTrail('files') },
      { label: 'Import CloudTrail Log Folder…', click: () => actions.importCloudTrail('folders') },
    ];
  return [
    { label: 'Open Scenario…', accelerator: 'CmdOrCtrl+O', click: () => actions.openScenario() },
    separator,
    ...imports,
    separator,
    { label: 'Export Report…', accelerator: 'CmdOrCtrl+E', click: () => actions.send({ command: 'export-report' }) },
    // On macOS Quit lives in the app menu.
    ...(mac ? [] : [separator, { role: 'quit' } satisfies MenuItemSpec]),
  ];
}

function viewMenu(env: MenuEnvironment, actions: MenuActions): MenuItemSpec[] {
  const pages = MENU_PAGES.map(([page, label], i): MenuItemSpec => ({
    label,
    accelerator: `CmdOrCtrl+${i + 1}`,
    click: () => actions.send({ command: 'navigate', page }),
  }));
  return [
    ...pages,
    separator,
    { label: 'Toggle Theme', click: () => actions.send({ command: 'toggle-theme' }) },
    separator,
    { role: 'reload' },
    separator,
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    separator,
    { role: 'togglefullscreen' },
    // A packaged app is what users run: no inspector for them to open by accident.
    ...(env.isPackaged ? [] : [separator, { role: 'toggleDevTools' } satisfies MenuItemSpec]),
  ];
}

/** Help › About KeyDrill: the versions a bug report needs. */
export function aboutDetail(version: string, versions: { electron?: string; chrome?: string; node: string }): string {
  return [
    `Version ${version}`,
    `Electron ${versions.electron ?? 'unknown'}`,
    `Chromium ${versions.chrome ?? 'unknown'}`,
    `Node.js ${versions.node}`,
    '',
    'Drills customer-managed key rotation, revocation and regional failover against a real KMS, with a CloudTrail audit trail.',
  ].join('\n');
}
