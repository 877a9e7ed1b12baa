// Limits and exit statuses shared by the CLI and the job (DESIGN §6, §8).

/** Longest stdin command line; longer ones are rejected (COMMAND_REJECTED) without being buffered. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Largest session spec (1,000,000 paths fit comfortably). */
export const MAX_SPEC_BYTES = 256 * 1024 * 1024;
/** Longest management frame line / frame from ascp. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Deepest nesting of arrays and objects in a session spec or a command. Specs need a handful of levels (tags);
 * the bound keeps recursive walks (validation, serialization) far from the stack's limit.
 */
export const MAX_JSON_DEPTH = 100;

export const EXIT = {
  OK: 0,
  FAILED: 1,
  INVALID_INPUT: 2,
  NO_ASCP: 3,
  CANCELLED: 130,
} as const;
