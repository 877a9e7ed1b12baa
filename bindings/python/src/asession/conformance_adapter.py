"""Behaves like the asession CLI, through the binding, so the conformance suite can run against it.

    python -m asession.conformance_adapter

Follows the adapter contract of conformance/README.md: reads the session spec from stdin (the first JSON value,
usually one line), runs it with ``Session``, prints each event's JSON on stdout, forwards every later stdin line
untouched with ``send_raw`` (a line with "adapter_call" calls that helper instead: start_file, status), closes the engine's stdin when
its own ends, turns SIGTERM/SIGINT into ``cancel()`` called twice (the binding must signal once), copies the
engine's stderr to its own, ends with one "adapter outcome:" line on stderr and exits with RESULT's exit_code
(else the engine's status). The engine comes from $ASESSION_BIN, else the one in this package, else
``asession`` on PATH; the environment
options come from $ASESSION_ADAPTER_ENV (a JSON object) and $ASESSION_ADAPTER_CLEAR_ENV.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from typing import Any, BinaryIO, Dict, Iterator, Optional

from ._contract import EXIT_NO_ASCP
from ._errors import EngineError, EngineNotFoundError, SessionClosedError, TransferError
from .session import Session


def _lines(fd: int) -> Iterator[bytes]:
    # os.read rather than sys.stdin: a daemon thread blocked inside a buffered stdin read can abort
    # interpreter shutdown ("could not acquire lock"), and the spec and the commands share one buffer here.
    pending = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            if pending:
                yield pending
            return
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield line + b"\n"


def _read_spec(lines: Iterator[bytes]) -> Optional[str]:
    """The first JSON value's lines, kept as sent so line numbers in COMMAND_REJECTED still match."""
    text = ""
    for line in lines:
        text += line.decode("utf-8", "replace")
        body = text.strip()
        if not body:
            continue
        try:
            json.loads(body)
        except ValueError as exc:
            # An error at the very end means the value goes on on the next line; anywhere else it is
            # simply invalid, and the engine is the one to say so.
            if getattr(exc, "pos", 0) >= len(body):
                continue
        return text
    return text or None


def _helper_call(session: Session, text: str) -> bool:
    """A line {"adapter_call": "start_file" | "status", ...} calls that helper with the other keys; False for any
    other line."""
    if '"adapter_call"' not in text:
        return False  # every other line goes to the engine untouched, however deep or odd (the engine judges it)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    call = data.get("adapter_call") if isinstance(data, dict) else None
    if call == "start_file":
        session.start_file(data["source"], data.get("destination"), data.get("file_bytes"), data.get("session_index"))
    elif call == "status":
        session.status()
    else:
        return False
    return True


def _forward(session: Session, lines: Iterator[bytes]) -> None:
    try:
        for line in lines:
            text = line.decode("utf-8", "replace")
            if not _helper_call(session, text):
                session.send_raw(text)
    except SessionClosedError:
        return  # the engine is gone; its RESULT is already on its way
    session.close_input()


def _json_line(data: Dict[str, Any]) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate the engine sent escaped: escape everything then
        return (json.dumps(data, separators=(",", ":")) + "\n").encode("ascii")


def _finish(session: Session) -> int:
    """Classifies the end through the public API, says it on stderr, and gives the exit status."""
    try:
        result = session.wait()
        kind, code = ("result", result.exit_code) if result is not None else ("none", 0)
    except TransferError as exc:
        kind, code = "transfer_error", exc.exit_code
    except EngineError as exc:
        status = exc.returncode if exc.returncode is not None else 1
        code = status if status >= 0 else 128 - status  # killed by signal n: 128 + n, as a shell reports it
        kind = f"engine_error exit={code} stderr_tail_bytes={len(exc.stderr_tail.encode('utf-8'))}"
    print(f"adapter outcome: {kind}", file=sys.stderr, flush=True)
    return code


def main() -> int:
    lines = _lines(sys.stdin.fileno())
    spec = _read_spec(lines)
    env = json.loads(os.environ.get("ASESSION_ADAPTER_ENV") or "null")
    session = Session(spec if spec is not None else "", tee_stderr=sys.stderr.buffer, env=env,
                      clear_env=os.environ.get("ASESSION_ADAPTER_CLEAR_ENV") == "1")
    signalled = threading.Event()

    def on_signal(*_: Any) -> None:
        signalled.set()
        if session.pid is not None:
            session.cancel()
            session.cancel()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    try:
        session.start()
    except EngineNotFoundError as exc:
        print(f"asession.conformance_adapter: {exc}", file=sys.stderr)
        return EXIT_NO_ASCP
    if signalled.is_set():
        session.cancel()
    threading.Thread(target=_forward, args=(session, lines), name="stdin-forwarder", daemon=True).start()
    out: Optional[BinaryIO] = sys.stdout.buffer
    try:
        for event in session.events():
            if out is None:
                continue
            try:
                out.write(_json_line(event.raw))
                out.flush()
            except BrokenPipeError:
                # Our reader went away: cancel like the CLI does, and write nothing more.
                os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
                out = None
                session.cancel()
    except EngineError:
        pass  # the end is classified below, through wait()
    code = _finish(session)
    session.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
