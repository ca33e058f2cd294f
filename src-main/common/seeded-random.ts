/**
 * A small, fast, seedable random source (mulberry32) for reproducible choices: which calls a
 * throttle refuses, latency jitter, synthetic benchmark data. Never for key material.
 */
export function seededRandom(seed: number): () => number {
  // A seed may be any safe integer (scenario `seed`, --seed): its high 32 bits are mixed in, so seeds
  // 2^32 apart do not share their choices. Below 2^32 the state is the seed itself, as it always was.
  let state = ((seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b1)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
