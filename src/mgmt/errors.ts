// ascp error codes (`Code` of ERROR / FILEERROR frames), reference §7: mnemonic, whether a client may
// retry (newest aspera-cli's as_mgmt_err_is_retryable set), and a short description for messages.
export interface AscpErrorInfo {
  readonly code: number;
  readonly name: string;
  readonly retryable: boolean;
  readonly description: string;
}

// [name, retryable, description], indexed by code.
const TABLE: ReadonlyArray<readonly [string, boolean, string]> = [
  ["UNKNOWN", false, "unknown error"],
  ["FASP_PROTO", false, "generic protocol error"],
  ["ASCP", false, "generic ascp error"],
  ["AMBIGUOUS_TARGET", false, "ambiguous target"],
  ["NO_SUCH_FILE", false, "no such file or directory"],
  ["NO_PERMS", false, "permission denied"],
  ["NOT_DIR", false, "target must be a directory"],
  ["IS_DIR", false, "expected a file, found a directory"],
  ["USAGE", false, "bad command usage"],
  ["LIC_DUP", false, "duplicate license"],
  ["LIC_RATE_EXCEEDED", false, "rate above the license cap"],
  ["INTERNAL_ERROR", false, "internal error"],
  ["TRANSFER_ERROR", true, "control (SSH) connection error"],
  ["TRANSFER_TIMEOUT", true, "control connection timeout"],
  ["CONNECTION_ERROR", true, "data (UDP) connection error"],
  ["CONNECTION_TIMEOUT", true, "data connection timeout"],
  ["CONNECTION_LOST", true, "connection lost"],
  ["RCVR_SEND_ERROR", true, "receiver cannot send feedback"],
  ["RCVR_RECV_ERROR", true, "receiver gets no data"],
  ["AUTH", false, "authentication failed"],
  ["NOTHING", false, "nothing to transfer"],
  ["NOT_REGULAR", false, "not a regular file"],
  ["FILE_TABLE_OVR", false, "file table overflow"],
  ["TOO_MANY_FILES", true, "too many open files"],
  ["FILE_TOO_BIG", false, "file too big for the file system"],
  ["NO_SPACE_LEFT", false, "no space left on device"],
  ["READ_ONLY_FS", false, "read-only file system"],
  ["SOME_FILE_ERRS", false, "one or more files failed"],
  ["USER_CANCEL", false, "cancelled by user"],
  ["LIC_NOLIC", false, "no license"],
  ["LIC_EXPIRED", false, "license expired"],
  ["SOCK_SETUP", false, "socket setup failed"],
  ["OUT_OF_MEMORY", true, "out of memory"],
  ["THREAD_SPAWN", true, "cannot spawn thread"],
  ["UNAUTHORIZED", false, "refused by external authorization"],
  ["DISK_READ", true, "disk read error"],
  ["DISK_WRITE", true, "disk write error"],
  ["AUTHORIZATION", true, "authorization failure"],
  ["LIC_ILLEGAL", false, "operation not allowed by license"],
  ["PEER_ABORTED_SESSION", true, "peer ended the session"],
  ["DATA_TRANSFER_TIMEOUT", true, "transfer stalled and timed out"],
  ["BAD_PATH", false, "path outside the docroot"],
  ["ALREADY_EXISTS", false, "already exists"],
  ["STAT_FAILS", false, "stat failed"],
  ["PMTU_BRTT_ERROR", true, "UDP session initiation failed"],
  ["BWMEAS_ERROR", true, "bandwidth measurement failed"],
  ["VLINK_ERROR", false, "virtual link error"],
  ["CONNECTION_ERROR_HTTP", true, "HTTP connection error"],
  ["FILE_ENCRYPTION_ERROR", false, "file encryption error"],
  ["FILE_DECRYPTION_PASS", false, "bad decryption passphrase"],
  ["BAD_CONFIGURATION", false, "invalid aspera.conf"],
  ["INSECURE_CONNECTION", false, "host key check failed"],
  ["START_VALIDATION_FAILED", false, "file start validation failed"],
  ["STOP_VALIDATION_FAILED", false, "file stop validation failed"],
  ["THRESHOLD_VALIDATION_FAILED", false, "threshold validation failed"],
  ["FILEPATH_TOO_LONG", false, "file path too long"],
  ["ILLEGAL_CHARS_IN_PATH", false, "illegal characters in path"],
  ["CHUNK_MUST_MATCH_ALIGNMENT", false, "chunk does not match storage alignment"],
  ["VALIDATION_SESSION_ABORT", false, "session aborted by validation"],
  ["REMOTE_STORAGE_ERROR", false, "remote storage error"],
  ["LUA_SCRIPT_ABORTED_SESSION", false, "session aborted by Lua script"],
  ["SSEAR_RETRYABLE", true, "at-rest encryption error, transient"],
  ["SSEAR_FATAL", false, "at-rest encryption error, fatal"],
  ["LINK_LOOP", false, "symbolic link loop"],
  ["CANNOT_RENAME_PARTIAL", false, "cannot rename partial file"],
  ["CIPHER_NON_COMPAT_FIPS", false, "cipher not allowed in FIPS mode"],
  ["PEER_REQUIRES_FIPS", false, "peer requires FIPS"],
  ["UPLOAD_IN_PROGRESS", false, "concurrent upload in progress"],
  ["MIN_VERSION_CHECK", false, "minimum version check failed"],
  ["MAX_ASCP", true, "too many ascp processes on the node"],
];

export const ASCP_ERRORS: ReadonlyArray<AscpErrorInfo> = Object.freeze(
  TABLE.map(([name, retryable, description], code) => Object.freeze({ code, name, retryable, description })),
);

/** The table row of an ascp error code, or undefined for a code the table does not know. */
export function ascpError(code: number): AscpErrorInfo | undefined {
  return Number.isInteger(code) ? ASCP_ERRORS[code] : undefined;
}

/** Unknown codes are not retryable: retrying blindly could repeat a harmful failure. */
export function isRetryable(code: number): boolean {
  return ascpError(code)?.retryable ?? false;
}
