/**
 * KMS errors as they cross the wire: `{"__type": "<Name>", "message": "..."}` with an HTTP status.
 * The SDK maps `__type` to the thrown error's `name`, so these names are the contract with every
 * client. Messages follow AWS's wording where it is known, and never carry key material.
 */
export type KmsErrorName =
  | 'AccessDeniedException'
  | 'AlreadyExistsException'
  | 'DisabledException'
  | 'DryRunOperationException'
  | 'IncompleteSignatureException'
  | 'IncorrectKeyException'
  | 'InvalidAliasNameException'
  | 'InvalidArnException'
  | 'InvalidCiphertextException'
  | 'InvalidGrantIdException'
  | 'InvalidGrantTokenException'
  | 'InvalidKeyUsageException'
  | 'InvalidMarkerException'
  | 'InvalidSignatureException'
  | 'KMSInternalException'
  | 'KMSInvalidStateException'
  | 'LimitExceededException'
  | 'MalformedPolicyDocumentException'
  | 'MissingAuthenticationTokenException'
  | 'NotFoundException'
  | 'SerializationException'
  | 'TagException'
  | 'ThrottlingException'
  | 'UnknownOperationException'
  | 'UnrecognizedClientException'
  | 'UnsupportedOperationException'
  | 'ValidationException';

export class KmsError extends Error {
  constructor(
    readonly code: KmsErrorName,
    message: string,
    readonly httpStatus: number = code === 'KMSInternalException' ? 500 : 400,
  ) {
    super(message);
    this.name = code;
  }

  /** AWS sends some errors with no message at all (InvalidCiphertextException): then none is sent. */
  toWire(): { __type: string; message?: string } {
    return this.message ? { __type: this.code, message: this.message } : { __type: this.code };
  }
}

export const kmsError = (code: KmsErrorName, message: string): KmsError => new KmsError(code, message);
