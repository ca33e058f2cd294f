import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { counted } from '../../src-shared/count';

/** A UI trial read "1 window(s); 1,812 call(s)" in a verdict. */
describe('a count and its noun', () => {
  it('is singular for one, plural otherwise, with thousands separators', () => {
    expect(counted(1, 'window')).toBe('1 window');
    expect(counted(1812, 'call')).toBe('1,812 calls');
    expect(counted(0, 'KMS call')).toBe('0 KMS calls');
    expect(counted(2, 'canary record')).toBe('2 canary records');
    expect(counted(1, 'alias', 'aliases')).toBe('1 alias');
  });

  it('no text KeyDrill writes for people says "(s)" or "(es)": counts name their noun in the number it has', () => {
    const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
    // The text of string literals, templates and JSX, where a call like `pick(s)` in code is not.
    const texts = (line: string): string[] => [...line.matchAll(/'([^']*)'|"([^"]*)"|`([^`]*)`|>([^<>{}]+)</g)].map((m) => m.slice(1).join(''));
    const found = ['src-main', 'src-shared', 'src-renderer/src'].flatMap(sources).flatMap((file) =>
      readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (/^\s*(\/\/|\*|\/\*\*)/.test(line) ? [] : texts(line).filter((t) => /[a-z]\((s|es)\)(?![a-zA-Z])/.test(t)).map(() => `${file}:${i + 1}: ${line.trim()}`))),
    );
    expect(found).toEqual([]);
  });
});
