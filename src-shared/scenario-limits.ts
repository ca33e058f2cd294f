/**
 * The most a scenario handed to the app may be, in characters (a scenario file's limit,
 * scenario-loader.ts MAX_SCENARIO_BYTES, is in bytes). Here, with no schema library: the editor on
 * the renderer's first screen says it before asking.
 */
export const MAX_SCENARIO_CHARACTERS = 2 * 1024 * 1024;
