/* Generated from schema/ by `npm run gen` (json-schema-to-typescript). Do not edit. */
/**
 * What asession reads first: one transfer job.
 */
export interface SessionSpec {
  spec: TransferSpec;
  agent?: AgentOptions;
  /**
   * Engine log level on stderr. Secrets never appear at any level.
   */
  loglevel?: "trace" | "debug" | "info" | "warn" | "error" | "silent";
  /**
   * Where temporary file lists go (a private 0700 folder is made inside). Default: the system temp folder.
   */
  file_list_folder?: string;
  /**
   * Folder that holds ascp (and its license and keys).
   */
  sdk?: string;
  /**
   * all: ascp events plus engine events; ascp: only ascp's events, without session_index, like the original asession (no engine event, not even RESULT); progress: engine events only (FILE_START, FILE_END, PROGRESS, STALLED, RETRY, WARNING, COMMAND_REJECTED, SPAWN, RESULT).
   */
  events?: "all" | "ascp" | "progress";
  /**
   * PROGRESS at most this often by timer (also on each FILE_END, session state change and STATUS command); 0: never by timer.
   */
  progress_interval_ms?: number;
}
/**
 * The transfer: where, who, what and how. Keys follow aspera-cli's transfer spec. Keys nobody knows are accepted (the engine warns about them); keys only other agents use are accepted and ignored.
 */
export interface TransferSpec {
  /**
   * Transfer direction seen from this side: send uploads, receive downloads (recv is read as receive).
   */
  direction: "send" | "receive";
  /**
   * Server name or IP address.
   */
  remote_host: string;
  /**
   * Transfer user on the server (ascp uses the local user name when absent).
   */
  remote_user?: string;
  /**
   * TCP port of the SSH session (ascp's default is 22; Aspera servers usually listen on 33001). Replaced by wss_port when the WebSocket session is used.
   */
  ssh_port?: number;
  /**
   * UDP port of the FASP data channel. Not passed with a WebSocket session; the first port of a multi-session job with agent.multi_incr_udp.
   */
  fasp_port?: number;
  /**
   * The server offers the WebSocket session. Used when agent.wss is true and wss_port is given: ascp then connects with --ws-connect to wss_port, without -O and --check-sshfp.
   */
  wss_enabled?: boolean;
  /**
   * TCP port of the server's WebSocket service.
   */
  wss_port?: number;
  /**
   * Expected fingerprint of the server's SSH host key; the transfer fails when it differs.
   */
  sshfp?: string;
  /**
   * File holding the SSH private key of the transfer user.
   */
  ssh_private_key_path?: string;
  /**
   * Connect with the ssh program found in PATH instead of ascp's built-in SSH client.
   */
  use_system_ssh?: boolean;
  /**
   * Arguments for the external ssh program (with use_system_ssh); one --ssh-arg each (a string is one argument).
   */
  ssh_args?: string[] | string;
  /**
   * Aspera high-speed proxy, dnat://[user[:password]@]host:port or dnats://… (default ports 9091, 9092). A password in the URL is moved to ASPERA_PROXY_PASS, never left on the command line.
   */
  proxy?: string;
  /**
   * Target transfer rate, kbit/s. Can be changed during the transfer with a RATE command.
   */
  target_rate_kbps?: number;
  /**
   * Minimum transfer rate, kbit/s.
   */
  min_rate_kbps?: number;
  /**
   * How the transfer shares bandwidth: low uses what is left, fair shares equally, high takes twice a fair share, fixed keeps the target rate regardless of others.
   */
  rate_policy?: "low" | "fair" | "high" | "fixed";
  /**
   * UDP datagram size, bytes.
   */
  dgram_size?: number;
  /**
   * Encryption of data in transit; none turns it off (-T). Absent: ascp's default.
   */
  cipher?:
    | "none"
    | "aes-128"
    | "aes-192"
    | "aes-256"
    | "aes-128-cfb"
    | "aes-192-cfb"
    | "aes-256-cfb"
    | "aes-128-gcm"
    | "aes-192-gcm"
    | "aes-256-gcm";
  /**
   * Fall back to HTTP(S) when FASP cannot get through: true tries it, false never, force always uses HTTP.
   */
  http_fallback?: true | false | "force";
  /**
   * Port of the HTTPS fallback, used when the transfer is encrypted (cipher absent or not none); when only http_fallback_port is given, that one is used.
   */
  https_fallback_port?: number;
  /**
   * Port of the plain HTTP fallback, used when cipher is none; when only https_fallback_port is given, that one is used.
   */
  http_fallback_port?: number;
  /**
   * Number of ascp processes sharing the job (0 or 1: one), up to 128; the same digits as a string count the same, as aspera-cli reads it. Each gets -C i:N and, with agent.multi_incr_udp, its own UDP port; with tags.aspera they share one xfer_id.
   */
  multi_session?: number | string;
  /**
   * Files at least this big (bytes) are split between the sessions of a multi-session job; 0 splits none.
   */
  multi_session_threshold?: number;
  /**
   * What must match for a partial file to be resumed: none always resends, attrs compares size and time, sparse_csum adds a sparse checksum, full_csum a full checksum.
   */
  resume_policy?: "none" | "attrs" | "sparse_csum" | "full_csum";
  /**
   * When an existing destination file is replaced: never, always, when different (per resume_policy), when older, or when both.
   */
  overwrite?: "never" | "always" | "diff" | "older" | "diff+older";
  /**
   * Rename an existing destination file with a timestamp before replacing it.
   */
  save_before_overwrite?: boolean;
  /**
   * Hash to compute and report for each transferred file.
   */
  file_checksum?: "sha-512" | "sha-384" | "sha-256" | "sha1" | "md5" | "none";
  /**
   * Client-side encryption at rest: encrypt files sent, or decrypt files received; needs content_protection_password.
   */
  content_protection?: "encrypt" | "decrypt";
  /**
   * Pass phrase for content_protection.
   */
  content_protection_password?: string;
  /**
   * Fail the transfer when the content protection pass phrase is wrong.
   */
  fail_bad_filepass?: boolean;
  /**
   * Source symbolic links: follow them, copy the link, copy it replacing a destination file, or skip it.
   */
  symlink_policy?: "follow" | "copy" | "copy+force" | "skip";
  /**
   * Treat the destination as a folder and create it when missing.
   */
  create_dir?: boolean;
  /**
   * Resolve source paths inside the local docroot.
   */
  apply_local_docroot?: boolean;
  /**
   * Prefix added in front of every source path; an empty string means no prefix (the key is dropped).
   */
  source_root?: string;
  /**
   * Prefix removed from every source path; the rest of the path is recreated at the destination.
   */
  src_base?: string;
  /**
   * src_base already in base64, passed as given. Not together with src_base.
   */
  src_base64?: string;
  /**
   * Skip source files (not folders) modified after this time, seconds since the epoch of the source computer (negative: relative to now, e.g. -86400). An integer or the same digits as a string: both give the same argument.
   */
  exclude_newer_than?: number | string;
  /**
   * Skip source files (not folders) modified before this time, seconds since the epoch of the source computer (negative: relative to now, e.g. -86400). An integer or the same digits as a string: both give the same argument.
   */
  exclude_older_than?: number | string;
  /**
   * Skip sources that are neither files, folders nor symbolic links instead of failing.
   */
  skip_special_files?: boolean;
  /**
   * Do not look for duplicates while walking source folders.
   */
  skip_duplicate_check?: boolean;
  /**
   * Count files and bytes before transferring, so totals are known from the start; false turns the count off (--precalculate-disable), absent leaves ascp's default.
   */
  precalculate_job_size?: boolean;
  /**
   * Before transferring, delete destination items that the source folder does not have.
   */
  delete_before_transfer?: boolean;
  /**
   * Give destination files the access time the source had before the transfer.
   */
  preserve_access_time?: boolean;
  /**
   * Give destination files the source creation time (Windows destinations only).
   */
  preserve_creation_time?: boolean;
  /**
   * Keep file timestamps (ascp -p).
   */
  preserve_times?: boolean;
  /**
   * Give destination files the source modification time.
   */
  preserve_modification_time?: boolean;
  /**
   * Restore the source files' access time after reading them.
   */
  preserve_source_access_time?: boolean;
  /**
   * Keep the owner user id of files.
   */
  preserve_file_owner_uid?: boolean;
  /**
   * Keep the owner group id of files.
   */
  preserve_file_owner_gid?: boolean;
  /**
   * Access control lists at the destination: not kept, kept natively, or stored in a side file.
   */
  preserve_acls?: "none" | "native" | "metafile";
  /**
   * Like preserve_acls, on the server side (remote_preserve_acls is read as this key).
   */
  preserve_remote_acls?: "none" | "native" | "metafile";
  /**
   * Extended attributes at the destination: not kept, kept natively, or stored in a side file (preserve_xattrs is read as this key).
   */
  preserve_extended_attrs?: "none" | "native" | "metafile";
  /**
   * Like preserve_extended_attrs, on the server side (remote_preserve_xattrs is read as this key).
   */
  preserve_remote_extended_attrs?: "none" | "native" | "metafile";
  /**
   * Delete each source file once it is transferred.
   */
  remove_after_transfer?: boolean;
  /**
   * Delete source folders left empty by the transfer.
   */
  remove_empty_directories?: boolean;
  /**
   * Also delete the source folder itself when it ends up empty (remove_empty_source_dir, the Transfer SDK spelling, is read as this key).
   */
  remove_empty_source_directory?: boolean;
  /**
   * With remove_after_transfer: also delete source files that were skipped.
   */
  remove_skipped?: boolean;
  /**
   * true: shorthand for remove_after_transfer, remove_empty_directories and remove_empty_source_directory (one of them given false stays off: the safe reading). false: none of those, nor remove_skipped, is applied even when given true (a WARNING says so).
   */
  delete_source?: boolean;
  /**
   * Folder where source files are moved once transferred (ascp 3.8 or later). ascp takes it or remove_after_transfer, not both: with it, remove_after_transfer and remove_skipped are not applied (a WARNING says so) and the files are kept, moved.
   */
  move_after_transfer?: string;
  /**
   * Application metadata carried with the transfer, as JSON (--tags64). The aspera key is reserved: when it is an object, xfer_id (one per job, shared by every session) and xfer_retry (3600) are added when absent.
   */
  tags?: {
    aspera?: {};
  };
  /**
   * tags already as base64 JSON, passed as given (nothing added). Not together with tags.
   */
  tags64?: string;
  /**
   * Persistent session: no paths; files arrive later as START commands.
   */
  keepalive?: boolean;
  /**
   * What to transfer: each item has a source and, optionally, its destination relative to destination_root. Written to a private file list, never on the command line. Required unless keepalive or agent.file_list.
   */
  paths?: {
    /**
     * Source path.
     */
    source: string;
    /**
     * Destination path; when any item has one, items without one use their source.
     */
    destination?: string;
  }[];
  /**
   * Destination folder; default . when receiving, / when sending. Passed base64 (--dest64) as the last argument.
   */
  destination_root?: string;
  /**
   * Password of the transfer user.
   */
  remote_password?: string;
  /**
   * Authorization token (Bearer, Basic or ATM).
   */
  token?: string;
  /**
   * Application data that ascp passes back in its events (Cookie).
   */
  cookie?: string;
  /**
   * SSH private key of the transfer user, PEM text (newlines as \n in JSON).
   */
  ssh_private_key?: string;
  /**
   * Pass phrase of the SSH private key. ascp reads it from the same variable as remote_password: when both are given, the pass phrase wins if a private key (ssh_private_key or ssh_private_key_path) is given, else the password; a WARNING names the one not passed.
   */
  ssh_private_key_passphrase?: string;
  /**
   * Use ascp4. Not supported: asession drives ascp only, so true is refused.
   */
  use_ascp4?: boolean;
  /**
   * Connect Client only: token means SSH bypass keys.
   */
  authentication?: string;
  /**
   * Strongest cipher the server allows, returned by the node API.
   */
  cipher_allowed?: string;
  /**
   * ascp4 only.
   */
  compression?: number;
  /**
   * ascp4 only.
   */
  read_threads?: number;
  /**
   * ascp4 only.
   */
  write_threads?: number;
  /**
   * File id of the destination root, for bearer-token node transfers.
   */
  destination_root_id?: string;
  /**
   * File id of the source root, for bearer-token node transfers.
   */
  source_root_id?: string;
  /**
   * Access key that the bearer token was built for.
   */
  remote_access_key?: string;
  /**
   * Faspex only.
   */
  fasp_url?: string;
  /**
   * Rate lock flag returned by servers; nothing for ascp.
   */
  lock_min_rate?: boolean;
  /**
   * Rate lock flag returned by servers; nothing for ascp.
   */
  lock_target_rate?: boolean;
  /**
   * Connect Client: users cannot change the minimum rate.
   */
  lock_min_rate_kbps?: boolean;
  /**
   * Users cannot change the target rate; enforced by clients with a user interface.
   */
  lock_target_rate_kbps?: boolean;
  /**
   * Connect Client: users cannot change the rate policy.
   */
  lock_rate_policy?: boolean;
  /**
   * Highest minimum rate the server accepts, returned by the server.
   */
  min_rate_cap_kbps?: number;
  /**
   * Highest target rate the server accepts, returned by the node API.
   */
  target_rate_cap_kbps?: number;
  /**
   * Returned by some servers; nothing for ascp.
   */
  target_rate_percentage?: string;
  /**
   * Most aggressive rate policy the server allows, returned by the node API.
   */
  rate_policy_allowed?: "low" | "fair" | "high" | "fixed";
  /**
   * HTTP Gateway only: ascp does not obfuscate names (a WARNING says so when true).
   */
  obfuscate_file_names?: boolean;
  /**
   * Node API on Windows only: password of the local user to impersonate.
   */
  password?: string;
  /**
   * Node API: how long to keep retrying (e.g. 5min).
   */
  retry_duration?: number | string;
  /**
   * Title of the transfer shown by the node API and Connect.
   */
  title?: string;
  /**
   * Node API: retries of node-initiated transfers.
   */
  xfer_max_retries?: number;
  /**
   * Transfer SDK: IBM Cloud Object Storage settings; ascp does not read them (a WARNING says so).
   */
  icos?: {};
  /**
   * Transfer SDK: proxy between server and client.
   */
  fasp_proxy?: {};
  [k: string]: unknown;
}
/**
 * How asession runs ascp (the direct agent's transfer_info options, plus ascp_path).
 */
export interface AgentOptions {
  /**
   * The ascp executable to run; searched first.
   */
  ascp_path?: string;
  /**
   * Extra ascp arguments, placed after the generated options. Never put secrets here: argv is visible to every local user.
   */
  ascp_args?: string[];
  /**
   * Use the WebSocket session when the transfer spec says the server offers it (wss_enabled with wss_port). false keeps SSH only when the spec gives a fasp_port, as aspera-cli: without one the WebSocket session is still used.
   */
  wss?: boolean;
  /**
   * aspera-cli's switch for the management port; asession always reads ascp through it, so only true is accepted.
   */
  monitor?: true;
  /**
   * Pass -q so ascp prints no progress bar.
   */
  quiet?: boolean;
  /**
   * How sources reach ascp. true (default): spec.paths go to a private file list. false: sources go on ascp's command line, as aspera-cli does with file_list false (needed for growing-file sources file:///path?grow=N and faux:/// test sources); a pair list (any paths[].destination) is then an error, and so is a source starting with '-', which ascp would read as an option. An object: use an existing file list instead of writing one from spec.paths (saves a copy for huge lists); spec.paths must then be absent.
   */
  file_list?:
    | boolean
    | {
        /**
         * The file list.
         */
        path: string;
        /**
         * The file alternates source and destination lines (--file-pair-list).
         */
        pairs?: boolean;
      };
  /**
   * How long to wait for ascp to connect to the management port.
   */
  spawn_timeout_sec?: number;
  /**
   * Delay between the starts of the sessions of a multi-session job.
   */
  spawn_delay_sec?: number;
  /**
   * Give each session of a multi-session job its own UDP port (fasp_port + i). Absent: true on Windows, false elsewhere, as in current aspera-cli (its older manual said true).
   */
  multi_incr_udp?: boolean;
  /**
   * Retries on retryable errors. The wait before retry n (0-based) is min(sleep_max, sleep_initial * sleep_factor^n).
   */
  resume?: {
    /**
     * Retries at most (0 = never retry).
     */
    iter_max?: number;
    /**
     * First wait, seconds.
     */
    sleep_initial?: number;
    /**
     * Multiplier between waits.
     */
    sleep_factor?: number;
    /**
     * Longest wait, seconds.
     */
    sleep_max?: number;
  };
  /**
   * Certificate files or folders that ascp trusts for HTTPS (WSS); given to ascp through SSL_CERT_FILE / SSL_CERT_DIR. null: ascp's default.
   */
  trusted_certs?: string[] | null;
  /**
   * Which SSH bypass keys of the SDK folder ascp uses with token authentication.
   */
  client_ssh_key?: "rsa" | "dsa_rsa" | "none";
  /**
   * A transferring session that moves no byte for this long is stalled (STALLED event, then stall_action). Absent: no stall detection (as the original tool).
   */
  stall_timeout_sec?: number;
  /**
   * What a stall does: warn (STALLED only), retry (stop that ascp and resume like a retryable failure, with a RETRY), fail (the job fails).
   */
  stall_action?: "warn" | "retry" | "fail";
}
