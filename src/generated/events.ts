/* Generated from schema/ by `npm run gen` (json-schema-to-typescript). Do not edit. */
/**
 * One line of asession's stdout. ascp events keep ascp's Type and carry the frame's fields under snake_case names with JSON types; engine events use types ascp never sends. RESULT is always the last line.
 */
export type Event =
  | SpawnEvent
  | RetryEvent
  | CommandRejectedEvent
  | WarningEvent
  | ResultEvent
  | DryRunEvent
  | FileStartEvent
  | FileEndEvent
  | ProgressEvent
  | StalledEvent
  | AscpEvent;

/**
 * An ascp process was started.
 */
export interface SpawnEvent {
  type: "SPAWN";
  /**
   * Which ascp of a multi-session job (0-based). Absent when the spec asks for ascp events only.
   */
  session_index: number;
  /**
   * 1 for the first start, 2 for the first retry, ...
   */
  attempt: number;
  /**
   * Process id of ascp.
   */
  pid: number;
  /**
   * The ascp executable that was started.
   */
  ascp_path: string;
  /**
   * Arguments given to ascp (never secrets nor paths: those go through env and file lists).
   */
  argv: string[];
}
/**
 * A session failed with a retryable error; it is restarted after delay_sec.
 */
export interface RetryEvent {
  type: "RETRY";
  /**
   * Which ascp of a multi-session job (0-based). Absent when the spec asks for ascp events only.
   */
  session_index: number;
  /**
   * The attempt that failed.
   */
  attempt: number;
  /**
   * ascp error code (16 when the connection was lost without ERROR).
   */
  code: number;
  /**
   * Mnemonic of the code.
   */
  name: string;
  /**
   * What happened.
   */
  message: string;
  /**
   * Wait before the next attempt, in seconds.
   */
  delay_sec: number;
}
/**
 * A stdin command line could not be sent; the session goes on.
 */
export interface CommandRejectedEvent {
  type: "COMMAND_REJECTED";
  /**
   * Line number on stdin (the session spec's lines count).
   */
  line: number;
  /**
   * Why the line was refused.
   */
  reason: string;
  /**
   * Which ascp of a multi-session job (0-based). Absent when the spec asks for ascp events only.
   */
  session_index?: number;
}
/**
 * Something a user should know that does not stop the job.
 */
export interface WarningEvent {
  type: "WARNING";
  /**
   * Machine-readable kind. Known values: unknown_spec_key, spec_conflict (two keys disagree: key names the one not applied), key_not_applied (a key only another agent applies), no_bypass_key (token authentication with no key to use), malformed_frame, frame_dropped, frame_too_long, stray_connection, stats_merged, stale_file_list, command_unsent, ascp_hung (ascp did not end within 2 s of its DONE or ERROR and was stopped).
   */
  code: string;
  message: string;
  /**
   * Which ascp of a multi-session job (0-based). Absent when the spec asks for ascp events only.
   */
  session_index?: number;
  /**
   * The spec key concerned (unknown_spec_key, spec_conflict, key_not_applied, no_bypass_key).
   */
  key?: string;
}
/**
 * Always the last line: how the job ended.
 */
export interface ResultEvent {
  type: "RESULT";
  status: "success" | "failed" | "cancelled";
  /**
   * asession's exit status: 0 success, 1 transfer failed, 2 invalid input, 3 ascp not found or could not start, 130 cancelled.
   */
  exit_code: number;
  error: ErrorInfo | null;
  sessions: SessionOutcome[];
  totals: {
    /**
     * Files that arrived complete (all sessions). ascp's own counters (DONE, or its frames); files and bytes are the engine's progress model.
     */
    files_passed: number;
    /**
     * Files that failed (all sessions). ascp's own counters (DONE, or its frames); files and bytes are the engine's progress model.
     */
    files_failed: number;
    /**
     * Files skipped (all sessions). ascp's own counters (DONE, or its frames); files and bytes are the engine's progress model.
     */
    files_skipped: number;
    /**
     * Bytes moved over the network (all sessions). ascp's own counters (DONE, or its frames); files and bytes are the engine's progress model.
     */
    bytes_transferred: number;
    /**
     * Bytes done, counting parts already at the destination (all sessions). ascp's own counters (DONE, or its frames); files and bytes are the engine's progress model.
     */
    file_bytes: number;
    files?: ProgressFiles;
    bytes?: ProgressBytes;
    /**
     * bytes.transferred over the job's elapsed time, in bits per second.
     */
    rate_avg_bps?: number;
  };
  /**
   * Time from asession's start to RESULT.
   */
  elapsed_ms: number;
}
/**
 * Why the job or a session failed.
 */
export interface ErrorInfo {
  /**
   * ascp: from an ERROR frame or ascp's exit; engine: found by asession (bad input, ascp not found, lost connection...).
   */
  source: "ascp" | "engine";
  /**
   * ascp error code (reference table), when there is one.
   */
  code?: number;
  /**
   * Mnemonic of the code, e.g. CONNECTION_LOST.
   */
  name?: string;
  /**
   * What happened, in words.
   */
  message: string;
  /**
   * Whether the error class is one a retry can cure.
   */
  retryable: boolean;
}
export interface SessionOutcome {
  /**
   * Which ascp of a multi-session job (0-based). Absent when the spec asks for ascp events only.
   */
  session_index: number;
  status: "success" | "failed" | "cancelled" | "not_started";
  attempts: number;
  /**
   * ascp's SessionId of the last attempt.
   */
  session_id?: string;
  pid?: number;
  /**
   * ascp's exit status of the last attempt.
   */
  exit_code?: number | null;
  /**
   * Signal that ended ascp, if any.
   */
  signal?: string | null;
  /**
   * Last lines ascp wrote to stderr, when it failed.
   */
  stderr_tail?: string;
  error: ErrorInfo | null;
  /**
   * Files that arrived complete (this session).
   */
  files_passed?: number;
  /**
   * Files that failed (this session).
   */
  files_failed?: number;
  /**
   * Files skipped (this session).
   */
  files_skipped?: number;
  /**
   * Bytes moved over the network (this session).
   */
  bytes_transferred?: number;
  /**
   * Bytes done, counting parts already at the destination (this session).
   */
  file_bytes?: number;
}
/**
 * Exactly the files of the last PROGRESS.
 */
export interface ProgressFiles {
  /**
   * Files in the job, when known (every session sent its PreTransferFiles; for a persistent session, the files queued so far); null otherwise.
   */
  total: number | null;
  /**
   * FILE_END with status done.
   */
  done: number;
  /**
   * FILE_END with status skipped.
   */
  skipped: number;
  /**
   * FILE_END with status failed.
   */
  failed: number;
  /**
   * Files started and not ended.
   */
  running: number;
}
/**
 * Exactly the bytes of the last PROGRESS.
 */
export interface ProgressBytes {
  /**
   * Bytes in the job, when known (every session sent its PreTransferBytes; for a persistent session, the sizes of the files queued so far); null otherwise. Stays the same across retries.
   */
  total: number | null;
  /**
   * Bytes moved by this job. Never decreases.
   */
  transferred: number;
  /**
   * Bytes found at the destination (resumed parts, whole files already there, skipped files). Never decreases.
   */
  already_present: number;
  /**
   * total - transferred - already_present, when the total is known; null otherwise.
   */
  remaining: number | null;
}
/**
 * The only line of `asession --dry-run`: the validated spec's plan; nothing is started.
 */
export interface DryRunEvent {
  type: "DRY_RUN";
  /**
   * The ascp that would run.
   */
  ascp_path: string;
  sessions: {
    session_index: number;
    /**
     * ascp's arguments; the management port, nonce and file list path are placeholders known only at run time.
     */
    argv: string[];
    /**
     * The same as a shell line, with the environment in front (secret values masked).
     */
    command_line: string;
  }[];
  /**
   * Variables given to ascp; secret values are ***.
   */
  env: {
    [k: string]: string;
  };
  /**
   * How sources reach ascp: a list written at run time (entries), or an existing one (path); null for persistent sessions and when the sources are ascp arguments (agent.file_list false).
   */
  file_list: null | {
    option: "--file-list" | "--file-pair-list";
    entries?: number;
    path?: string;
  };
  /**
   * Transfer spec keys asession does not know (a WARNING in a real run).
   */
  unknown_keys: string[];
  /**
   * Transfer spec keys only other agents use.
   */
  ignored_keys: string[];
  events: "all" | "ascp" | "progress";
}
/**
 * A file began in one session: the first ascp frame that names it in an attempt (a retry that takes the file up again gives another FILE_START with the new attempt). Not sent with events "ascp".
 */
export interface FileStartEvent {
  type: "FILE_START";
  /**
   * Which ascp of a multi-session job (0-based).
   */
  session_index: number;
  /**
   * The file as ascp names it (destination path).
   */
  file: string;
  /**
   * Size of the file in bytes, when ascp said it.
   */
  size?: number;
  /**
   * Where this attempt resumes: bytes of the file already at the destination (a part offset in a multi-session job).
   */
  start_byte: number;
  /**
   * The session's attempt (1, then 2 after the first retry, ...).
   */
  attempt: number;
}
/**
 * A file finished: exactly one per file of the job, whatever ascp sent (STOP, SKIP, FILEERROR, a STOP whose start_byte equals its size, a retry completing a file). Files still open when the job ends get theirs then.
 */
export interface FileEndEvent {
  type: "FILE_END";
  /**
   * Which ascp of a multi-session job (0-based).
   */
  session_index: number;
  /**
   * The file as ascp names it (destination path).
   */
  file: string;
  /**
   * done: complete at the destination (sent, or already there); skipped: left as it was (overwrite rule); failed: see error.
   */
  status: "done" | "skipped" | "failed";
  /**
   * Size of the file in bytes, when ascp said it.
   */
  size?: number;
  /**
   * Bytes of this file moved by this job (each byte counted once across retries).
   */
  bytes_transferred: number;
  /**
   * Bytes of this file that were at the destination before the job (resume, or the whole file).
   */
  bytes_already_present: number;
  /**
   * Why the file failed (status failed only).
   */
  error?: {
    /**
     * ascp error code, when there is one.
     */
    code?: number;
    message: string;
  };
}
/**
 * A snapshot of the whole job: every progress_interval_ms, on each FILE_END, on every session state change, and at once on a STATUS command; the last one comes just before RESULT and has the same totals.
 */
export interface ProgressEvent {
  type: "PROGRESS";
  /**
   * Time since the job started.
   */
  elapsed_ms: number;
  files: ProgressFiles1;
  bytes: ProgressBytes1;
  rate: {
    /**
     * Bits per second moved over the last few seconds (sliding window).
     */
    current_bps: number;
    /**
     * Sum of the sessions' target rates as ascp last reported them, in bits per second; null before any.
     */
    target_bps: number | null;
  };
  /**
   * (transferred + already_present) / total, 0..100 with two decimals, when the total is known and the job is not persistent; null otherwise (never a made-up number).
   */
  percent: number | null;
  /**
   * remaining / current rate, in seconds, when both are known and the rate is not 0; null otherwise.
   */
  eta_sec: number | null;
  sessions: {
    /**
     * Which ascp of a multi-session job (0-based).
     */
    session_index: number;
    /**
     * starting: not started yet; connecting: ascp started, no SESSION frame yet; transferring: connected; retry_wait: waiting before a retry; then how it ended.
     */
    state: "starting" | "connecting" | "transferring" | "retry_wait" | "done" | "failed" | "cancelled";
    /**
     * The current (or last) attempt; 0 before the first.
     */
    attempt: number;
  }[];
}
/**
 * File counts of the whole job.
 */
export interface ProgressFiles1 {
  /**
   * Files in the job, when known (every session sent its PreTransferFiles; for a persistent session, the files queued so far); null otherwise.
   */
  total: number | null;
  /**
   * FILE_END with status done.
   */
  done: number;
  /**
   * FILE_END with status skipped.
   */
  skipped: number;
  /**
   * FILE_END with status failed.
   */
  failed: number;
  /**
   * Files started and not ended.
   */
  running: number;
}
/**
 * Byte counts of the whole job, summed over sessions, each byte counted once across retries.
 */
export interface ProgressBytes1 {
  /**
   * Bytes in the job, when known (every session sent its PreTransferBytes; for a persistent session, the sizes of the files queued so far); null otherwise. Stays the same across retries.
   */
  total: number | null;
  /**
   * Bytes moved by this job. Never decreases.
   */
  transferred: number;
  /**
   * Bytes found at the destination (resumed parts, whole files already there, skipped files). Never decreases.
   */
  already_present: number;
  /**
   * total - transferred - already_present, when the total is known; null otherwise.
   */
  remaining: number | null;
}
/**
 * A transferring session moved no byte for agent.stall_timeout_sec. Sent once per stall; action says what the engine does about it (agent.stall_action).
 */
export interface StalledEvent {
  type: "STALLED";
  /**
   * Which ascp of a multi-session job (0-based).
   */
  session_index: number;
  attempt: number;
  /**
   * Seconds since the session last moved a byte (or connected).
   */
  stalled_sec: number;
  /**
   * The file the session was on, if any.
   */
  file?: string;
  /**
   * warn: nothing more; retry: this ascp is stopped and the session resumes like after a retryable failure (a RETRY follows); fail: the job fails.
   */
  action: "warn" | "retry" | "fail";
}
/**
 * A management frame from ascp. Known fields have the types below; a value that does not parse as its type stays the text ascp sent. Unknown fields pass through as strings under the same naming rule.
 */
export interface AscpEvent {
  /**
   * ascp's Type, unchanged. Known values: INIT, SESSION, NOTIFICATION, STATS, STOP, SKIP, FILEERROR, ARGSTOP, DONE, ERROR, NOP, START, QUERY, QUERYRSP, CANCEL, RATE, VLINK, PUT, WRITE, CLOSE; others pass through.
   */
  type: string;
  /**
   * Which ascp of a multi-session job (0-based). Absent when the spec asks for ascp events only.
   */
  session_index?: number;
  /**
   * Path of the file the event is about (escapes decoded).
   */
  file?: string;
  /**
   * Size of the current file in bytes.
   */
  size?: number | string;
  /**
   * Bytes written to the destination file.
   */
  written?: number | string;
  /**
   * Bytes continued (already present before a resume).
   */
  bytes_cont?: number | string;
  /**
   * Target rate in kbps, or a percentage string.
   */
  rate?: number | string;
  /**
   * Bytes lost and retransmitted.
   */
  loss?: number | string;
  /**
   * Native field Query.
   */
  query?: string;
  /**
   * ascp error code (see the error table); with ERROR and FILEERROR.
   */
  code?: number | string;
  /**
   * Native field Password.
   */
  password?: string;
  /**
   * Native field Progress.
   */
  progress?: string;
  /**
   * Native field Remaining.
   */
  remaining?: string;
  /**
   * Native field Elapsed.
   */
  elapsed?: string;
  /**
   * Native field RexInfo.
   */
  rex_info?: string;
  /**
   * Native field BlockInfo.
   */
  block_info?: string;
  /**
   * Native field DiskInfo.
   */
  disk_info?: string;
  /**
   * Native field RateInfo.
   */
  rate_info?: string;
  /**
   * Minimum rate in kbps, or a percentage string.
   */
  min_rate?: number | string;
  /**
   * Human-readable text ascp gave with an error or a stop.
   */
  description?: string;
  /**
   * Elapsed time in microseconds.
   */
  elapsed_usec?: number | string;
  /**
   * Native field ServiceLevel.
   */
  service_level?: string;
  /**
   * ascp's session identifier (a UUID).
   */
  session_id?: string;
  /**
   * Native field User.
   */
  user?: string;
  /**
   * Native field Host.
   */
  host?: string;
  /**
   * Whether in-transit encryption is on.
   */
  encryption?: boolean | string;
  /**
   * Rate policy: Adaptive, Fixed or Trickle.
   */
  adaptive?: string;
  /**
   * Send or Receive.
   */
  direction?: string;
  /**
   * Whether the peer is remote.
   */
  remote?: boolean | string;
  /**
   * UDP port of the data channel.
   */
  port?: number | string;
  /**
   * The application string given to ascp with -u.
   */
  user_str?: string;
  /**
   * Native field CommandId.
   */
  command_id?: string;
  /**
   * Offset where transfer of the current file began (resume point).
   */
  start_byte?: number | string;
  /**
   * Native field EndByte.
   */
  end_byte?: number | string;
  /**
   * Native field Token.
   */
  token?: string;
  /**
   * Application cookie given with ASPERA_SCP_COOKIE.
   */
  cookie?: string;
  /**
   * Native field QueryResponse.
   */
  query_response?: string;
  /**
   * Source path (escapes decoded).
   */
  source?: string;
  /**
   * Destination path (escapes decoded).
   */
  destination?: string;
  /**
   * Native field BWMeasurement.
   */
  bw_measurement?: string;
  /**
   * Native field BWInfo.
   */
  bw_info?: string;
  /**
   * Native field PMTU.
   */
  pmtu?: number | string;
  /**
   * Bytes moved over the network by this session so far.
   */
  transfer_bytes?: number | string;
  /**
   * Bytes done, counting parts already at the destination.
   */
  file_bytes?: number | string;
  /**
   * Transfer or BWMeasurement.
   */
  operation?: string;
  /**
   * Native field Delay.
   */
  delay?: number | string;
  /**
   * Total files of the session, computed before the transfer.
   */
  pre_transfer_files?: number | string;
  /**
   * Native field PreTransferDirs.
   */
  pre_transfer_dirs?: number | string;
  /**
   * Native field PreTransferSpecial.
   */
  pre_transfer_special?: number | string;
  /**
   * Native field PreTransferFailed.
   */
  pre_transfer_failed?: number | string;
  /**
   * Native field PartialPreTransferBytes.
   */
  partial_pre_transfer_bytes?: number | string;
  /**
   * Total bytes of the session, computed before the transfer.
   */
  pre_transfer_bytes?: number | string;
  /**
   * 1 = high, 2 = regular.
   */
  priority?: number | string;
  /**
   * Native field Transport.
   */
  transport?: string;
  /**
   * Native field VlinkID.
   */
  vlink_id?: string;
  /**
   * Native field VlinkOn.
   */
  vlink_on?: string;
  /**
   * Native field VlinkCapIn.
   */
  vlink_cap_in?: number | string;
  /**
   * Native field VlinkCapOut.
   */
  vlink_cap_out?: number | string;
  /**
   * Native field ManifestFile.
   */
  manifest_file?: string;
  /**
   * Native field ArgScansAttempted.
   */
  arg_scans_attempted?: number | string;
  /**
   * Native field ArgScansCompleted.
   */
  arg_scans_completed?: number | string;
  /**
   * Native field PathScansAttempted.
   */
  path_scans_attempted?: number | string;
  /**
   * Native field PathScansFailed.
   */
  path_scans_failed?: number | string;
  /**
   * Native field PathScansIrregular.
   */
  path_scans_irregular?: number | string;
  /**
   * Native field PathScansExcluded.
   */
  path_scans_excluded?: number | string;
  /**
   * Native field DirScansCompleted.
   */
  dir_scans_completed?: number | string;
  /**
   * Native field FileScansCompleted.
   */
  file_scans_completed?: number | string;
  /**
   * Native field DirCreatesAttempted.
   */
  dir_creates_attempted?: number | string;
  /**
   * Native field DirCreatesFailed.
   */
  dir_creates_failed?: number | string;
  /**
   * Native field DirCreatesPassed.
   */
  dir_creates_passed?: number | string;
  /**
   * Files attempted by the session.
   */
  transfers_attempted?: number | string;
  /**
   * Files that failed.
   */
  transfers_failed?: number | string;
  /**
   * Files that arrived complete.
   */
  transfers_passed?: number | string;
  /**
   * Files skipped (already there, excluded...).
   */
  transfers_skipped?: number | string;
  /**
   * Native field FallbackProtocol.
   */
  fallback_protocol?: string;
  /**
   * Native field RetryTimeout.
   */
  retry_timeout?: number | string;
  /**
   * Native field PreTransferExcluded.
   */
  pre_transfer_excluded?: number | string;
  /**
   * Native field XferId.
   */
  xfer_id?: string;
  /**
   * Native field XferRetry.
   */
  xfer_retry?: number | string;
  /**
   * Native field Tags.
   */
  tags?: string;
  /**
   * Native field FaspFileArgIndex.
   */
  fasp_file_arg_index?: number | string;
  /**
   * Native field ArgTransfersStatus.
   */
  arg_transfers_status?: string;
  /**
   * Native field ArgTransfersAttempted.
   */
  arg_transfers_attempted?: number | string;
  /**
   * Native field ArgTransfersFailed.
   */
  arg_transfers_failed?: number | string;
  /**
   * Native field ArgTransfersPassed.
   */
  arg_transfers_passed?: number | string;
  /**
   * Native field ArgTransfersSkipped.
   */
  arg_transfers_skipped?: number | string;
  /**
   * Native field FaspFileID.
   */
  fasp_file_id?: string;
  /**
   * Native field RateCap.
   */
  rate_cap?: number | string;
  /**
   * Native field MinRateCap.
   */
  min_rate_cap?: number | string;
  /**
   * Native field PolicyCap.
   */
  policy_cap?: string;
  /**
   * Native field PriorityCap.
   */
  priority_cap?: string;
  /**
   * Native field RateLock.
   */
  rate_lock?: boolean | string;
  /**
   * Native field MinRateLock.
   */
  min_rate_lock?: boolean | string;
  /**
   * Native field PolicyLock.
   */
  policy_lock?: boolean | string;
  /**
   * Checksum of the file (with --file-checksum).
   */
  file_checksum?: string;
  /**
   * Native field ServerHostname.
   */
  server_hostname?: string;
  /**
   * Native field ServerNodeId.
   */
  server_node_id?: string;
  /**
   * Native field ClientNodeId.
   */
  client_node_id?: string;
  /**
   * Native field ServerClusterId.
   */
  server_cluster_id?: string;
  /**
   * Native field ClientClusterId.
   */
  client_cluster_id?: string;
  /**
   * Checksum algorithm, e.g. md5.
   */
  file_checksum_type?: string;
  /**
   * Native field ServerDocroot.
   */
  server_docroot?: string;
  /**
   * Native field ClientDocroot.
   */
  client_docroot?: string;
  /**
   * Native field NodeUser.
   */
  node_user?: string;
  /**
   * Native field ClientUser.
   */
  client_user?: string;
  /**
   * Native field SourcePrefix.
   */
  source_prefix?: string;
  /**
   * Native field RemoteAddress.
   */
  remote_address?: string;
  /**
   * Native field TCPPort.
   */
  tcp_port?: number | string;
  /**
   * In-transit cipher, e.g. aes-128.
   */
  cipher?: string;
  /**
   * Native field ResumePolicy.
   */
  resume_policy?: string;
  /**
   * Native field CreatePolicy.
   */
  create_policy?: number | string;
  /**
   * Native field ManifestPolicy.
   */
  manifest_policy?: string;
  /**
   * Native field Precalc.
   */
  precalc?: boolean | string;
  /**
   * Native field OverwritePolicy.
   */
  overwrite_policy?: string;
  /**
   * Native field RTTAutocorrect.
   */
  rtt_autocorrect?: boolean | string;
  /**
   * Native field TimePolicy.
   */
  time_policy?: number | string;
  /**
   * Native field ManifestPath.
   */
  manifest_path?: string;
  /**
   * Native field ManifestInprogress.
   */
  manifest_inprogress?: string;
  /**
   * Native field PartialFiles.
   */
  partial_files?: string;
  /**
   * Native field FilesEncrypt.
   */
  files_encrypt?: boolean | string;
  /**
   * Native field FilesDecrypt.
   */
  files_decrypt?: boolean | string;
  /**
   * Native field DatagramSize.
   */
  datagram_size?: number | string;
  /**
   * Native field PrepostCommand.
   */
  prepost_command?: string;
  /**
   * Native field XoptFlags.
   */
  xopt_flags?: number | string;
  /**
   * Native field VLinkVersion.
   */
  v_link_version?: number | string;
  /**
   * Native field PeerVLinkVersion.
   */
  peer_v_link_version?: number | string;
  /**
   * Native field VLinkLocalEnabled.
   */
  v_link_local_enabled?: boolean | string;
  /**
   * Native field VLinkLocalId.
   */
  v_link_local_id?: string;
  /**
   * Native field VLinkLocalCL.
   */
  v_link_local_cl?: string;
  /**
   * Native field VLinkRemoteEnabled.
   */
  v_link_remote_enabled?: boolean | string;
  /**
   * Native field VLinkRemoteId.
   */
  v_link_remote_id?: string;
  /**
   * Native field VLRemoteCL.
   */
  vl_remote_cl?: string;
  /**
   * Native field DSPipelineDepth.
   */
  ds_pipeline_depth?: number | string;
  /**
   * Native field PeerDSPipelineDepth.
   */
  peer_ds_pipeline_depth?: number | string;
  /**
   * Native field LocalIP.
   */
  local_ip?: string;
  /**
   * Native field SourceBase.
   */
  source_base?: string;
  /**
   * Native field ReadBlockSize.
   */
  read_block_size?: number | string;
  /**
   * Native field WriteBlockSize.
   */
  write_block_size?: number | string;
  /**
   * Native field ClusterNumNodes.
   */
  cluster_num_nodes?: number | string;
  /**
   * Native field ClusterNodeId.
   */
  cluster_node_id?: number | string;
  /**
   * Native field MoveRange.
   */
  move_range?: boolean | string;
  /**
   * Native field MoveRangeLow.
   */
  move_range_low?: number | string;
  /**
   * Native field MoveRangeHigh.
   */
  move_range_high?: number | string;
  /**
   * Native field Keepalive.
   */
  keepalive?: boolean | string;
  /**
   * Native field TestLogin.
   */
  test_login?: boolean | string;
  /**
   * Native field UseProxy.
   */
  use_proxy?: boolean | string;
  /**
   * Native field ProxyIP.
   */
  proxy_ip?: string;
  /**
   * Native field RateControlAlgorithm.
   */
  rate_control_algorithm?: string;
  /**
   * Native field ClientMacAddress.
   */
  client_mac_address?: string;
  /**
   * Native field Offset.
   */
  offset?: number | string;
  /**
   * Native field ChunkSize.
   */
  chunk_size?: number | string;
  /**
   * Native field PostTransferValidation.
   */
  post_transfer_validation?: boolean | string;
  /**
   * Native field OverwritePolicyCap.
   */
  overwrite_policy_cap?: string;
  /**
   * Native field ExtraCreatePolicy.
   */
  extra_create_policy?: string;
  /**
   * Native field Stalled.
   */
  stalled?: boolean | string;
  /**
   * Native field FipsModeEnabled.
   */
  fips_mode_enabled?: boolean | string;
  [k: string]: string | number | boolean | undefined;
}
