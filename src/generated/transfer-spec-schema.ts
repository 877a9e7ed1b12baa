// Generated from schema/transfer-spec.schema.json by `npm run gen`. Do not edit.
export const transferSpecSchema: unknown = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://asession.dev/schema/transfer-spec.schema.json",
  "title": "TransferSpec",
  "description": "The transfer: where, who, what and how. Keys follow aspera-cli's transfer spec. Keys nobody knows are accepted (the engine warns about them); keys only other agents use are accepted and ignored.",
  "$comment": "x-ascp tells the planner (src/plan) how a key reaches ascp, in argv order of this file. {option, map?, convert?, repeat?, clears?, excludes?}: `option value`; map translates the value (keyed by the value as text, booleans as true/false; a {switch} entry emits that switch instead); convert base64 | base64_json encodes it; repeat emits the option once per array item (a single value once); clears names keys not applied when this one is given (a WARNING for each that was true); excludes names a key that must not be given with this one. {switch, off?}: true emits the switch, false emits off when given, else nothing. {implies, false_clears?}: true makes the implied keys true unless one is explicitly false (the reading that deletes less wins, with a WARNING); false drops the implied keys and those of false_clears (a WARNING for each that was true). {env, secret, wins_with?}: the value goes in that environment variable, masked in output when secret; when two keys give the same variable, the one with wins_with wins if one of those keys is present, else the other, and a WARNING names the key not passed. {special}: handled by code named after it. {ignore, applies?}: used by another agent (node, connect, transferd, httpgw, faspex, ascp4) or returned by servers for information (server), logged at debug; with applies (what ascp does instead), a value other than false gets a WARNING. x-aliases {keys?, values?}: other spellings of the key and of its values, rewritten to this key and value before validation (src/normalize.ts)",
  "type": "object",
  "additionalProperties": true,
  "required": [
    "direction",
    "remote_host"
  ],
  "properties": {
    "direction": {
      "type": "string",
      "enum": [
        "send",
        "receive"
      ],
      "description": "Transfer direction seen from this side: send uploads, receive downloads (recv is read as receive).",
      "x-ascp": {
        "option": "--mode",
        "map": {
          "send": "send",
          "receive": "recv"
        }
      },
      "x-aliases": {
        "values": {
          "recv": "receive"
        }
      }
    },
    "remote_host": {
      "type": "string",
      "minLength": 1,
      "description": "Server name or IP address.",
      "x-ascp": {
        "option": "--host"
      }
    },
    "remote_user": {
      "type": "string",
      "minLength": 1,
      "description": "Transfer user on the server (ascp uses the local user name when absent).",
      "x-ascp": {
        "option": "--user"
      }
    },
    "ssh_port": {
      "type": "integer",
      "minimum": 1,
      "maximum": 65535,
      "description": "TCP port of the SSH session (ascp's default is 22; Aspera servers usually listen on 33001). Replaced by wss_port when the WebSocket session is used.",
      "x-ascp": {
        "option": "-P"
      }
    },
    "fasp_port": {
      "type": "integer",
      "minimum": 1,
      "maximum": 65535,
      "default": 33001,
      "description": "UDP port of the FASP data channel. Not passed with a WebSocket session; the first port of a multi-session job with agent.multi_incr_udp.",
      "x-ascp": {
        "option": "-O"
      }
    },
    "wss_enabled": {
      "type": "boolean",
      "default": false,
      "description": "The server offers the WebSocket session. Used when agent.wss is true and wss_port is given: ascp then connects with --ws-connect to wss_port, without -O and --check-sshfp.",
      "x-ascp": {
        "special": "wss"
      }
    },
    "wss_port": {
      "type": "integer",
      "minimum": 1,
      "maximum": 65535,
      "description": "TCP port of the server's WebSocket service.",
      "x-ascp": {
        "special": "wss"
      }
    },
    "sshfp": {
      "type": "string",
      "minLength": 1,
      "description": "Expected fingerprint of the server's SSH host key; the transfer fails when it differs.",
      "x-ascp": {
        "option": "--check-sshfp"
      }
    },
    "ssh_private_key_path": {
      "type": "string",
      "minLength": 1,
      "description": "File holding the SSH private key of the transfer user.",
      "x-ascp": {
        "option": "-i"
      }
    },
    "use_system_ssh": {
      "type": "boolean",
      "default": false,
      "description": "Connect with the ssh program found in PATH instead of ascp's built-in SSH client.",
      "x-ascp": {
        "switch": "-SSH"
      }
    },
    "ssh_args": {
      "anyOf": [
        {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        {
          "type": "string"
        }
      ],
      "description": "Arguments for the external ssh program (with use_system_ssh); one --ssh-arg each (a string is one argument).",
      "x-ascp": {
        "option": "--ssh-arg",
        "repeat": true
      }
    },
    "proxy": {
      "type": "string",
      "minLength": 1,
      "description": "Aspera high-speed proxy, dnat://[user[:password]@]host:port or dnats://… (default ports 9091, 9092). A password in the URL is moved to ASPERA_PROXY_PASS, never left on the command line.",
      "x-ascp": {
        "special": "proxy"
      }
    },
    "target_rate_kbps": {
      "type": "integer",
      "minimum": 0,
      "description": "Target transfer rate, kbit/s. Can be changed during the transfer with a RATE command.",
      "x-ascp": {
        "option": "-l"
      }
    },
    "min_rate_kbps": {
      "type": "integer",
      "minimum": 0,
      "default": 0,
      "description": "Minimum transfer rate, kbit/s.",
      "x-ascp": {
        "option": "-m"
      }
    },
    "rate_policy": {
      "type": "string",
      "enum": [
        "low",
        "fair",
        "high",
        "fixed"
      ],
      "description": "How the transfer shares bandwidth: low uses what is left, fair shares equally, high takes twice a fair share, fixed keeps the target rate regardless of others.",
      "x-ascp": {
        "option": "--policy"
      }
    },
    "dgram_size": {
      "type": "integer",
      "minimum": 1,
      "description": "UDP datagram size, bytes.",
      "x-ascp": {
        "option": "-Z"
      }
    },
    "cipher": {
      "type": "string",
      "enum": [
        "none",
        "aes-128",
        "aes-192",
        "aes-256",
        "aes-128-cfb",
        "aes-192-cfb",
        "aes-256-cfb",
        "aes-128-gcm",
        "aes-192-gcm",
        "aes-256-gcm"
      ],
      "description": "Encryption of data in transit; none turns it off (-T). Absent: ascp's default.",
      "x-ascp": {
        "option": "-c",
        "map": {
          "none": {
            "switch": "-T"
          },
          "aes-128": "aes128",
          "aes-192": "aes192",
          "aes-256": "aes256",
          "aes-128-cfb": "aes128cfb",
          "aes-192-cfb": "aes192cfb",
          "aes-256-cfb": "aes256cfb",
          "aes-128-gcm": "aes128gcm",
          "aes-192-gcm": "aes192gcm",
          "aes-256-gcm": "aes256gcm"
        }
      },
      "x-aliases": {
        "values": {
          "aes128": "aes-128",
          "aes192": "aes-192",
          "aes256": "aes-256",
          "aes128cfb": "aes-128-cfb",
          "aes192cfb": "aes-192-cfb",
          "aes256cfb": "aes-256-cfb",
          "aes128gcm": "aes-128-gcm",
          "aes192gcm": "aes-192-gcm",
          "aes256gcm": "aes-256-gcm"
        }
      }
    },
    "http_fallback": {
      "enum": [
        true,
        false,
        "force"
      ],
      "description": "Fall back to HTTP(S) when FASP cannot get through: true tries it, false never, force always uses HTTP.",
      "x-ascp": {
        "option": "-y",
        "map": {
          "true": "1",
          "false": "0",
          "force": "F"
        }
      }
    },
    "https_fallback_port": {
      "type": "integer",
      "minimum": 1,
      "maximum": 65535,
      "description": "Port of the HTTPS fallback, used when the transfer is encrypted (cipher absent or not none); when only http_fallback_port is given, that one is used.",
      "x-ascp": {
        "special": "fallback_port"
      }
    },
    "http_fallback_port": {
      "type": "integer",
      "minimum": 1,
      "maximum": 65535,
      "description": "Port of the plain HTTP fallback, used when cipher is none; when only https_fallback_port is given, that one is used.",
      "x-ascp": {
        "special": "fallback_port"
      }
    },
    "multi_session": {
      "anyOf": [
        {
          "type": "integer",
          "minimum": 0,
          "maximum": 128
        },
        {
          "type": "string",
          "pattern": "^(12[0-8]|1[01][0-9]|[1-9]?[0-9])$"
        }
      ],
      "description": "Number of ascp processes sharing the job (0 or 1: one), up to 128; the same digits as a string count the same, as aspera-cli reads it. Each gets -C i:N and, with agent.multi_incr_udp, its own UDP port; with tags.aspera they share one xfer_id.",
      "x-ascp": {
        "special": "multi_session"
      }
    },
    "multi_session_threshold": {
      "type": "integer",
      "minimum": 0,
      "description": "Files at least this big (bytes) are split between the sessions of a multi-session job; 0 splits none.",
      "x-ascp": {
        "option": "--multi-session-threshold"
      }
    },
    "resume_policy": {
      "type": "string",
      "enum": [
        "none",
        "attrs",
        "sparse_csum",
        "full_csum"
      ],
      "description": "What must match for a partial file to be resumed: none always resends, attrs compares size and time, sparse_csum adds a sparse checksum, full_csum a full checksum.",
      "x-ascp": {
        "option": "-k",
        "map": {
          "none": "0",
          "attrs": "1",
          "sparse_csum": "2",
          "full_csum": "3"
        }
      },
      "x-aliases": {
        "values": {
          "attributes": "attrs",
          "sparse_checksum": "sparse_csum",
          "full_checksum": "full_csum"
        }
      }
    },
    "overwrite": {
      "type": "string",
      "enum": [
        "never",
        "always",
        "diff",
        "older",
        "diff+older"
      ],
      "default": "diff",
      "description": "When an existing destination file is replaced: never, always, when different (per resume_policy), when older, or when both.",
      "x-ascp": {
        "option": "--overwrite"
      }
    },
    "save_before_overwrite": {
      "type": "boolean",
      "default": false,
      "description": "Rename an existing destination file with a timestamp before replacing it.",
      "x-ascp": {
        "switch": "--save-before-overwrite"
      }
    },
    "file_checksum": {
      "type": "string",
      "enum": [
        "sha-512",
        "sha-384",
        "sha-256",
        "sha1",
        "md5",
        "none"
      ],
      "default": "none",
      "description": "Hash to compute and report for each transferred file.",
      "x-ascp": {
        "option": "--file-checksum"
      }
    },
    "content_protection": {
      "type": "string",
      "enum": [
        "encrypt",
        "decrypt"
      ],
      "description": "Client-side encryption at rest: encrypt files sent, or decrypt files received; needs content_protection_password.",
      "x-ascp": {
        "option": "--file-crypt"
      }
    },
    "content_protection_password": {
      "type": "string",
      "description": "Pass phrase for content_protection.",
      "x-ascp": {
        "env": "ASPERA_SCP_FILEPASS",
        "secret": true
      }
    },
    "fail_bad_filepass": {
      "type": "boolean",
      "default": false,
      "description": "Fail the transfer when the content protection pass phrase is wrong.",
      "x-ascp": {
        "switch": "--fail-bad-filepass"
      }
    },
    "symlink_policy": {
      "type": "string",
      "enum": [
        "follow",
        "copy",
        "copy+force",
        "skip"
      ],
      "default": "follow",
      "description": "Source symbolic links: follow them, copy the link, copy it replacing a destination file, or skip it.",
      "x-ascp": {
        "option": "--symbolic-links"
      }
    },
    "create_dir": {
      "type": "boolean",
      "default": false,
      "description": "Treat the destination as a folder and create it when missing.",
      "x-ascp": {
        "switch": "-d"
      }
    },
    "apply_local_docroot": {
      "type": "boolean",
      "default": false,
      "description": "Resolve source paths inside the local docroot.",
      "x-ascp": {
        "switch": "--apply-local-docroot"
      }
    },
    "source_root": {
      "type": "string",
      "minLength": 1,
      "description": "Prefix added in front of every source path; an empty string means no prefix (the key is dropped).",
      "x-ascp": {
        "option": "--source-prefix64",
        "convert": "base64"
      }
    },
    "src_base": {
      "type": "string",
      "minLength": 1,
      "description": "Prefix removed from every source path; the rest of the path is recreated at the destination.",
      "x-ascp": {
        "option": "--src-base64",
        "convert": "base64"
      }
    },
    "src_base64": {
      "type": "string",
      "minLength": 1,
      "description": "src_base already in base64, passed as given. Not together with src_base.",
      "x-ascp": {
        "option": "--src-base64",
        "excludes": "src_base"
      }
    },
    "exclude_newer_than": {
      "anyOf": [
        {
          "type": "integer"
        },
        {
          "type": "string",
          "pattern": "^-?[0-9]+$"
        }
      ],
      "description": "Skip source files (not folders) modified after this time, seconds since the epoch of the source computer (negative: relative to now, e.g. -86400). An integer or the same digits as a string: both give the same argument.",
      "x-ascp": {
        "option": "--exclude-newer-than"
      }
    },
    "exclude_older_than": {
      "anyOf": [
        {
          "type": "integer"
        },
        {
          "type": "string",
          "pattern": "^-?[0-9]+$"
        }
      ],
      "description": "Skip source files (not folders) modified before this time, seconds since the epoch of the source computer (negative: relative to now, e.g. -86400). An integer or the same digits as a string: both give the same argument.",
      "x-ascp": {
        "option": "--exclude-older-than"
      }
    },
    "skip_special_files": {
      "type": "boolean",
      "default": false,
      "description": "Skip sources that are neither files, folders nor symbolic links instead of failing.",
      "x-ascp": {
        "switch": "--skip-special-files"
      }
    },
    "skip_duplicate_check": {
      "type": "boolean",
      "default": false,
      "description": "Do not look for duplicates while walking source folders.",
      "x-ascp": {
        "switch": "--skip-dir-traversal-dupes"
      }
    },
    "precalculate_job_size": {
      "type": "boolean",
      "description": "Count files and bytes before transferring, so totals are known from the start; false turns the count off (--precalculate-disable), absent leaves ascp's default.",
      "x-ascp": {
        "switch": "--precalculate-job-size",
        "off": "--precalculate-disable"
      }
    },
    "delete_before_transfer": {
      "type": "boolean",
      "default": false,
      "description": "Before transferring, delete destination items that the source folder does not have.",
      "x-ascp": {
        "switch": "--delete-before-transfer"
      }
    },
    "preserve_access_time": {
      "type": "boolean",
      "default": false,
      "description": "Give destination files the access time the source had before the transfer.",
      "x-ascp": {
        "switch": "--preserve-access-time"
      }
    },
    "preserve_creation_time": {
      "type": "boolean",
      "default": false,
      "description": "Give destination files the source creation time (Windows destinations only).",
      "x-ascp": {
        "switch": "--preserve-creation-time"
      }
    },
    "preserve_times": {
      "type": "boolean",
      "default": false,
      "description": "Keep file timestamps (ascp -p).",
      "x-ascp": {
        "switch": "-p"
      }
    },
    "preserve_modification_time": {
      "type": "boolean",
      "default": false,
      "description": "Give destination files the source modification time.",
      "x-ascp": {
        "switch": "--preserve-modification-time"
      }
    },
    "preserve_source_access_time": {
      "type": "boolean",
      "default": false,
      "description": "Restore the source files' access time after reading them.",
      "x-ascp": {
        "switch": "--preserve-source-access-time"
      }
    },
    "preserve_file_owner_uid": {
      "type": "boolean",
      "default": false,
      "description": "Keep the owner user id of files.",
      "x-ascp": {
        "switch": "--preserve-file-owner-uid"
      }
    },
    "preserve_file_owner_gid": {
      "type": "boolean",
      "default": false,
      "description": "Keep the owner group id of files.",
      "x-ascp": {
        "switch": "--preserve-file-owner-gid"
      }
    },
    "preserve_acls": {
      "type": "string",
      "enum": [
        "none",
        "native",
        "metafile"
      ],
      "default": "none",
      "description": "Access control lists at the destination: not kept, kept natively, or stored in a side file.",
      "x-ascp": {
        "option": "--preserve-acls"
      }
    },
    "preserve_remote_acls": {
      "type": "string",
      "enum": [
        "none",
        "native",
        "metafile"
      ],
      "default": "none",
      "description": "Like preserve_acls, on the server side (remote_preserve_acls is read as this key).",
      "x-ascp": {
        "option": "--remote-preserve-acls"
      },
      "x-aliases": {
        "keys": [
          "remote_preserve_acls"
        ]
      }
    },
    "preserve_extended_attrs": {
      "type": "string",
      "enum": [
        "none",
        "native",
        "metafile"
      ],
      "default": "none",
      "description": "Extended attributes at the destination: not kept, kept natively, or stored in a side file (preserve_xattrs is read as this key).",
      "x-ascp": {
        "option": "--preserve-xattrs"
      },
      "x-aliases": {
        "keys": [
          "preserve_xattrs"
        ]
      }
    },
    "preserve_remote_extended_attrs": {
      "type": "string",
      "enum": [
        "none",
        "native",
        "metafile"
      ],
      "default": "none",
      "description": "Like preserve_extended_attrs, on the server side (remote_preserve_xattrs is read as this key).",
      "x-ascp": {
        "option": "--remote-preserve-xattrs"
      },
      "x-aliases": {
        "keys": [
          "remote_preserve_xattrs"
        ]
      }
    },
    "remove_after_transfer": {
      "type": "boolean",
      "default": false,
      "description": "Delete each source file once it is transferred.",
      "x-ascp": {
        "switch": "--remove-after-transfer"
      }
    },
    "remove_empty_directories": {
      "type": "boolean",
      "default": false,
      "description": "Delete source folders left empty by the transfer.",
      "x-ascp": {
        "switch": "--remove-empty-directories"
      }
    },
    "remove_empty_source_directory": {
      "type": "boolean",
      "default": false,
      "description": "Also delete the source folder itself when it ends up empty (remove_empty_source_dir, the Transfer SDK spelling, is read as this key).",
      "x-ascp": {
        "switch": "--remove-empty-source-directory"
      },
      "x-aliases": {
        "keys": [
          "remove_empty_source_dir"
        ]
      }
    },
    "remove_skipped": {
      "type": "boolean",
      "default": false,
      "description": "With remove_after_transfer: also delete source files that were skipped.",
      "x-ascp": {
        "switch": "--remove-skipped"
      }
    },
    "delete_source": {
      "type": "boolean",
      "description": "true: shorthand for remove_after_transfer, remove_empty_directories and remove_empty_source_directory (one of them given false stays off: the safe reading). false: none of those, nor remove_skipped, is applied even when given true (a WARNING says so).",
      "x-ascp": {
        "implies": [
          "remove_after_transfer",
          "remove_empty_directories",
          "remove_empty_source_directory"
        ],
        "false_clears": [
          "remove_skipped"
        ]
      }
    },
    "move_after_transfer": {
      "type": "string",
      "minLength": 1,
      "description": "Folder where source files are moved once transferred (ascp 3.8 or later). ascp takes it or remove_after_transfer, not both: with it, remove_after_transfer and remove_skipped are not applied (a WARNING says so) and the files are kept, moved.",
      "x-ascp": {
        "option": "--move-after-transfer",
        "clears": [
          "remove_after_transfer",
          "remove_skipped"
        ]
      }
    },
    "tags": {
      "type": "object",
      "properties": {
        "aspera": {
          "type": "object"
        }
      },
      "description": "Application metadata carried with the transfer, as JSON (--tags64). The aspera key is reserved: when it is an object, xfer_id (one per job, shared by every session) and xfer_retry (3600) are added when absent.",
      "x-ascp": {
        "special": "tags"
      }
    },
    "tags64": {
      "type": "string",
      "minLength": 1,
      "description": "tags already as base64 JSON, passed as given (nothing added). Not together with tags.",
      "x-ascp": {
        "option": "--tags64",
        "excludes": "tags"
      }
    },
    "keepalive": {
      "type": "boolean",
      "default": false,
      "description": "Persistent session: no paths; files arrive later as START commands.",
      "x-ascp": {
        "switch": "--keepalive"
      }
    },
    "paths": {
      "type": "array",
      "description": "What to transfer: each item has a source and, optionally, its destination relative to destination_root. Written to a private file list, never on the command line. Required unless keepalive or agent.file_list.",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "source"
        ],
        "properties": {
          "source": {
            "type": "string",
            "minLength": 1,
            "description": "Source path."
          },
          "destination": {
            "type": "string",
            "minLength": 1,
            "description": "Destination path; when any item has one, items without one use their source."
          }
        }
      },
      "x-ascp": {
        "special": "paths"
      }
    },
    "destination_root": {
      "type": "string",
      "minLength": 1,
      "description": "Destination folder; default . when receiving, / when sending. Passed base64 (--dest64) as the last argument.",
      "x-ascp": {
        "special": "destination"
      }
    },
    "remote_password": {
      "type": "string",
      "description": "Password of the transfer user.",
      "x-ascp": {
        "env": "ASPERA_SCP_PASS",
        "secret": true
      }
    },
    "token": {
      "type": "string",
      "description": "Authorization token (Bearer, Basic or ATM).",
      "x-ascp": {
        "env": "ASPERA_SCP_TOKEN",
        "secret": true
      }
    },
    "cookie": {
      "type": "string",
      "description": "Application data that ascp passes back in its events (Cookie).",
      "x-ascp": {
        "env": "ASPERA_SCP_COOKIE",
        "secret": true
      }
    },
    "ssh_private_key": {
      "type": "string",
      "description": "SSH private key of the transfer user, PEM text (newlines as \\n in JSON).",
      "x-ascp": {
        "env": "ASPERA_SCP_KEY",
        "secret": true
      }
    },
    "ssh_private_key_passphrase": {
      "type": "string",
      "description": "Pass phrase of the SSH private key. ascp reads it from the same variable as remote_password: when both are given, the pass phrase wins if a private key (ssh_private_key or ssh_private_key_path) is given, else the password; a WARNING names the one not passed.",
      "x-ascp": {
        "env": "ASPERA_SCP_PASS",
        "secret": true,
        "wins_with": [
          "ssh_private_key",
          "ssh_private_key_path"
        ]
      }
    },
    "use_ascp4": {
      "type": "boolean",
      "default": false,
      "description": "Use ascp4. Not supported: asession drives ascp only, so true is refused.",
      "x-ascp": {
        "special": "refuse_ascp4"
      }
    },
    "authentication": {
      "type": "string",
      "description": "Connect Client only: token means SSH bypass keys.",
      "x-ascp": {
        "ignore": "connect"
      }
    },
    "cipher_allowed": {
      "type": "string",
      "description": "Strongest cipher the server allows, returned by the node API.",
      "x-ascp": {
        "ignore": "server"
      }
    },
    "compression": {
      "type": "integer",
      "description": "ascp4 only.",
      "x-ascp": {
        "ignore": "ascp4"
      }
    },
    "read_threads": {
      "type": "integer",
      "description": "ascp4 only.",
      "x-ascp": {
        "ignore": "ascp4"
      }
    },
    "write_threads": {
      "type": "integer",
      "description": "ascp4 only.",
      "x-ascp": {
        "ignore": "ascp4"
      }
    },
    "destination_root_id": {
      "type": "string",
      "description": "File id of the destination root, for bearer-token node transfers.",
      "x-ascp": {
        "ignore": "transferd"
      }
    },
    "source_root_id": {
      "type": "string",
      "description": "File id of the source root, for bearer-token node transfers.",
      "x-ascp": {
        "ignore": "node"
      }
    },
    "remote_access_key": {
      "type": "string",
      "description": "Access key that the bearer token was built for.",
      "x-ascp": {
        "ignore": "transferd"
      }
    },
    "fasp_url": {
      "type": "string",
      "description": "Faspex only.",
      "x-ascp": {
        "ignore": "faspex"
      }
    },
    "lock_min_rate": {
      "type": "boolean",
      "description": "Rate lock flag returned by servers; nothing for ascp.",
      "x-ascp": {
        "ignore": "server"
      }
    },
    "lock_target_rate": {
      "type": "boolean",
      "description": "Rate lock flag returned by servers; nothing for ascp.",
      "x-ascp": {
        "ignore": "server"
      }
    },
    "lock_min_rate_kbps": {
      "type": "boolean",
      "description": "Connect Client: users cannot change the minimum rate.",
      "x-ascp": {
        "ignore": "connect"
      }
    },
    "lock_target_rate_kbps": {
      "type": "boolean",
      "description": "Users cannot change the target rate; enforced by clients with a user interface.",
      "x-ascp": {
        "ignore": "server"
      }
    },
    "lock_rate_policy": {
      "type": "boolean",
      "description": "Connect Client: users cannot change the rate policy.",
      "x-ascp": {
        "ignore": "connect"
      }
    },
    "min_rate_cap_kbps": {
      "type": "integer",
      "description": "Highest minimum rate the server accepts, returned by the server.",
      "x-ascp": {
        "ignore": "server"
      }
    },
    "target_rate_cap_kbps": {
      "type": "integer",
      "description": "Highest target rate the server accepts, returned by the node API.",
      "x-ascp": {
        "ignore": "server"
      }
    },
    "target_rate_percentage": {
      "type": "string",
      "description": "Returned by some servers; nothing for ascp.",
      "x-ascp": {
        "ignore": "server"
      }
    },
    "rate_policy_allowed": {
      "type": "string",
      "enum": [
        "low",
        "fair",
        "high",
        "fixed"
      ],
      "description": "Most aggressive rate policy the server allows, returned by the node API.",
      "x-ascp": {
        "ignore": "server"
      }
    },
    "obfuscate_file_names": {
      "type": "boolean",
      "description": "HTTP Gateway only: ascp does not obfuscate names (a WARNING says so when true).",
      "x-ascp": {
        "ignore": "httpgw",
        "applies": "file names are not obfuscated"
      }
    },
    "password": {
      "type": "string",
      "description": "Node API on Windows only: password of the local user to impersonate.",
      "x-ascp": {
        "ignore": "node"
      }
    },
    "retry_duration": {
      "anyOf": [
        {
          "type": "integer"
        },
        {
          "type": "string"
        }
      ],
      "description": "Node API: how long to keep retrying (e.g. 5min).",
      "x-ascp": {
        "ignore": "node"
      }
    },
    "title": {
      "type": "string",
      "description": "Title of the transfer shown by the node API and Connect.",
      "x-ascp": {
        "ignore": "node"
      }
    },
    "xfer_max_retries": {
      "type": "integer",
      "description": "Node API: retries of node-initiated transfers.",
      "x-ascp": {
        "ignore": "node"
      }
    },
    "icos": {
      "type": "object",
      "description": "Transfer SDK: IBM Cloud Object Storage settings; ascp does not read them (a WARNING says so).",
      "x-ascp": {
        "ignore": "transferd",
        "applies": "files go to the server's own storage, not to these Cloud Object Storage settings"
      }
    },
    "fasp_proxy": {
      "type": "object",
      "description": "Transfer SDK: proxy between server and client.",
      "x-ascp": {
        "ignore": "transferd"
      }
    }
  }
};
