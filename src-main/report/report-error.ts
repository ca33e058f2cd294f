/**
 * Why a report could not be made; `code` lets the UI and the CLI react without parsing messages.
 * `unknown-format` and `bad-destination` are the user's to mend (a file name, a folder that is not free).
 */
export type ReportErrorCode = 'unknown-format' | 'invalid-record' | 'no-chromium' | 'print-failed' | 'write-failed' | 'bad-destination';

export class ReportError extends Error {
  override name = 'ReportError';
  constructor(readonly code: ReportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
