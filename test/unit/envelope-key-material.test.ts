import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { unwrapDatabaseKey, wrapDatabaseKey, WRAPPED_KEY_LENGTH, type DatabaseKeyBinding } from '../../src-main/envelope/key-wrap';
import { SecretKey } from '../../src-main/envelope/secret-key';

const binding: DatabaseKeyBinding = { tenant: 'acme', cluster: 'c1', node: 'n1', database: 'orders', databaseKeyId: '0f8fad5b-d9cb-469f-a165-70867728950e', version: 1, masterKeyVersion: 1 };

describe('a secret key', () => {
  it('copies the bytes it adopts and zeroes the source it was handed', () => {
    const source = Buffer.alloc(32, 0xab);
    const key = SecretKey.adopt('n1/master/v1', source);
    expect(source.every((b) => b === 0)).toBe(true);
    expect(key.withBytes((b) => Buffer.from(b).equals(Buffer.alloc(32, 0xab)))).toBe(true);
  });

  it('shows only its name in JSON, util.inspect and strings', () => {
    const key = SecretKey.adopt('n1/db/orders/v1', Buffer.alloc(32, 0xcd));
    const shown = [JSON.stringify({ key }), inspect(key, { depth: 5, showHidden: true }), String(key), `${key}`].join(' ');
    expect(shown).toContain('n1/db/orders/v1');
    expect(shown).not.toMatch(/cd ?cd|zc3N|205/i);
  });

  it('is frozen', () => {
    const key = SecretKey.random('k');
    expect(Object.isFrozen(key)).toBe(true);
    expect(() => Object.assign(key, { name: 'other' })).toThrow(TypeError);
  });

  it('destroy() zeroes its bytes and makes it unusable', () => {
    const key = SecretKey.random('k');
    let held: Uint8Array = new Uint8Array();
    key.withBytes((b) => (held = b));
    key.destroy();
    expect(held.every((b) => b === 0)).toBe(true);
    expect(key.destroyed).toBe(true);
  });
});

describe('database-key wrapping by the master key', () => {
  it('wraps to 61 bytes and unwraps to the same key', () => {
    const master = SecretKey.random('m');
    const db = SecretKey.random('d');
    const wrapped = wrapDatabaseKey(master, db, binding);
    expect(wrapped.length).toBe(WRAPPED_KEY_LENGTH);
    const back = unwrapDatabaseKey(master, wrapped, binding, 'd2');
    expect(back.withBytes((b) => db.withBytes((a) => Buffer.from(a).equals(Buffer.from(b))))).toBe(true);
  });

  it.each([
    ['another node', { node: 'n2' }],
    ['another database', { database: 'users' }],
    ['another database key id', { databaseKeyId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }],
    ['another key version', { version: 2 }],
    ['another master-key version', { masterKeyVersion: 2 }],
    ['another tenant', { tenant: 'globex' }],
  ])('refuses to unwrap for %s: the AAD binds ids and versions', (_what, change) => {
    const master = SecretKey.random('m');
    const wrapped = wrapDatabaseKey(master, SecretKey.random('d'), binding);
    expect(() => unwrapDatabaseKey(master, wrapped, { ...binding, ...change }, 'd')).toThrow(/did not unwrap under master key/);
  });

  it('refuses to unwrap under another master key', () => {
    const wrapped = wrapDatabaseKey(SecretKey.random('m1'), SecretKey.random('d'), binding);
    expect(() => unwrapDatabaseKey(SecretKey.random('m2'), wrapped, binding, 'd')).toThrow(expect.objectContaining({ code: 'KEY_UNWRAP_FAILED' }));
  });
});
