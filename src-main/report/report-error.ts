/** Why a report could not be made; `code` lets the UI and the CLI react without parsing messages. */
export type ReportErrorCode = 'unknown-format' | 'invalid-record' | 'no-chromium' | 'print-failed' | 'write-failed';

export class ReportError extends Error {
  override name = 'ReportError';
  constructor(readonly code: ReportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
