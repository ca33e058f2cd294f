/**
 * A KMS call sequence's outcomes, normalised so two backends can be compared field by field:
 * identifiers, dates and ciphertexts become placeholders (they differ by nature), while shapes,
 * states, enums, lengths and error codes stay as they are (they must agree).
 */
export interface StepOutcome {
  step: string;
  outcome: unknown;
}

export class Transcript {
  readonly steps: StepOutcome[] = [];

  async call<T>(step: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await run();
      const { $metadata: _, ...rest } = result as Record<string, unknown>;
      this.steps.push({ step, outcome: normalise(rest) });
      return result;
    } catch (err) {
      this.steps.push({ step, outcome: { error: (err as Error).name } });
      return undefined;
    }
  }

  /** Records a value the sequence computed itself (e.g. "the plaintexts match"). */
  note(step: string, outcome: unknown): void {
    this.steps.push({ step, outcome });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MRK = /^mrk-[0-9a-f]{32}$/;

export function normalise(value: unknown, key = ''): unknown {
  if (value instanceof Uint8Array) return key === 'CiphertextBlob' ? '<ciphertext>' : `<${value.length} bytes>`;
  if (value instanceof Date) return '<date>';
  if (Array.isArray(value)) return value.map((v) => normalise(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, normalise(v, k)]));
  }
  if (typeof value !== 'string') return value;
  if (/^arn:aws:kms:/.test(value)) {
    const [, , , region, , resource = ''] = value.split(':');
    return `arn:${region}:${resource.startsWith('alias/') ? resource : resource.includes('mrk-') ? 'key/<mrk>' : 'key/<key>'}`;
  }
  if (UUID.test(value)) return '<key-id>';
  if (MRK.test(value)) return '<mrk-id>';
  if (/^\d{12}$/.test(value)) return '<account>';
  if (key === 'KeyMaterialId' || key === 'CurrentKeyMaterialId' || key === 'SourceKeyMaterialId' || key === 'DestinationKeyMaterialId') return '<material-id>';
  if (key === 'GrantId' || key === 'GrantToken' || key === 'NextMarker' || key === 'Policy') return `<${key}>`;
  return value;
}
