/** How each backend is named in a sentence. */
const NAMES: Record<string, string> = { embedded: 'the embedded KMS', localstack: 'LocalStack\'s KMS', aws: 'AWS KMS' };

/**
 * A KMS backend as a sentence names it: "LocalStack's KMS at http://localhost:4566", "AWS KMS at its
 * regional endpoints". A run record's endpoint is a URL, or already a description ("the embedded KMS
 * in this process (…)"), which is used as it is rather than put after "at".
 */
export function backendText(kind: string, endpoint: string | undefined): string {
  const name = NAMES[kind] ?? `the ${kind} KMS`;
  if (!endpoint) return kind === 'aws' ? 'AWS KMS at its regional endpoints' : name;
  return /^[a-z][a-z\d+.-]*:\/\//i.test(endpoint) ? `${name} at ${endpoint}` : endpoint;
}
