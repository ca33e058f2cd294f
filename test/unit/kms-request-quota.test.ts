import { describe, expect, it } from 'vitest';
import { KmsError } from '../../src-main/kms/embedded/errors';
import { RequestQuota } from '../../src-main/kms/embedded/request-quota';

describe("kms serve's request quota", () => {
  it("refuses the cryptographic call past the rate with AWS's ThrottlingException and its words, per account and region, and lets management calls through", () => {
    let now = 1_000_000;
    const quota = new RequestQuota(2, () => now);
    quota.take('111122223333', 'us-east-1', 'Encrypt');
    quota.take('111122223333', 'us-east-1', 'GenerateDataKeyPair');
    const refused = (() => {
      try {
        quota.take('111122223333', 'us-east-1', 'Decrypt');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(KmsError);
    expect(refused).toMatchObject({ code: 'ThrottlingException', message: 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.' });
    quota.take('111122223333', 'eu-west-1', 'Decrypt');
    quota.take('111122223333', 'us-east-1', 'DescribeKey');
    now += 500;
    quota.take('111122223333', 'us-east-1', 'Decrypt');
  });
});
