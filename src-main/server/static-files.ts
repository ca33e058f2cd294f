import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
  /** Hashed asset names never change, so they may be cached for good. */
  immutable: boolean;
}

/**
 * The built renderer (out/renderer), read from disk. A path that climbs out of the folder is not
 * found; an unknown path without an extension gets index.html, so a reload on any page works.
 */
export class StaticFiles {
  constructor(readonly root: string) {}

  static exists(root: string): boolean {
    return existsSync(join(root, 'index.html'));
  }

  get(urlPath: string): StaticFile | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const relative = normalize(decoded).replace(/^([/\\])+/, '');
    const file = join(this.root, relative);
    if (file !== this.root && !file.startsWith(this.root + sep)) return undefined;
    if (relative && existsSync(file) && statSync(file).isFile()) {
      return { body: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream', immutable: relative.startsWith(`assets${sep}`) };
    }
    if (extname(relative)) return undefined;
    return { body: readFileSync(join(this.root, 'index.html')), type: TYPES['.html'] as string, immutable: false };
  }
}
