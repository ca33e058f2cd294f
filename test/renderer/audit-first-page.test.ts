import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';
import type * as FirstPage from '../../src-renderer/src/audit-first-page';

/**
 * The Audit page's first rows, asked for as its tab opens: against the real services and event
 * store, through a transport shaped as the Electron preload's. The page must get exactly the rows
 * it asked for — never an early answer to another lookup — and no lookup is made twice.
 */
let home: string;
let services: AppServices;
let firstPage: typeof FirstPage;
const lookups: unknown[] = [];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'keydrill-first-page-'));
  services = new AppServices({ home });
  services.eventStore().append([...syntheticKmsEvents({ count: 300, start: Date.UTC(2026, 0, 1), durationMs: 3_600_000, seed: 3 })].map((record) => ({ record })));
  const ctx: AppContext = { services };
  (globalThis as { window?: unknown }).window = {
    keydrill: {
      invoke: (channel: string, args: unknown) => {
        if (channel === 'audit:lookup') lookups.push(args);
        return callApi(ctx, channel, args);
      },
      on: () => () => undefined,
    },
  };
  firstPage = await import('../../src-renderer/src/audit-first-page');
});

afterAll(async () => {
  await services.close();
  rmSync(home, { recursive: true, force: true });
});

describe('the Audit page\'s first lookup, asked as its tab opens', () => {
  it('hands the page the answer to exactly its request, once, in one lookup', async () => {
    lookups.length = 0;
    firstPage.askFirstAuditPage(undefined);
    const request = firstPage.lookupRequest({}, 'newest', undefined);
    const early = firstPage.takeEarlyAnswer(request);
    expect(early).toBeDefined();
    const page = await early!;
    // The first page is small; what it holds is the newest events, as a lookup made by the page would.
    expect(page.events).toHaveLength(firstPage.FIRST_PAGE_ROWS);
    expect(page.nextToken).toBeDefined();
    const direct = services.audit.lookup(request);
    expect(page.events.map((e) => e.eventId)).toEqual(direct.events.map((e) => e.eventId));
    expect(lookups).toHaveLength(1);
    // Taken once: the next lookup is the page's own.
    expect(firstPage.takeEarlyAnswer(request)).toBeUndefined();
  });

  it('is not taken for another lookup (a run, an event, a later page)', () => {
    const runId = 'some-run-s1-00000000-20260101t000000-abcd';
    firstPage.askFirstAuditPage({ runId, nonce: 1 });
    expect(firstPage.takeEarlyAnswer(firstPage.lookupRequest({}, 'newest', undefined))).toBeUndefined();
    firstPage.askFirstAuditPage({ eventId: 'e-1', nonce: 2 });
    expect(firstPage.takeEarlyAnswer(firstPage.lookupRequest({ attribute: { key: 'EventId', value: 'e-2' } }, 'newest', undefined))).toBeUndefined();
    firstPage.askFirstAuditPage({ runId, nonce: 3 });
    expect(firstPage.takeEarlyAnswer(firstPage.lookupRequest({ runId }, 'oldest', undefined))).toBeUndefined();
    firstPage.askFirstAuditPage({ runId, nonce: 4 });
    expect(firstPage.takeEarlyAnswer(firstPage.lookupRequest({ runId }, 'newest', undefined))).toBeDefined();
  });

  it('asks for later pages in larger steps, from the token', () => {
    const next = firstPage.lookupRequest({ errorsOnly: true }, 'newest', 'token');
    expect(next).toEqual({ errorsOnly: true, order: 'newest', maxResults: firstPage.NEXT_PAGE_ROWS, nextToken: 'token' });
    expect(firstPage.NEXT_PAGE_ROWS).toBeGreaterThan(firstPage.FIRST_PAGE_ROWS);
  });
});
