import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Settings } from '../../src-shared/api';

const DEFAULTS: Settings = { backend: { kind: 'embedded' } };

/** The settings the UI edits, kept as JSON in the data folder; a damaged file falls back to the defaults. */
export class SettingsService {
  constructor(private readonly file: string) {}

  get(): Settings {
    if (!existsSync(this.file)) return DEFAULTS;
    try {
      const parsed = Settings.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data : DEFAULTS;
    } catch {
      return DEFAULTS;
    }
  }

  set(settings: Settings): Settings {
    const checked = Settings.parse(settings);
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
    return checked;
  }
}
