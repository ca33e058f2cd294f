import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { cloudTrailTime } from './cloudtrail-event';
import { KMS_EVENT_VERSION } from './cloudtrail-kms-rules';
import type { KmsServiceEvent } from './embedded/kms-core';

/**
 * The CloudTrail record KMS writes for what it does on its own — an `AwsServiceEvent` with no
 * caller, no request and no request id — field for field as the KMS developer guide shows them:
 * RotateKey (ct-rotatekey, eventVersion 1.11: `serviceEventDetails` names the kind of rotation, the
 * key's origin — AWS_KMS, the only one the embedded KMS makes — the material replaced and the
 * material now current, and the key) and
 * DeleteKey at the end of a waiting period (ct-delete-key: the key ARN in `responseElements.keyId`,
 * as entries written since December 2022 carry it). The eventID is the run's (see run-trail.ts).
 */
export function buildKmsServiceEvent(event: KmsServiceEvent): CloudTrailRecord {
  const rotation = event.name === 'RotateKey';
  return {
    eventVersion: KMS_EVENT_VERSION,
    userIdentity: { accountId: event.account, invokedBy: 'AWS Internal' },
    eventTime: cloudTrailTime(event.at),
    eventSource: 'kms.amazonaws.com',
    eventName: event.name,
    awsRegion: event.region,
    sourceIPAddress: 'AWS Internal',
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: rotation ? null : { keyId: event.arn },
    eventID: '',
    readOnly: false,
    resources: [{ accountId: event.account, type: 'AWS::KMS::Key', ARN: event.arn }],
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: event.account,
    ...(rotation ? { serviceEventDetails: rotationDetails(event) } : {}),
    eventCategory: 'Management',
  };
}

function rotationDetails(event: KmsServiceEvent): Record<string, string> {
  return {
    rotationType: event.rotationType ?? 'AUTOMATIC',
    keyOrigin: 'AWS_KMS',
    ...(event.previousKeyMaterialId ? { previousKeyMaterialId: event.previousKeyMaterialId } : {}),
    ...(event.currentKeyMaterialId ? { currentKeyMaterialId: event.currentKeyMaterialId } : {}),
    keyId: event.keyId,
  };
}
