"""The sans-I/O core both drivers share (session.py: threads, aio.py: asyncio): finding the engine, its
environment, encoding lines, splitting and decoding stdout, handing events on (the progress listener and
the last PROGRESS), the stderr tail, cancel-once, and the outcome table of the client contract (schema/client-contract.json, generated into _contract.py). The drivers only
move bytes and wait; every decision is made here, once."""

from __future__ import annotations

import json
import os
import threading
from typing import IO, Any, Callable, Dict, List, Mapping, Optional, Union

from . import _contract
from ._errors import EngineError, TransferError
from ._events import Event, ProgressEvent, ResultEvent, from_json

Spec = Union[Mapping[str, Any], str]
#: Variables laid over the process environment; a None value removes that variable.
EnvArg = Optional[Mapping[str, Optional[str]]]
#: Called with each PROGRESS as it is handed on to the reader of the events (see Core.deliver).
ProgressListener = Callable[[ProgressEvent], None]

#: The engine runs in its own session (process group) on POSIX, so a Ctrl-C at the terminal reaches only
#: this program, which then cancels the engine once: a second signal would make it kill ascp at once.
OWN_SESSION = os.name == "posix"
DEFAULT_GRACE_SEC = float(_contract.GRACE_SEC)
PIPE_DRAIN_SEC = float(_contract.PIPE_DRAIN_SEC)
STDERR_TAIL_BYTES = _contract.STDERR_TAIL_BYTES
#: Bytes read from a pipe at a time.
CHUNK = 65536


def encode_spec(spec: Spec) -> bytes:
    """The spec as the engine's first stdin value; a string is sent as is (it may span lines)."""
    text = spec if isinstance(spec, str) else json.dumps(spec, separators=(",", ":"))
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def encode_command(command: Mapping[str, Any]) -> bytes:
    if not isinstance(command, Mapping):
        raise TypeError(f"a command is a dict, not {type(command).__name__}; use send_raw for any other line")
    return (json.dumps(dict(command), separators=(",", ":")) + "\n").encode("utf-8")


def encode_raw(line: str) -> bytes:
    line = line[:-1] if line.endswith("\n") else line
    if "\n" in line:
        raise ValueError("send_raw takes one line: the engine reads each line as one command")
    return (line + "\n").encode("utf-8")


def start_command(source: str, destination: Optional[str], file_bytes: Optional[str],
                  session_index: Optional[int]) -> Dict[str, Any]:
    return _without_none(type="START", source=source, destination=destination, file_bytes=file_bytes,
                         session_index=session_index)


def rate_command(kbps: Union[int, str, None], min_kbps: Union[int, str, None], policy: Optional[str],
                 session_index: Optional[int]) -> Dict[str, Any]:
    if kbps is None and min_kbps is None and policy is None:
        raise ValueError("set_rate needs kbps, min_kbps or policy")
    return _without_none(type="RATE", rate=kbps, min_rate=min_kbps, policy=policy, session_index=session_index)


def done_command(linger: bool, session_index: Optional[int]) -> Dict[str, Any]:
    return _without_none(type="DONE", operation="Linger" if linger else None, session_index=session_index)


def status_command() -> Dict[str, Any]:
    # The engine answers with a PROGRESS of the whole job at once: STATUS takes no session_index (schema).
    return {"type": "STATUS"}


def _without_none(**fields: Any) -> Dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def engine_env(env: EnvArg, clear_env: bool) -> Dict[str, str]:
    """The engine's environment: this process's (or none with ``clear_env``) with ``env`` laid over it."""
    merged = {} if clear_env else dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


def asks_ascp_only(spec: Spec) -> bool:
    """Whether the spec says "events": "ascp" (the engine then prints no RESULT); the engine judges the rest."""
    if isinstance(spec, str):
        try:
            spec = json.loads(spec)
        except ValueError:
            return False
    return isinstance(spec, Mapping) and spec.get("events") == "ascp"


def tee(sink: Optional[IO[bytes]], chunk: bytes) -> Optional[IO[bytes]]:
    """Copies a stderr chunk to the user's stream; returns None (stop teeing) once that stream fails,
    because the engine's stderr must keep being drained whatever happens to the copy."""
    if sink is None:
        return None
    try:
        sink.write(chunk)
        sink.flush()
    except (OSError, ValueError):
        return None
    return sink


def outcome_of(result: Optional[ResultEvent], returncode: Optional[int], ascp_only: bool) -> str:
    """The first row of the contract's outcome table that matches: result, none, transfer_error or engine_error."""
    mode = "ascp" if ascp_only else "all"
    for _id, present, status, exit_, events, outcome in _contract.OUTCOME_ROWS:
        if (present == "present") != (result is not None):
            continue
        if status is not None and (result is None or result.status != status):
            continue
        if (exit_ == "0" and returncode != 0) or (exit_ == "nonzero" and returncode == 0):
            continue
        if events not in ("any", mode):
            continue
        return outcome
    return "engine_error"


class Core:
    """One session's state, fed with the engine's bytes by a driver: splits and decodes stdout lines, keeps
    the RESULT and the stderr tail, decides whether to signal, and turns the end into the contract's outcome."""

    def __init__(self, spec: Spec, tee_stderr: Optional[IO[bytes]],
                 on_progress: Optional[ProgressListener] = None) -> None:
        self.spec_line = encode_spec(spec)  # a spec json cannot encode fails before anything runs
        self.ascp_only = asks_ascp_only(spec)
        self.result: Optional[ResultEvent] = None
        #: The last PROGRESS handed on; its totals are RESULT's (the engine makes them agree exactly).
        self.last_progress: Optional[ProgressEvent] = None
        self._on_progress = on_progress
        self._tee = tee_stderr
        self._tail = bytearray()
        self._lock = threading.Lock()  # the sync driver feeds stdout and stderr from two threads
        self._pending = bytearray()
        self._scanned = 0
        self._signalled = False

    # -- stdout ----------------------------------------------------------------------------------

    def feed_stdout(self, chunk: bytes) -> List[Event]:
        """The events completed by a chunk of stdout; b"" means end of file (a last unterminated line counts)."""
        lines: List[bytes] = []
        if chunk:
            self._pending += chunk
            # Lines are split here, without a length limit: one event may be megabytes long.
            while True:
                end = self._pending.find(b"\n", self._scanned)
                if end < 0:
                    self._scanned = len(self._pending)
                    break
                lines.append(bytes(self._pending[: end + 1]))
                del self._pending[: end + 1]
                self._scanned = 0
        elif self._pending:
            lines.append(bytes(self._pending))
            self._pending.clear()
        events = []
        for line in lines:
            event = self.decode(line)
            if event is not None:
                events.append(event)
        return events

    def decode(self, line: bytes) -> Optional[Event]:
        """One stdout line as an event; a line that is not one is reported and skipped (contract: non_event_line)."""
        if not line.strip():
            return None
        try:
            data = json.loads(line)
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            note = f"not an event: the engine wrote a stdout line that is not a JSON object with a type: {line[:200]!r}\n"
            self.feed_stderr(note.encode("utf-8"))
            return None
        event = from_json(data)
        if isinstance(event, ResultEvent):
            self.result = event
        return event

    def deliver(self, event: Event) -> Event:
        """Called by a driver for each event it hands on (events(), progress(), wait()), in that caller's thread
        or task: a PROGRESS is kept as last_progress and given to on_progress before it goes on. Listeners
        thus see exactly the PROGRESS events of the one stream, in order, and never compete with its reader;
        an exception a listener raises comes out of the call that was reading."""
        if isinstance(event, ProgressEvent):
            self.last_progress = event
            if self._on_progress is not None:
                self._on_progress(event)
        return event

    @staticmethod
    def progress_only(event: Event) -> Optional[ProgressEvent]:
        """The event if it is a PROGRESS: the filter of the drivers' progress() views."""
        return event if isinstance(event, ProgressEvent) else None

    # -- stderr ----------------------------------------------------------------------------------

    def feed_stderr(self, chunk: bytes) -> None:
        """Keeps the last STDERR_TAIL_BYTES and copies the chunk to the user's stream."""
        with self._lock:
            self._tail += chunk
            if len(self._tail) > STDERR_TAIL_BYTES:
                del self._tail[: len(self._tail) - STDERR_TAIL_BYTES]
            self._tee = tee(self._tee, chunk)

    @property
    def stderr_tail(self) -> str:
        with self._lock:
            return self._tail.decode("utf-8", "replace")

    # -- cancel and outcome ----------------------------------------------------------------------

    def take_signal(self) -> bool:
        """True the first time only: the engine takes a second SIGTERM as "kill ascp now" (contract: cancel_once)."""
        with self._lock:
            first, self._signalled = not self._signalled, True
            return first

    def outcome(self, returncode: Optional[int], raise_on_failure: bool) -> Optional[ResultEvent]:
        """What wait() returns or raises once the engine has exited (contract: outcomes)."""
        kind = outcome_of(self.result, returncode, self.ascp_only)
        if kind == "none":
            return None
        if kind == "engine_error" or self.result is None:
            why = " (events: ascp)" if self.ascp_only else " without a RESULT line"
            return_code_text = "still running" if returncode is None else f"status {returncode}"
            raise EngineError(f"asession exited ({return_code_text}){why}", returncode, self.stderr_tail)
        if kind == "transfer_error" and raise_on_failure:
            raise TransferError(self.result)
        return self.result
