# Generated from schema/client-contract.json and schema/facts.json by npm run gen. Do not edit.
"""The client contract every binding implements the same way."""

from typing import Optional, Tuple

#: After cancel() sends SIGTERM, how long the engine gets to stop ascp cleanly and print RESULT before the binding kills it (SIGKILL). Close (leaving a with / try / defer block) uses the same grace.
GRACE_SEC = 10

#: cancel(), a second cancel() and close() after cancel() send SIGTERM to the engine once per session: the engine reads a second signal as 'kill ascp now, skip the clean cancel'.
CANCEL_ONCE = True

#: How many of the last bytes of the engine's stderr a binding keeps, exactly, for error messages (decoded as UTF-8 with replacement).
STDERR_TAIL_BYTES = 65536

#: After the engine exited, how long a binding waits for its stdout and stderr to reach end of file (a process the engine started may hold them open) before it stops reading them.
PIPE_DRAIN_SEC = 5

#: Where the engine is found when the caller names none: this variable of the binding's own process environment (never of the environment given for the engine), then asession on PATH. A .js file runs with node.
ENGINE_ENV_VAR = "ASESSION_BIN"

#: The engine's environment is the binding's process environment with the caller's variables laid over it; a variable given with no value (None / nil entry / null) is removed. A separate switch (clear_env / ClearEnv / clearEnvironment) starts from an empty environment instead.
ENVIRONMENT = "merge"

#: A stdout line that is not a JSON object with a string type is not an event: it is never delivered, it is reported on the binding's copy of the engine's stderr (prefixed 'not an event:'), and it does not change the outcome (RESULT still decides).
NON_EVENT_LINE = "skip_and_report"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID_INPUT = 2
EXIT_NO_ASCP = 3
EXIT_CANCELLED = 130

#: How a session ends, from what the engine printed and how it exited. The first matching row wins; result: RESULT (a ResultEvent) present or absent; status: RESULT's status; exit: the engine's exit status (0, nonzero, any); events: the spec's events mode (all, ascp, any). outcome: result = wait() returns RESULT; none = wait() returns nothing (None / nil / null) without an error; transfer_error = TransferError carrying RESULT; engine_error = EngineError carrying the exit status and the stderr tail.
#: Each row: (id, result, status, exit, events, outcome).
OUTCOME_ROWS: Tuple[Tuple[str, str, Optional[str], str, str, str], ...] = (
    ("result-success", "present", "success", "any", "any", "result"),
    ("result-failed", "present", "failed", "any", "any", "transfer_error"),
    ("result-cancelled", "present", "cancelled", "any", "any", "transfer_error"),
    ("ascp-mode-exit-0", "absent", None, "0", "ascp", "none"),
    ("ascp-mode-exit-nonzero", "absent", None, "nonzero", "ascp", "engine_error"),
    ("no-result-exit-0", "absent", None, "0", "all", "engine_error"),
    ("no-result-exit-nonzero", "absent", None, "nonzero", "all", "engine_error"),
)
