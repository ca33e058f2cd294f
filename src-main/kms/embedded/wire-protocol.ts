import type { IncomingHttpHeaders } from 'node:http';

/**
 * How the embedded KMS recognises a request as AWS's front end does, before any signature or
 * operation is looked at: a POST in the JSON protocol (`Content-Type: application/x-amz-json-1.1`,
 * or 1.0; parameters such as `; charset=utf-8` are ignored). A request in no protocol AWS knows is
 * not mapped to any operation: AWS answers HTTP 404 with the bare XML `<UnknownOperationException/>`
 * (as LocalStack's AWS-validated SQS tests record for the same front end), and so does this server.
 */
const JSON_PROTOCOL_TYPES = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0']);

export function isJsonProtocol(method: string, headers: IncomingHttpHeaders): boolean {
  const type = String(headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return method === 'POST' && JSON_PROTOCOL_TYPES.has(type);
}

/** The answer to a request in no known protocol. */
export const UNKNOWN_OPERATION_RESPONSE = {
  status: 404,
  headers: { 'content-type': 'text/xml' },
  body: '<UnknownOperationException/>',
} as const;
