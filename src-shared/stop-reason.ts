/**
 * Why a cancelled or interrupted run stopped, as "<status>: <reason>" ("interrupted: the drill
 * failed: Could not load credentials from any providers"): the same words in `keydrill runs show`,
 * on the Drills page and on the Reports page. Undefined for any other run, or one whose record kept
 * no reason.
 */
export function stopReasonText(run: { status: string; reason?: string | undefined }): string | undefined {
  return run.reason && (run.status === 'cancelled' || run.status === 'interrupted') ? `${run.status}: ${run.reason}` : undefined;
}

/**
 * The reason alone, for a view whose badge already says "cancelled" or "interrupted" (the run view
 * said "cancelled" twice: in its badge and again before the reason).
 */
export function stopReasonAlone(run: { status: string; reason?: string | undefined }): string | undefined {
  return stopReasonText(run) === undefined ? undefined : run.reason;
}
