/**
 * What the scenario's JSON Schema says at a place in a YAML text: the keys a mapping may have there,
 * the values a key may take, and the description of a key — for the editor's completion and hover
 * help. YAML is read line by line, as scenario files are written: block mappings and lists, and the
 * one-line flow mappings the built-in scenarios use for steps (`- { do: kms-region-outage, at: 2h }`).
 * A step's or an expectation's members come from the branch its `do:` / `expect:` names.
 */
export type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
};

/** A step of the path: a mapping key, or an item of a list (with the members already written in it, to pick a oneOf branch). */
export type PathStep = { key: string } | { item: Record<string, string> };

export interface Place {
  /** Where the cursor is, from the document's root. */
  path: PathStep[];
  /** Writing a key (with what is typed of it so far), or the value of `key`. */
  kind: 'key' | 'value';
  key?: string;
  /** The members already written in the mapping at the cursor (not offered again). */
  siblings: Record<string, string>;
  /** Where the word being typed starts (offset in the document). */
  from: number;
}

const KEY_LINE = /^(\s*)(-\s+)?([A-Za-z_][\w-]*):(?:\s+(.*))?$/;

/** The mapping/list ancestry of the cursor, by indentation. */
export function placeAt(text: string, offset: number): Place {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.slice(lineStart);
  const lines = text.slice(0, lineStart).split('\n');
  lines.pop();
  const indent = line.match(/^\s*/)?.[0].length ?? 0;
  const inItem = /^\s*-\s/.test(line);
  const itemIndent = inItem ? indent + (line.match(/^\s*-\s+/)?.[0].length ?? 2) - indent : indent;

  // Ancestors: walk up, taking each line less indented than the current block.
  const path: PathStep[] = [];
  let limit = indent;
  for (let i = lines.length - 1; i >= 0 && limit > 0; i--) {
    const l = lines[i] as string;
    if (!l.trim() || l.trim().startsWith('#')) continue;
    const ind = l.match(/^\s*/)?.[0].length ?? 0;
    if (ind >= limit) continue;
    const m = l.match(KEY_LINE);
    if (/^\s*-\s/.test(l)) {
      path.unshift({ item: m ? { [m[3] as string]: (m[4] ?? '').trim() } : {} });
      // `- key: value` opens a mapping whose members sit at the dash's indent + 2.
      limit = ind;
      if (m && !m[4]) path.splice(1, 0, { key: m[3] as string });
      continue;
    }
    if (m && (m[4] === undefined || m[4].trim() === '')) path.unshift({ key: m[3] as string });
    limit = ind;
  }
  // The members written above the cursor and below it: neither is offered again.
  const after = text.slice(offset).split('\n').slice(1);
  const siblings = { ...followingSiblings(after, indent, inItem), ...blockSiblings(lines, indent, inItem) };

  // Inside a one-line flow mapping `{ ... }`: its members, and the key or value being written.
  const open = line.lastIndexOf('{');
  if (open >= 0 && line.indexOf('}', open) < 0) {
    const inside = line.slice(open + 1);
    const members = flowMembers(line.slice(open + 1));
    const here = inside.slice(inside.lastIndexOf(',') + 1);
    const keyed = here.match(/^\s*([A-Za-z_][\w-]*):\s*(.*)$/);
    if (/^\s*-\s/.test(line) || line.trimStart().startsWith('{')) path.push({ item: members });
    else {
      const outer = line.match(KEY_LINE);
      if (outer) path.push({ key: outer[3] as string });
    }
    if (keyed) return { path, kind: 'value', key: keyed[1], siblings: members, from: offset - (keyed[2] ?? '').length };
    const word = here.match(/[\w-]*$/)?.[0] ?? '';
    return { path, kind: 'key', siblings: members, from: offset - word.length };
  }

  const m = line.match(/^(\s*)(-\s+)?([A-Za-z_][\w-]*):\s+(.*)$/) ?? line.match(/^(\s*)(-\s+)?([A-Za-z_][\w-]*):()$/);
  if (inItem) path.push({ item: siblings });
  void itemIndent;
  if (m && line.includes(':')) {
    const value = m[4] ?? '';
    return { path, kind: 'value', key: m[3], siblings, from: offset - value.length };
  }
  const word = line.match(/[\w-]*$/)?.[0] ?? '';
  return { path, kind: 'key', siblings, from: offset - word.length };
}

/** `do: x, at: 2h` -> { do: 'x', at: '2h' } */
export function flowMembers(inside: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of inside.split(',')) {
    const m = part.match(/^\s*([A-Za-z_][\w-]*):\s*(.*?)\s*}?\s*$/);
    if (m) out[m[1] as string] = (m[2] ?? '').replace(/^["']|["']$/g, '');
  }
  return out;
}

/** The members already written in the block mapping around the cursor line (same indent). */
function blockSiblings(lines: string[], indent: number, inItem: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const memberIndent = inItem ? indent + 2 : indent;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] as string;
    if (!l.trim()) continue;
    const ind = l.match(/^\s*/)?.[0].length ?? 0;
    if (ind < indent || (inItem && ind === indent)) break;
    const m = l.match(KEY_LINE);
    if (m && ind + (m[2]?.length ?? 0) === memberIndent) out[m[3] as string] = (m[4] ?? '').trim();
    if (!inItem && /^\s*-\s/.test(l) && ind === indent) break;
  }
  return out;
}

/** The members written below the cursor line in the same block mapping, until the mapping ends. */
function followingSiblings(lines: string[], indent: number, inItem: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const memberIndent = inItem ? indent + 2 : indent;
  for (const l of lines) {
    if (!l.trim() || l.trim().startsWith('#')) continue;
    const ind = l.match(/^\s*/)?.[0].length ?? 0;
    // A line less indented ends the mapping; so does the next item of the list the cursor's item is in.
    if (ind < memberIndent || /^\s*-\s/.test(l) && ind <= indent) break;
    const m = l.match(KEY_LINE);
    if (m && !m[2] && ind === memberIndent) out[m[3] as string] = (m[4] ?? '').trim();
  }
  return out;
}

/** The schema at `path`, choosing among oneOf/anyOf branches by the members written (`do`, `expect`). */
export function schemaAt(root: JsonSchema, path: PathStep[]): JsonSchema | undefined {
  let s: JsonSchema | undefined = root;
  for (const step of path) {
    if (!s) return undefined;
    if ('key' in step) s = branch(s, {}).properties?.[step.key];
    else s = branch(s.items ?? s, step.item);
  }
  return s && branch(s, {});
}

/** The branch of a union whose constant members match what is written; the union itself when none is chosen. */
export function branch(s: JsonSchema, written: Record<string, string>): JsonSchema {
  const options = s.oneOf ?? s.anyOf;
  if (!options) return s;
  const objects = options.filter((o) => o.properties);
  const chosen = objects.find((o) => Object.entries(o.properties ?? {}).some(([k, p]) => p.const !== undefined && written[k] === String(p.const)));
  if (chosen) return chosen;
  if (objects.length === 1) return objects[0] as JsonSchema;
  // Not chosen yet: the members every branch has, so the discriminating key can be offered.
  const props: Record<string, JsonSchema> = {};
  for (const o of objects) for (const [k, p] of Object.entries(o.properties ?? {})) props[k] ??= p.const !== undefined ? { ...p, enum: objects.map((x) => x.properties?.[k]?.const).filter((c) => c !== undefined) } : p;
  return objects.length ? { ...s, properties: props } : s;
}

export interface Suggestion {
  label: string;
  detail?: string | undefined;
  info?: string | undefined;
}

/** What may be written at the cursor. */
export function suggestions(root: JsonSchema, place: Place): Suggestion[] {
  const here = schemaAt(root, place.path);
  if (!here) return [];
  if (place.kind === 'key') {
    const chosen = branch(here, place.siblings);
    return Object.entries(chosen.properties ?? {})
      .filter(([k]) => !(k in place.siblings))
      .map(([k, p]) => ({ label: k, detail: typeOf(p), info: p.description }));
  }
  const chosen = branch(here, place.siblings);
  const prop = chosen.properties?.[place.key ?? ''];
  if (!prop) return [];
  const values = valuesOf(prop);
  if (values.length) {
    // A discriminator: each value is a branch, described by that branch.
    const options = here.oneOf ?? here.anyOf ?? [];
    return values.map((v) => {
      const b = options.find((o) => o.properties?.[place.key ?? '']?.const === v);
      return { label: String(v), detail: typeOf(prop), info: b?.description };
    });
  }
  return (prop.examples ?? []).map((v) => ({ label: String(v), detail: 'example', info: prop.description }));
}

/** The description of `key` in the mapping at the cursor, for hover help. */
export function describeKey(root: JsonSchema, place: Place, key: string): string | undefined {
  const here = schemaAt(root, place.path);
  if (!here) return undefined;
  const prop = branch(here, place.siblings).properties?.[key];
  if (!prop) return undefined;
  const values = valuesOf(prop);
  // The editor shows the key beside this: without a description, the type alone (not "region: region: string").
  return [prop.description ?? typeOf(prop) ?? 'a value', values.length ? `One of: ${values.join(', ')}.` : '', prop.default !== undefined ? `Default: ${JSON.stringify(prop.default)}.` : ''].filter(Boolean).join(' ');
}

function valuesOf(p: JsonSchema): unknown[] {
  if (p.enum) return p.enum;
  if (p.const !== undefined) return [p.const];
  if (p.type === 'boolean') return [true, false];
  const union = p.anyOf ?? p.oneOf;
  if (union) return union.flatMap((u) => (u.const !== undefined ? [u.const] : u.enum ?? []));
  return [];
}

function typeOf(p: JsonSchema): string | undefined {
  if (p.type) return Array.isArray(p.type) ? p.type.join(' | ') : p.type;
  if (p.oneOf ?? p.anyOf) return 'one of several';
  return undefined;
}
