import { z } from 'zod';
import { SEED_RANGE } from './seed-text';

/**
 * A drill's random seed, wherever it is given (a scenario's `seed:`, `drill run --seed`, the Drills
 * page, the `drills:run` request), in SEED_RANGE. The same scenario with the same seed plays the same run.
 */
export const Seed = z.number().int().min(SEED_RANGE.min).max(SEED_RANGE.max);
