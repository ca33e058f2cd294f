import { readFileSync } from 'node:fs';

/**
 * KeyDrill's version, from package.json: the sources (src-main/common) and the built main bundle
 * (out/main) both sit two folders below it. Reports state it, so an auditor knows what produced them.
 */
export const KEYDRILL_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
})();
