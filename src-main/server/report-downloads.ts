import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { refusal, sendJson, type Refusal } from './http-replies';

/** Where the browser fetches exported reports; the rest of the path is one file name. */
export const REPORT_DOWNLOAD_PREFIX = '/downloads/reports/';

const REPORT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.pdf': 'application/pdf',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

interface ReportFile {
  path: string;
  name: string;
  type: string;
  size: number;
}

/**
 * Finds the report a download path names, directly inside `reportsDir` (<data folder>/reports, where
 * ReportService writes). The browser has no file system to open an export from, so this is how an
 * export reaches it. Works on the raw request path, before URL parsing: the WHATWG parser turns `\`
 * into `/` and folds `..` away, which would hide a traversal attempt instead of refusing it.
 */
export function findReport(reportsDir: string, rawPath: string): ReportFile | Refusal {
  if (!rawPath.startsWith(REPORT_DOWNLOAD_PREFIX)) return refusal(404, 'not-found', `Downloads are under ${REPORT_DOWNLOAD_PREFIX}<file name>.`);
  const encoded = rawPath.slice(REPORT_DOWNLOAD_PREFIX.length);
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    return refusal(400, 'bad-request', 'The report name is not valid percent-encoding.');
  }
  if (name === '') return refusal(400, 'bad-request', `Name a report file: ${REPORT_DOWNLOAD_PREFIX}<file name>.`);
  if (/[/\\\0]/.test(name) || /[/\\]/.test(encoded) || name.includes('..')) {
    return refusal(400, 'bad-request', 'A report download names one file of the reports folder: no folders, "..", backslashes or NUL.');
  }
  const type = REPORT_TYPES[extname(name).toLowerCase()];
  if (!type) return refusal(404, 'not-found', `Only exported reports download here (.html, .pdf, .json, .csv), not ${JSON.stringify(name)}; CloudTrail exports are folders on disk.`);
  const missing = refusal(404, 'not-found', `No exported report named ${JSON.stringify(name)}: export it from the Reports page first.`);
  let dir: string;
  let path: string;
  try {
    dir = realpathSync(reportsDir);
    path = realpathSync(join(dir, name));
  } catch {
    return missing;
  }
  // A symbolic link in the folder must not lead out of it.
  if (dirname(path) !== dir) return refusal(404, 'not-found', `${JSON.stringify(name)} is not a file of the reports folder.`);
  const stat = statSync(path);
  if (!stat.isFile()) return refusal(404, 'not-found', `${JSON.stringify(name)} is a folder, not a report file.`);
  return { path, name, type, size: stat.size };
}

/** Sends the report as an attachment (GET) or only its headers (HEAD). */
export async function serveReport(req: IncomingMessage, res: ServerResponse, reportsDir: string, rawPath: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, refusal(405, 'bad-request', 'Downloads are GET requests.').outcome);
  const found = findReport(reportsDir, rawPath);
  if ('status' in found) return sendJson(res, found.status, found.outcome);
  res.writeHead(200, {
    'content-type': found.type,
    'content-length': found.size,
    'content-disposition': attachment(found.name),
    'cache-control': 'no-store',
    // A report is the user's own file, but if a browser ever rendered it inline it must not run as the app.
    'content-security-policy': 'sandbox',
  });
  if (req.method === 'HEAD') return void res.end();
  await pipeline(createReadStream(found.path), res);
}

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\w.-]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
