"""What the sync and async sessions share: finding the engine, encoding lines, building commands."""

from __future__ import annotations

import json
import os
import threading
from typing import IO, Any, Dict, List, Mapping, Optional, Union

from . import _engine
from ._errors import EngineError, TransferError
from ._events import Event, ResultEvent, from_json

EngineArg = _engine.EngineArg
Spec = Union[Mapping[str, Any], str]

#: The engine runs in its own session (process group) on POSIX, so a Ctrl-C at the terminal reaches only
#: this program, which then cancels the engine once: a second signal would make it kill ascp at once.
OWN_SESSION = os.name == "posix"
#: How long the engine gets to cancel cleanly after SIGTERM before it is killed.
DEFAULT_GRACE_SEC = 10.0
#: How much of the engine's stderr is kept for error messages.
STDERR_TAIL_BYTES = 64 * 1024


def resolve_engine(engine: EngineArg, env: Optional[Mapping[str, str]] = None, node: Optional[str] = None) -> List[str]:
    """The argv prefix that runs asession (the order is in _engine.py)."""
    return _engine.engine_command(engine, node, env)


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


def _without_none(**fields: Any) -> Dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def decode_event(line: bytes) -> Event:
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise EngineError(f"engine wrote a stdout line that is not JSON ({exc}): {line[:200]!r}") from None
    if not isinstance(data, dict):
        raise EngineError(f"engine wrote a stdout line that is not a JSON object: {line[:200]!r}")
    return from_json(data)


def check_result(result: ResultEvent, raise_on_failure: bool) -> ResultEvent:
    if raise_on_failure and result.status != "success":
        raise TransferError(result)
    return result


def missing_result(returncode: Optional[int], stderr_tail: str) -> EngineError:
    return EngineError(f"asession exited (status {returncode}) without a RESULT line", returncode, stderr_tail)


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


class StderrTail:
    """The last STDERR_TAIL_BYTES of the engine's stderr, fed from a reader thread or task."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._lock = threading.Lock()

    def feed(self, chunk: bytes) -> None:
        with self._lock:
            self._buf += chunk
            if len(self._buf) > STDERR_TAIL_BYTES:
                del self._buf[: len(self._buf) - STDERR_TAIL_BYTES]

    def text(self) -> str:
        with self._lock:
            return self._buf.decode("utf-8", "replace")
