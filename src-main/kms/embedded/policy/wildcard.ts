/**
 * IAM-style glob matching: `*` matches any run of characters (including none and including `:`
 * and `/`), `?` matches exactly one character, everything else is literal. Used for Action,
 * Resource, StringLike and the ARN operators.
 */

/** Compiled patterns, keyed by flag + pattern. Policies are re-evaluated on every request, so
 * compiling once matters; the cap keeps a stream of distinct patterns from growing it forever. */
const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 2000;

function escapeRegExp(ch: string): string {
  return /[\\^$.|+()[\]{}*?]/.test(ch) ? `\\${ch}` : ch;
}

function compile(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  const hit = cache.get(cacheKey);
  if (hit !== undefined) return hit;
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += escapeRegExp(ch);
  }
  // `s` so `.` also matches newlines (context values may contain them); `u` so `?` is one code point.
  const re = new RegExp(`^${source}$`, ignoreCase ? 'isu' : 'su');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(cacheKey, re);
  return re;
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** True when `value` matches the glob `pattern`. Case-sensitive unless `ignoreCase`. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (!hasWildcard(pattern)) {
    // Fast path: no need for a RegExp for a literal.
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return compile(pattern, ignoreCase).test(value);
}

/** Splits an ARN into its six colon-separated parts; the sixth (resource) keeps any further colons. */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * ArnEquals / ArnLike (which AWS documents as behaving identically): case-sensitive, and "each of
 * the six colon-delimited components of the ARN is checked separately", so a `*` cannot swallow
 * a colon outside the resource part. A value that is not an ARN never matches.
 */
export function arnMatch(pattern: string, value: string): boolean {
  const p = arnParts(pattern);
  const v = arnParts(value);
  if (p === undefined || v === undefined) return false;
  return p.every((part, i) => wildcardMatch(part, v[i] ?? ''));
}

/** Visible for tests: how many compiled patterns are cached. */
export function wildcardCacheSize(): number {
  return cache.size;
}
