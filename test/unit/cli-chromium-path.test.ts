import { describe, expect, it } from 'vitest';
import { chromiumCandidates, installedBrowserPaths } from '../../src-main/report/chromium-path';

describe('PDF export finds an installed Chrome, Chromium or Edge on every OS', () => {
  it('Windows: Chrome, Edge and Chromium under Program Files and the user\'s own', () => {
    const paths = installedBrowserPaths('win32', { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)', LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' });
    expect(paths).toContain('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe');
    expect(paths).toContain('C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe');
    expect(paths).toContain('C:\\Users\\ana\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe');
    expect(paths.indexOf('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe')).toBeLessThan(paths.indexOf('C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe'));
  });

  it('macOS: the app bundles in /Applications and ~/Applications', () => {
    const paths = installedBrowserPaths('darwin', { HOME: '/Users/ana' });
    expect(paths).toContain('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(paths).toContain('/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge');
    expect(paths).toContain('/Users/ana/Applications/Chromium.app/Contents/MacOS/Chromium');
  });

  it('Linux: distribution packages, snap and the vendors\' own', () => {
    const paths = installedBrowserPaths('linux', {});
    expect(paths).toEqual(expect.arrayContaining(['/usr/bin/chromium', '/usr/bin/google-chrome-stable', '/usr/bin/microsoft-edge', '/snap/bin/chromium']));
  });

  it('CHROMIUM_PATH comes first', () => {
    expect(chromiumCandidates({ CHROMIUM_PATH: '/opt/custom/chrome' }, 'linux')[0]).toBe('/opt/custom/chrome');
  });
});
