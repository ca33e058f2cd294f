import { isAbsolute } from 'node:path';
import type { VerifyBundleOutcome } from '../../src-shared/api-bundle-verification';
import { NotAnAuditBundle, verifyAuditBundle } from '../report/bundle-verification';
import { AppError } from './app-error';
import type { DesktopShell } from './desktop-shell';

/**
 * `reports:verify`: checks an audit bundle handed to an auditor with `keydrill verify`'s own code
 * (report/bundle-verification.ts), so the window and the CLI give the same verdict. The desktop
 * window picks the folder in its native folder dialog; a browser served by `keydrill ui` has no
 * paths to give, so its user types the folder's path — on the machine that serves the UI, where
 * main reads it.
 */
export async function verifyBundleFromApp(
  args: { path?: string | undefined; pick?: boolean | undefined },
  desktop: DesktopShell | undefined,
  signal?: AbortSignal,
): Promise<VerifyBundleOutcome> {
  let dir = args.path;
  if (args.pick) {
    if (!desktop) throw new AppError('bad-request', 'A folder dialog opens only in the desktop window: type or paste the audit bundle folder\'s full path.');
    dir = await desktop.chooseFolder('Verify an Audit Bundle', 'Verify');
    if (dir === undefined) return { cancelled: true };
  }
  if (dir === undefined) throw new AppError('bad-request', 'Give the audit bundle folder\'s full path.');
  // Main's working folder means nothing to the user typing the path, so a relative one is refused, not guessed at.
  if (!isAbsolute(dir)) throw new AppError('bad-request', `${dir} is not a full path: give the audit bundle folder's path from the root (such as /home/me/bundles/run-audit) on the machine that runs KeyDrill.`);
  try {
    return { ...(await verifyAuditBundle(dir, { signal })), cancelled: false };
  } catch (err) {
    if (err instanceof NotAnAuditBundle) throw new AppError(err.found ? 'bad-request' : 'not-found', `${err.message}.`);
    throw err;
  }
}
