import { OBSERVATION_CAUSES, type ClientObservation } from '../../src-shared/client-observation';
import { seededRandom } from '../../src-main/common/seeded-random';

const START = Date.UTC(2026, 2, 1, 12);
const HOUR = 3_600_000;
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'];
const OPERATIONS = ['Decrypt', 'GenerateDataKey', 'DescribeKey'];

/** Observations spread over an hour, in time order, from a seed: as an outage drill leaves them. */
export function sampleObservations(count: number, seed = 3, start = START): ClientObservation[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const cause = OBSERVATION_CAUSES[Math.floor(random() * OBSERVATION_CAUSES.length)]!;
    return {
      observationId: `00000000-0000-4000-8000-${String(seed).padStart(4, '0')}${String(i).padStart(8, '0')}`,
      time: new Date(start + Math.floor((i * HOUR) / count)).toISOString(),
      region: REGIONS[Math.floor(random() * REGIONS.length)]!,
      operation: OPERATIONS[Math.floor(random() * OPERATIONS.length)]!,
      keyId: 'arn:aws:kms:us-east-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef',
      errorCode: cause.includes('timeout') ? 'TimeoutError' : cause === 'simulated-denial' ? 'AccessDeniedException' : 'NetworkingError',
      errorMessage: 'the KMS endpoint is unreachable',
      cause,
      principal: 'arn:aws:sts::111122223333:assumed-role/keydrill-service/keydrill-session',
      encryptionContext: { tenant: 'acme', cluster: `c${i % 3}` },
    };
  });
}

