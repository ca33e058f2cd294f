import { aliasOperations } from './aliases';
import { cryptoOperations } from './crypto';
import { dataKeyPairOperations } from './data-key-pairs';
import { grantOperations } from './grants';
import { keyOperations } from './keys';
import { multiRegionOperations } from './multi-region';
import { otherKeyTypeOperations } from './other-key-types';
import type { Operation } from './operation';
import { policyOperations } from './policies';
import { rotationOperations } from './rotation';
import { tagOperations } from './tags';

/** Every KMS operation the embedded server answers, by its X-Amz-Target name (TrentService.<name>). */
export const KMS_OPERATIONS: Readonly<Record<string, Operation>> = {
  ...keyOperations,
  ...cryptoOperations,
  ...dataKeyPairOperations,
  ...rotationOperations,
  ...multiRegionOperations,
  ...aliasOperations,
  ...policyOperations,
  ...grantOperations,
  ...tagOperations,
  ...otherKeyTypeOperations,
};
