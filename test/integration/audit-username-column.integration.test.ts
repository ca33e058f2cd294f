import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { AuditService } from '../../src-main/app/audit-service';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function recordOf(n: number, userIdentity: CloudTrailRecord['userIdentity']): CloudTrailRecord {
  return {
    eventVersion: '1.08', userIdentity, eventTime: `2026-02-01T00:00:0${n}Z`, eventSource: 'kms.amazonaws.com', eventName: 'DescribeKey', awsRegion: 'us-east-1',
    requestParameters: { keyId: 'alias/x' }, responseElements: null, eventID: `0000000${n}-0000-4000-8000-000000000000`, readOnly: true, eventType: 'AwsApiCall', recipientAccountId: '111122223333',
  };
}

describe("the Audit table's User name column", () => {
  it('shows the name the User name filter finds the row by, for the account root and an assumed-role session', () => {
    dir = mkdtempSync(join(tmpdir(), 'keydrill-username-'));
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    try {
      store.append([
        { record: recordOf(1, { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' }) },
        { record: recordOf(2, { type: 'AssumedRole', principalId: 'AROAEXAMPLE:ops-session', arn: 'arn:aws:sts::111122223333:assumed-role/ops/ops-session', accountId: '111122223333' }) },
      ]);
      const audit = new AuditService(() => store);
      const shown = audit.lookup({ maxResults: 10 }).events.map((e) => e.username).sort();
      expect(shown).toEqual(['ops-session', 'root']);
      for (const name of shown) {
        const found = audit.lookup({ attribute: { key: 'Username', value: name }, maxResults: 10 }).events;
        expect(found.map((e) => e.username)).toEqual([name]);
      }
    } finally {
      store.close();
    }
  });
});
