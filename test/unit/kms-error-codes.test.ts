import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as kmsSdk from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { KMS_ERROR_CODES, likelyErrorCode } from '../../src-shared/kms-error-codes';
import { unreachedErrorCode } from '../../src-main/kms/client-observation-event';

const root = new URL('../../', import.meta.url).pathname;

/** Every quoted `…Exception` / `…Error` name in the TypeScript files under `dir` (or in `file`). */
function namesIn(...paths: string[]): Set<string> {
  const names = new Set<string>();
  for (const path of paths) {
    const full = join(root, path);
    const files = path.endsWith('.ts') ? [full] : readdirSync(full, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(full, f));
    for (const file of files) for (const [, name] of readFileSync(file, 'utf8').matchAll(/['"`]([A-Z]\w*(?:Exception|Error))['"`]/g)) names.add(name as string);
  }
  return names;
}

const missing = (names: Iterable<string>) => [...names].filter((name) => !KMS_ERROR_CODES.has(name));

describe('the error codes a scenario may expect', () => {
  it('hold every error the KMS API reference lists: each exception of the KMS service model (@aws-sdk/client-kms)', () => {
    const modelled = Object.keys(kmsSdk).filter((name) => /^[A-Z]\w*Exception$/.test(name) && name !== 'KMSServiceException');
    expect(modelled.length).toBeGreaterThan(40);
    expect(missing(modelled)).toEqual([]);
  });

  it('hold every error the embedded KMS can throw, read from its source', () => {
    // The embedded KMS names its errors as literals (errors.ts's KmsErrorName, kmsError('NotFoundException', …)).
    const thrown = [...namesIn('src-main/kms/embedded')].filter((name) => name.endsWith('Exception'));
    expect(thrown).toEqual(expect.arrayContaining(['AccessDeniedException', 'KMSInvalidStateException', 'UnrecognizedClientException', 'ThrottlingException']));
    expect(missing(thrown)).toEqual([]);
  });

  it('hold what a call that never reached KMS carries: the faults the middleware injects and the SDK\'s own names', () => {
    const clientSide = namesIn('src-main/kms/kms-middleware.ts', 'src-main/kms/client-observation-event.ts');
    expect([...clientSide]).toEqual(expect.arrayContaining(['NetworkingError', 'TimeoutError', 'AccessDeniedException', 'NotFoundException', 'ThrottlingException', 'AbortError']));
    expect(missing(clientSide)).toEqual([]);
    const sdkErrors = [new Error('connect'), Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), Object.assign(new Error('slow'), { code: 'ETIMEDOUT' }), Object.assign(new Error('no creds'), { name: 'CredentialsProviderError' })];
    expect(missing(sdkErrors.map(unreachedErrorCode))).toEqual([]);
  });

  it('a code written without its suffix, or slipped, names the one meant', () => {
    expect(likelyErrorCode('AccessDenied')).toBe('AccessDeniedException');
    expect(likelyErrorCode('KMSInvalidState')).toBe('KMSInvalidStateException');
    expect(likelyErrorCode('ThrottlingError')).toBe('ThrottlingException');
    expect(likelyErrorCode('Timeout')).toBe('TimeoutError');
    expect(likelyErrorCode('accessdeniedexception')).toBe('AccessDeniedException');
    expect(likelyErrorCode('DisabledExeption')).toBe('DisabledException');
    expect(likelyErrorCode('KeyRevoked')).toBeUndefined();
  });
});
