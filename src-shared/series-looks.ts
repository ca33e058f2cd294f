/**
 * How every chart — the app's and the report's — draws a key (an operation, a region, an error
 * code): a palette slot and a hatch. A key's look depends on its name alone, never on what else is
 * charted, so Decrypt is the same blue with and without a filter, in the app and in the report,
 * and in reports of different runs: the keys drills and CloudTrail chart most have a fixed look
 * below, any other takes the slot its name hashes to. Eight colours cannot keep every key apart:
 * a hashed key is hatched (and its legend swatch with it) so that it never looks like a fixed key,
 * nor like a hashed key before it by name in the same chart, rather than moved to another colour,
 * which would repaint the rest.
 *
 * A slot is not a colour: each medium paints the slots its own way (`paintLook`) — the app with
 * `var(--series-N)` for both themes, the report with the app's light colours for white paper.
 */

/** How many colours the palette has: slots 1 to 8. */
export const PALETTE_SIZE = 8;

/** How a key is told from another of its colour; 'solid' is no hatch. In the order a hashed key takes them. */
export const HATCHES = ['solid', 'diagonal', 'back-diagonal', 'horizontal', 'vertical', 'cross', 'grid'] as const;
export type Hatch = (typeof HATCHES)[number];

/** A key's look in any medium: its palette slot (1–8, or 'rest' for "all others") and its hatch. */
export interface SlotLook {
  slot: number | 'rest';
  hatch: Hatch;
}

/** A look painted for one medium. */
export interface SeriesLook {
  /** A colour that medium understands: a CSS var() in the app, a hex colour in the report. */
  colour: string;
  hatch: Hatch;
}

/** A medium's colours: slot N is `slots[N - 1]`; `rest` paints "all others". */
export interface SeriesPalette {
  slots: readonly string[];
  rest: string;
}

/** The folded remainder of a chart is grey: no key's colour, so it is never read as one. */
export const ALL_OTHERS = 'all others';
const REST: SlotLook = { slot: 'rest', hatch: 'solid' };

/**
 * [palette slot (1–8), hatch] by name. Operations: the commonest in CloudTrail (Decrypt,
 * GenerateDataKey, Encrypt, DescribeKey) in blue, amber, green and cyan, well apart, the other common
 * ones in the other four, each rarer one hatched in the colour of its kin
 * (GenerateDataKeyWithoutPlaintext in GenerateDataKey's, ScheduleKeyDeletion in DisableKey's red,
 * the alias calls in DescribeKey's). Regions and error codes are charted apart from operations,
 * so they reuse the colours.
 */
const FIXED: Readonly<Record<string, readonly [number, Hatch]>> = {
  Decrypt: [1, 'solid'], GenerateDataKey: [2, 'solid'], Encrypt: [3, 'solid'], DisableKey: [4, 'solid'],
  CreateKey: [5, 'solid'], DescribeKey: [6, 'solid'], ReplicateKey: [7, 'solid'], ReEncrypt: [8, 'solid'],
  GenerateDataKeyWithoutPlaintext: [2, 'diagonal'], GenerateDataKeyPair: [2, 'back-diagonal'],
  EnableKey: [3, 'diagonal'], CancelKeyDeletion: [3, 'back-diagonal'],
  ScheduleKeyDeletion: [4, 'diagonal'], RevokeGrant: [4, 'back-diagonal'], RetireGrant: [4, 'horizontal'],
  RotateKeyOnDemand: [5, 'diagonal'], EnableKeyRotation: [5, 'back-diagonal'], GetKeyRotationStatus: [5, 'horizontal'], ListKeyRotations: [5, 'vertical'],
  PutKeyPolicy: [8, 'diagonal'], CreateGrant: [8, 'back-diagonal'],
  UpdatePrimaryRegion: [7, 'diagonal'],
  ListAliases: [6, 'diagonal'], CreateAlias: [6, 'back-diagonal'], DeleteAlias: [6, 'horizontal'], ListKeys: [6, 'vertical'],
  // Regions (red left out: a region in red reads as a region in trouble).
  'us-east-1': [1, 'solid'], 'us-west-2': [2, 'solid'], 'eu-west-1': [3, 'solid'], 'eu-central-1': [5, 'solid'],
  'ap-southeast-2': [6, 'solid'], 'ap-northeast-1': [7, 'solid'], 'us-east-2': [8, 'solid'],
  // Error codes, as CloudTrail and the SDK name them.
  AccessDenied: [4, 'solid'], AccessDeniedException: [4, 'diagonal'], DisabledException: [2, 'solid'], KMSInvalidStateException: [5, 'solid'],
  InvalidCiphertextException: [7, 'solid'], IncorrectKeyException: [6, 'solid'], NotFoundException: [8, 'solid'], ThrottlingException: [1, 'solid'],
};

/** The look of `key` by its name alone: fixed, or the hashed slot, solid. */
export function ownSlotLook(key: string): SlotLook {
  if (key === ALL_OTHERS) return REST;
  const fixed = FIXED[key];
  return fixed ? { slot: fixed[0], hatch: fixed[1] } : { slot: hashSlot(key), hatch: 'solid' };
}

/** Whether `key` has a look of its own in the table (else its colour is hashed from its name). */
export function isFixed(key: string): boolean {
  return key in FIXED;
}

/** `slot hatch`: two looks are alike when their ids are equal. */
const lookId = (l: SlotLook) => `${l.slot} ${l.hatch}`;

/**
 * Every fixed look, held back from hashed keys whatever is charted: GetKeyPolicy, hashed to slot 1,
 * drawn solid when charted alone, was exactly Decrypt's look.
 */
const FIXED_LOOKS: ReadonlySet<string> = new Set(Object.keys(FIXED).map((key) => lookId(ownSlotLook(key))));

/**
 * Each key's look in one chart. Fixed keys keep theirs; a hashed key keeps its slot and takes
 * the first hatch of that slot no fixed key has (charted or not) and no hashed key before it in
 * name order has in this chart — so adding or filtering out a key changes no fixed key's look and
 * no key's colour, and a hashed key never looks like a fixed one. When the slot has no such hatch
 * left, it shares the first one no fixed key has.
 */
export function chartSlotLooks(keys: readonly string[]): SlotLook[] {
  const taken = new Set(FIXED_LOOKS);
  const looks = new Map<string, SlotLook>();
  for (const key of keys) if (key === ALL_OTHERS || isFixed(key)) looks.set(key, ownSlotLook(key));
  for (const key of keys.filter((k) => !looks.has(k)).sort()) {
    const { slot } = ownSlotLook(key);
    const free = (hatch: Hatch, held: ReadonlySet<string>) => !held.has(lookId({ slot, hatch }));
    const hatch = HATCHES.find((h) => free(h, taken)) ?? HATCHES.find((h) => free(h, FIXED_LOOKS)) ?? 'solid';
    looks.set(key, { slot, hatch });
    taken.add(lookId({ slot, hatch }));
  }
  return keys.map((k) => looks.get(k) ?? REST);
}

/** A look in one medium's colours. */
export function paintLook(look: SlotLook, palette: SeriesPalette): SeriesLook {
  return { colour: look.slot === 'rest' ? palette.rest : (palette.slots[look.slot - 1] ?? palette.rest), hatch: look.hatch };
}

/** Each key's look in one chart (`chartSlotLooks`), in one medium's colours. */
export function chartLooks(keys: readonly string[], palette: SeriesPalette): SeriesLook[] {
  return chartSlotLooks(keys).map((look) => paintLook(look, palette));
}

/** FNV-1a of the name, onto a palette slot (1–8). */
function hashSlot(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return (h % PALETTE_SIZE) + 1;
}

/**
 * Hatches are stripes of the chart's background over the series colour, 2 px wide every 6 px so
 * they stay visible on a bar a few pixels wide; `rotate` turns a vertical stripe (SVG degrees),
 * the `crossed` ones add the perpendicular one. The app and the report draw them from these numbers.
 */
export const HATCH_STRIPES = {
  period: 6,
  gap: 2,
  rotate: { diagonal: 45, 'back-diagonal': -45, horizontal: 90, vertical: 0, cross: 45, grid: 0 } satisfies Record<Exclude<Hatch, 'solid'>, number>,
  crossed: ['cross', 'grid'] as readonly Hatch[],
} as const;
