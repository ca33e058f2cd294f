import { useRef, useState, type DragEvent } from 'react';
import type { ImportFile } from '../../src-shared/api';
import { call } from './api-client';

/** As the contract allows: 100 files a call, 36 MiB each. */
const MAX_FILES = 100;
const MAX_BYTES = 36 * 1024 * 1024;
const LOG_NAME = /\.(json|gz)$/i;

/**
 * CloudTrail log files from a file picker or dropped on the zone, sent to main as base64
 * (`audit:import-files`): a browser has no file paths to give, and the desktop window uses the
 * same path. Files that cannot be sent are named here, before anything is sent.
 */
export function ImportFilesForm({ onStarted, onChosen }: { onStarted: (jobId: string, files: number) => void; onChosen: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const send = async (list: File[]) => {
    setError(undefined);
    // A new choice: what became of the last one is not shown under what becomes of this one.
    onChosen();
    const skipped = list.filter((f) => !LOG_NAME.test(f.name)).map((f) => f.name);
    const files = list.filter((f) => LOG_NAME.test(f.name));
    const large = files.filter((f) => f.size > MAX_BYTES).map((f) => f.name);
    if (large.length) return setError(`Larger than 36 MiB, so not sent: ${large.join(', ')}. Import such files with \`keydrill audit import\`.`);
    if (files.length === 0) return setError(skipped.length ? `Not CloudTrail log files (.json or .json.gz): ${skipped.join(', ')}.` : 'Choose at least one .json or .json.gz file.');
    if (files.length > MAX_FILES) return setError(`${files.length} files at once is too many: import at most ${MAX_FILES} at a time.`);
    setBusy(true);
    try {
      const uploads: ImportFile[] = await Promise.all(files.map(async (f) => ({ name: f.name, data: await readBase64(f) })));
      const { jobId } = await call('audit:import-files', { files: uploads });
      onStarted(jobId, files.length);
      if (skipped.length) setError(`Left out, not CloudTrail log files (.json or .json.gz): ${skipped.join(', ')}.`);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (!busy) void send([...e.dataTransfer.files]);
  };

  return (
    <div className="import-files">
      <label className={`drop-zone${over ? ' over' : ''}`} data-testid="import-drop-zone"
        onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; setOver(true); }}
        onDragLeave={() => setOver(false)} onDrop={drop}>
        <span><strong>Drop CloudTrail log files here</strong> (.json or .json.gz, as CloudTrail writes them to S3), or choose them:</span>
        <input ref={input} type="file" multiple accept=".json,.gz,application/json,application/gzip" disabled={busy}
          aria-label="CloudTrail log files to import" data-testid="import-file-input"
          onChange={(e) => void send([...(e.target.files ?? [])])} />
        {busy ? <span className="muted">Reading and sending…</span> : null}
      </label>
      {error ? <p className="error" role="alert">{error}</p> : null}
    </div>
  );
}

/** The file's bytes as base64, read by the browser itself (a data: URL holds them after the comma). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(new Error(`${file.name} could not be read: ${reader.error?.message ?? 'unknown error'}`));
    reader.readAsDataURL(file);
  });
}
