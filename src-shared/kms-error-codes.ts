import { didYouMean } from './did-you-mean';

/**
 * Every error code a drill's KMS call can carry, as a scenario's `error-code-after` `code` and
 * `kms-calls` `errorCode` are matched against it (exactly: it is CloudTrail's errorCode, or a
 * client-side observation's). Generous on purpose: a real code refused would be worse than a slip let
 * through. Where the names come from:
 *  - the errors the AWS KMS API reference lists for its operations: the exceptions of its service
 *    model, as @aws-sdk/client-kms exports them (test/unit/kms-error-codes.test.ts holds them all in);
 *  - the errors common to all AWS APIs (the API reference's "Common Errors"), and the names KMS's JSON
 *    protocol gives the same failures (UnrecognizedClientException, MissingAuthenticationToken…,
 *    SerializationException, UnknownOperationException…);
 *  - every error the embedded KMS throws (the test reads its source for them);
 *  - what a call that never reached KMS carries on the client (client-observation-event.ts's
 *    unreachedErrorCode, and the faults kms-middleware.ts injects): NetworkingError, TimeoutError,
 *    AbortError, CredentialsProviderError, and Error when the SDK named nothing more precise.
 */
export const KMS_ERROR_CODES: ReadonlySet<string> = new Set([
  // The KMS service model's exceptions (KMSServiceException, the SDK's base class, is no code).
  'AlreadyExistsException', 'CloudHsmClusterInUseException', 'CloudHsmClusterInvalidConfigurationException', 'CloudHsmClusterNotActiveException',
  'CloudHsmClusterNotFoundException', 'CloudHsmClusterNotRelatedException', 'ConflictException', 'CustomKeyStoreHasCMKsException',
  'CustomKeyStoreInvalidStateException', 'CustomKeyStoreNameInUseException', 'CustomKeyStoreNotFoundException', 'DependencyTimeoutException',
  'DisabledException', 'DryRunOperationException', 'ExpiredImportTokenException', 'IncorrectKeyException', 'IncorrectKeyMaterialException',
  'IncorrectTrustAnchorException', 'InvalidAliasNameException', 'InvalidArnException', 'InvalidCiphertextException', 'InvalidGrantIdException',
  'InvalidGrantTokenException', 'InvalidImportTokenException', 'InvalidKeyUsageException', 'InvalidMarkerException', 'KMSInternalException',
  'KMSInvalidMacException', 'KMSInvalidSignatureException', 'KMSInvalidStateException', 'KeyUnavailableException', 'LimitExceededException',
  'MalformedPolicyDocumentException', 'NotFoundException', 'TagException', 'UnsupportedOperationException', 'XksKeyAlreadyInUseException',
  'XksKeyInvalidConfigurationException', 'XksKeyNotFoundException', 'XksProxyIncorrectAuthenticationCredentialException',
  'XksProxyInvalidConfigurationException', 'XksProxyInvalidResponseException', 'XksProxyUriEndpointInUseException', 'XksProxyUriInUseException',
  'XksProxyUriUnreachableException', 'XksProxyVpcEndpointServiceInUseException', 'XksProxyVpcEndpointServiceInvalidConfigurationException',
  'XksProxyVpcEndpointServiceNotFoundException',
  // Common to all AWS APIs, in the reference's spelling and in the JSON protocol's.
  'AccessDeniedException', 'IncompleteSignature', 'IncompleteSignatureException', 'InternalFailure', 'InvalidAction', 'InvalidClientTokenId',
  'InvalidSignatureException', 'NotAuthorized', 'OptInRequired', 'RequestExpired', 'ServiceUnavailable', 'ThrottlingException', 'ValidationException',
  'ValidationError', 'UnrecognizedClientException', 'MissingAuthenticationTokenException', 'ExpiredTokenException', 'ExpiredToken',
  'SignatureDoesNotMatch', 'SerializationException', 'UnknownOperationException',
  // On the client: the call never reached KMS.
  'NetworkingError', 'TimeoutError', 'AbortError', 'CredentialsProviderError', 'Error',
]);

/** "AccessDenied" → AccessDeniedException, "timeout" → TimeoutError: the code meant, by its stem or as a slip; undefined when none is close. */
export function likelyErrorCode(code: string): string | undefined {
  const stem = (name: string) => name.replace(/(Exception|Error)$/i, '').toLowerCase();
  return [...KMS_ERROR_CODES].find((known) => stem(known) === stem(code) && stem(known) !== '') ?? didYouMean(code, KMS_ERROR_CODES);
}
