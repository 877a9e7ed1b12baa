/* Generated from schema/ by `npm run gen` (json-schema-to-typescript). Do not edit. */
/**
 * One line of asession's stdin after the session spec: a JSON object that becomes one management frame sent to ascp. Keys are snake_case and map to ascp's native field names (x-native). Anything else is refused with a COMMAND_REJECTED event and the session goes on.
 */
export type Command = StartCommand | RateCommand | DoneCommand | CancelCommand | StatusCommand;
/**
 * Send to this ascp of a multi-session job only (0-based); default: every session.
 */
export type SessionIndex = number;

/**
 * Persistent session (keepalive): queue one file or a byte range of it.
 */
export interface StartCommand {
  type: "START";
  /**
   * Source path; CR, LF and ESC are escaped on the wire.
   */
  source: string;
  /**
   * Destination path, relative to the destination root.
   */
  destination?: string;
  /**
   * Byte range start:end; either side may be empty.
   */
  file_bytes?: string;
  session_index?: SessionIndex;
}
/**
 * Change the rates or the policy of a running session: at least one of rate, min_rate, adaptive or policy (not both adaptive and policy).
 */
export interface RateCommand {
  type: "RATE";
  /**
   * Target rate.
   */
  rate?: number | string;
  /**
   * Minimum rate.
   */
  min_rate?: number | string;
  /**
   * Rate policy as ascp names it.
   */
  adaptive?: "Adaptive" | "Fixed" | "Trickle";
  /**
   * Rate policy as the transfer spec names it (fair and high → Adaptive, fixed → Fixed, low → Trickle); not with adaptive.
   */
  policy?: "fair" | "high" | "fixed" | "low";
  session_index?: SessionIndex;
}
/**
 * Persistent session: no more files. With operation Linger, ascp finishes queued work and refuses new sources.
 */
export interface DoneCommand {
  type: "DONE";
  operation?: "Linger";
  session_index?: SessionIndex;
}
/**
 * Abort the session.
 */
export interface CancelCommand {
  type: "CANCEL";
  session_index?: SessionIndex;
}
/**
 * Ask the engine for a PROGRESS event now. Never sent to ascp.
 */
export interface StatusCommand {
  type: "STATUS";
}
