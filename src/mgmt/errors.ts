// ascp error codes (`Code` of ERROR / FILEERROR frames; docs/protocol.md §8): mnemonic, whether a client
// may retry, and a short description for messages. The table itself is schema/facts.json (generated).
import { ASCP_ERROR_ROWS } from "../generated/facts.js";

export interface AscpErrorInfo {
  readonly code: number;
  readonly name: string;
  readonly retryable: boolean;
  readonly description: string;
}

export const ASCP_ERRORS: ReadonlyArray<AscpErrorInfo> = Object.freeze(
  ASCP_ERROR_ROWS.map(([name, retryable, description], code) => Object.freeze({ code, name, retryable, description })),
);

/** The table row of an ascp error code, or undefined for a code the table does not know. */
export function ascpError(code: number): AscpErrorInfo | undefined {
  return Number.isInteger(code) ? ASCP_ERRORS[code] : undefined;
}

/** Unknown codes are not retryable: retrying blindly could repeat a harmful failure. */
export function isRetryable(code: number): boolean {
  return ascpError(code)?.retryable ?? false;
}
