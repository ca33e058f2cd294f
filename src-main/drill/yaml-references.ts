import { isAlias, isMap, isNode, isScalar, isSeq, type Alias, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';

/**
 * The aliases (`*node`) and merge keys (`<<: *node`) of a parsed scenario, read once before it is
 * turned into data, so that what goes wrong with them is said with the line it is written on:
 *  - an alias naming no anchor defined before it;
 *  - an alias inside the very value its anchor names (it would expand without end);
 *  - a merge of something that is not a mapping;
 *  - aliases that add more than MAX_ALIAS_EXPANSION values (a "billion laughs" bomb: nine
 *    aliases of nine aliases of … is a few lines of text and gigabytes of data).
 * It also finds the node at a path of the data through aliases and merge keys, so a problem in a
 * merged-in value points at the line where that value is written.
 */
export interface ReferenceProblem {
  /** The path of the data where the problem is (formatted by the loader). */
  path: (string | number)[];
  line: number | undefined;
  message: string;
}

/**
 * Values (scalars, mappings and lists) the aliases and merges of a scenario may add to it once
 * expanded. Merging a node's settings into two thousand nodes adds some 20,000; a bomb adds millions
 * from a few lines. Every value added is one more for the schema to check (and, when wrong, one more
 * problem to report): at this bound the worst a file can cost stays under a second.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/** A YAML 1.1 merge key: the parser (with `merge: true`) reads an unquoted `<<` key as this symbol. */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';
}

/** An alias as written: where, and the values it expands to (Infinity inside its own anchor's value, 0 naming no anchor). */
interface AliasUse {
  alias: Alias;
  path: (string | number)[];
  size: number;
}

export class YamlReferences {
  /** Anchor name → the node it is on, as the walk meets them: an alias takes the last anchor before it. */
  private readonly anchors = new Map<string, Node>();
  private readonly targets = new Map<Alias, Node>();
  /** Expanded sizes of anchored nodes; an anchored node being walked has none yet. */
  private readonly sizes = new Map<Node, number>();
  private readonly aliases: AliasUse[] = [];
  private readonly merges: { pair: Pair; path: (string | number)[] }[] = [];
  /** A second merge key in one mapping: YAML 1.1 writes several merges as one list, and a mapping's keys are unique. */
  private readonly repeatedMerges: { pair: Pair; path: (string | number)[] }[] = [];
  private readonly path: (string | number)[] = [];
  /** Values as written (an alias counts one), and once every alias is expanded. */
  private written = 0;
  private readonly expanded: number;

  constructor(private readonly doc: Document, private readonly lines: LineCounter) {
    this.expanded = this.walk(doc.contents);
  }

  /** What is wrong with the document's aliases and merges, each with its line; empty when nothing is. */
  problems(): ReferenceProblem[] {
    const dangling = this.aliases.filter((a) => !this.targets.has(a.alias));
    if (dangling.length) return dangling.map((a) => this.at(a.path, a.alias, `the alias *${a.alias.source} names no anchor (&${a.alias.source}) defined before it`));
    const endless = this.aliases.find((a) => a.size === Infinity);
    if (endless) return [this.at(endless.path, endless.alias, `the alias *${endless.alias.source} is inside the value its anchor &${endless.alias.source} is on: it would expand without end`)];
    const added = this.expanded - this.written;
    const largest = this.aliases.reduce<AliasUse | undefined>((a, b) => (a && a.size >= b.size ? a : b), undefined);
    if (largest && added > MAX_ALIAS_EXPANSION) {
      const n = (count: number) => count.toLocaleString('en');
      return [this.at(largest.path, largest.alias, `the YAML aliases add ${n(added)} values to this scenario, more than the ${n(MAX_ALIAS_EXPANSION)} they may (an alias bomb?); the largest is *${largest.alias.source}, ${n(largest.size)} values`)];
    }
    if (this.repeatedMerges.length) {
      return this.repeatedMerges.map(({ pair, path }) => this.at(path, pair.key, 'the merge key << is written twice in this mapping: merge several mappings with one, <<: [*a, *b] (the first listed wins a key both have)'));
    }
    return this.merges.flatMap(({ pair, path }) => this.mergeSources(pair).flatMap((source) => {
      const target = this.resolve(source);
      if (isMap(target)) return [];
      // An item of an aliased list is written far from here: name it by the alias, on the merge's line.
      const viaList = isAlias(pair.value) && source !== pair.value ? pair.value : undefined;
      const subject = isAlias(source) ? `*${source.source}` : viaList ? `an item of *${viaList.source}` : 'this';
      return [this.at(path, viaList ?? source, `a merge key (<<) merges mappings into this one, and ${subject} is ${describe(target)}: write <<: *name with &name on a mapping, or a list of them, <<: [*a, *b]`)];
    }));
  }

  /**
   * The document as plain data, once problems() is empty. Built here rather than by the parser's
   * toJS, which looks each alias up by scanning the document anew: 80,000 aliases took minutes.
   * An alias shares its anchor's data, as toJS's does; a merge copies the members the mapping does
   * not write itself (YAML 1.1: explicit keys win, then earlier merges over later ones).
   */
  data(): unknown {
    const anchored = new Map<Node, unknown>();
    const build = (node: unknown): unknown => {
      if (isAlias(node)) {
        const target = this.targets.get(node);
        return target && anchored.has(target) ? anchored.get(target) : build(target);
      }
      let value: unknown = null;
      if (isScalar(node)) value = node.value;
      else if (isSeq(node)) value = node.items.map(build);
      else if (isMap(node)) {
        const map: Record<string, unknown> = {};
        const own = new Set(node.items.filter((p) => !isMergeKey(p.key)).map((p) => keyText(p.key)));
        for (const pair of node.items) {
          if (!isMergeKey(pair.key)) define(map, keyText(pair.key), build(pair.value));
          else for (const source of this.mergeSources(pair)) {
            for (const [key, member] of Object.entries(build(source) as Record<string, unknown>)) if (!own.has(key) && !Object.hasOwn(map, key)) define(map, key, member);
          }
        }
        value = map;
      }
      if (isNode(node) && node.anchor) anchored.set(node, value);
      return value;
    };
    return build(this.doc.contents);
  }

  /** The node at `path` in the data, found through aliases and merge keys as the data was built: where its value is written. */
  nodeAt(path: readonly PropertyKey[]): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const step of path) {
      const here = this.resolve(node);
      if (isSeq(here) && typeof step === 'number') node = here.items[step];
      else if (isMap(here)) node = this.member(here, String(step))?.value;
      else return undefined;
    }
    return isNode(node) ? node : undefined;
  }

  /** The pair that gives the mapping at `path` its member `key`: its own, or one a merge brings in. */
  pairAt(path: readonly PropertyKey[], key: string): Pair | undefined {
    const parent = this.resolve(this.nodeAt(path));
    return isMap(parent) ? this.member(parent, key) : undefined;
  }

  lineOf(node: unknown): number | undefined {
    return isNode(node) && node.range ? this.lines.linePos(node.range[0]).line : undefined;
  }

  /**
   * Walks the document in order (anchors before the aliases that name them, as YAML resolves them),
   * noting each alias's target and each merge key, and returns the values `node` expands to.
   * `merged`: the node is a merge key's value, whose list (`<<: [*a, *b]`) is no list of the data.
   */
  private walk(node: unknown, merged = false): number {
    if (isAlias(node)) {
      this.written += 1;
      const target = this.anchors.get(node.source);
      if (target) this.targets.set(node, target);
      // A target still being walked encloses this alias.
      const size = target ? (this.sizes.get(target) ?? Infinity) : 0;
      this.aliases.push({ alias: node, path: [...this.path], size });
      return size;
    }
    if (!isNode(node)) return 0;
    this.written += 1;
    if (node.anchor) this.anchors.set(node.anchor, node);
    let size = 1;
    if (isMap(node)) {
      let merges = 0;
      for (const pair of node.items) {
        size += this.walk(pair.key);
        // A merged mapping's members are this mapping's: no path step for the merge key.
        const merge = isMergeKey(pair.key);
        if (merge) (++merges > 1 ? this.repeatedMerges : this.merges).push({ pair, path: [...this.path] });
        else this.path.push(keyText(pair.key));
        size += this.walk(pair.value, merge);
        if (!merge) this.path.pop();
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (!merged) this.path.push(i);
        size += this.walk(item);
        if (!merged) this.path.pop();
      });
    }
    if (node.anchor) this.sizes.set(node, size);
    return size;
  }

  /** The explicit member wins wherever it is written; else the first merged mapping that has it (YAML 1.1's merge order). */
  private member(map: YAMLMap, key: string, seen = new Set<YAMLMap>()): Pair | undefined {
    const own = map.items.find((p) => !isMergeKey(p.key) && keyText(p.key) === key);
    if (own) return own;
    seen.add(map);
    for (const pair of map.items) {
      if (!isMergeKey(pair.key)) continue;
      for (const source of this.mergeSources(pair)) {
        const merged = this.resolve(source);
        const found = isMap(merged) && !seen.has(merged) ? this.member(merged, key, seen) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  }

  /** What a merge key merges: one mapping, or each item of a list (an alias of a list included, as the parser reads it). */
  private mergeSources(pair: Pair): unknown[] {
    const value = this.resolve(pair.value);
    return isSeq(value) ? value.items : [pair.value];
  }

  private resolve(node: unknown): unknown {
    return isAlias(node) ? this.targets.get(node) : node;
  }

  private at(path: (string | number)[], node: unknown, message: string): ReferenceProblem {
    return { path, line: this.lineOf(node), message };
  }
}

/** A mapping key as the data's property name (an empty key is "", as the parser gives it). */
function keyText(key: unknown): string {
  const value = isScalar(key) ? key.value : key;
  return value === null || value === undefined ? '' : String(value);
}

/** Set as an own property, so that a key named __proto__ is data like any other, not the object's prototype. */
function define(map: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}

/** "a list", "the text "us-east-1"", "the number 3", "empty". */
function describe(node: unknown): string {
  if (isSeq(node)) return 'a list';
  if (!isScalar(node) || node.value === null) return 'empty';
  return typeof node.value === 'string' ? `the text "${node.value}"` : `the ${typeof node.value} ${String(node.value)}`;
}
