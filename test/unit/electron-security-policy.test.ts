import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appLocation, externalUrlAllowed, isAppUrl, permissionAllowed } from '../../src-main/electron/security-policy';

const INDEX = '/opt/KeyDrill/resources/app.asar/out/renderer/index.html';

describe('the desktop window admits only its own page', () => {
  const packaged = appLocation(undefined, INDEX);
  const dev = appLocation('http://localhost:5173/', INDEX);

  it('packaged: the exact index.html file, with any hash or query', () => {
    const url = pathToFileURL(INDEX).href;
    expect(isAppUrl(packaged, url)).toBe(true);
    expect(isAppUrl(packaged, `${url}#/drills`)).toBe(true);
    expect(isAppUrl(packaged, `${url}?page=audit`)).toBe(true);
  });

  it.each([
    ['another file', 'file:///etc/passwd'],
    ['a file beside it', pathToFileURL('/opt/KeyDrill/resources/app.asar/out/renderer/evil.html').href],
    ['a path that only starts like it', pathToFileURL(`${INDEX}.evil.html`).href],
    ['a file on another host', `file://evil.example${INDEX}`],
    ['the bare scheme the old prefix check admitted', 'file://'],
    ['a web page', 'https://example.com/'],
    ['not a URL', 'not a url'],
  ])('packaged: refuses %s', (_, url) => {
    expect(isAppUrl(packaged, url)).toBe(false);
  });

  it('dev: the dev server\'s exact origin, never a prefix of it', () => {
    expect(isAppUrl(dev, 'http://localhost:5173/#/explorer')).toBe(true);
    expect(isAppUrl(dev, 'http://localhost:5173.evil.example/')).toBe(false);
    expect(isAppUrl(dev, 'http://localhost:51730/')).toBe(false);
    expect(isAppUrl(dev, 'http://evil@localhost:5173/')).toBe(false);
    expect(isAppUrl(dev, 'https://localhost:5173/')).toBe(false);
    expect(isAppUrl(dev, pathToFileURL(INDEX).href)).toBe(false);
  });

  it('a dev server URL off this machine is refused outright', () => {
    expect(() => appLocation('http://attacker.example:5173/', INDEX)).toThrow(/on this machine/);
  });
});

describe('permissions and external links', () => {
  const packaged = appLocation(undefined, INDEX);

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'midiSysex', 'hid', 'serial', 'usb', 'openExternal'])('denies %s, even to the app\'s own page', (permission) => {
    expect(permissionAllowed(permission, pathToFileURL(INDEX).href, packaged)).toBe(false);
  });

  it('opens only https links to the allowed hosts in the browser', () => {
    expect(externalUrlAllowed('https://docs.aws.amazon.com/kms/latest/developerguide/overview.html')).toBe(true);
    expect(externalUrlAllowed('http://docs.aws.amazon.com/')).toBe(false);
    expect(externalUrlAllowed('https://docs.aws.amazon.com.evil.example/')).toBe(false);
    expect(externalUrlAllowed('https://user:pw@docs.aws.amazon.com/')).toBe(false);
    expect(externalUrlAllowed('https://docs.aws.amazon.com:8443/')).toBe(false);
    expect(externalUrlAllowed('https://example.com/')).toBe(false);
    expect(externalUrlAllowed('file:///etc/passwd')).toBe(false);
    expect(externalUrlAllowed('ms-settings:privacy')).toBe(false);
    expect(externalUrlAllowed('javascript:alert(1)')).toBe(false);
  });
});
