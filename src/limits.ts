// Limits and exit statuses shared by the CLI and the job (docs/protocol.md §9, §5).
// The values live in schema/facts.json; this module keeps the names the engine uses.
import { LIMITS, EXIT_STATUS } from "./generated/facts.js";

/** Longest stdin command line; longer ones are rejected (COMMAND_REJECTED) without being buffered. */
export const MAX_LINE_BYTES = LIMITS.MAX_LINE_BYTES;
/** Largest session spec (1,000,000 paths fit comfortably). */
export const MAX_SPEC_BYTES = LIMITS.MAX_SPEC_BYTES;
/** Longest management frame line / frame from ascp. */
export const MAX_FRAME_BYTES = LIMITS.MAX_FRAME_BYTES;

/**
 * Deepest nesting of arrays and objects in a session spec or a command. Specs need a handful of levels (tags);
 * the bound keeps recursive walks (validation, serialization) far from the stack's limit.
 */
export const MAX_JSON_DEPTH = 100;

export const EXIT = EXIT_STATUS;
