"""Behaves like the asession CLI, through the binding, so the conformance suite can run against it.

    python -m asession.conformance_adapter

Reads the session spec from stdin (the first JSON value, usually one line), runs it with ``Session``, prints
each event's JSON on stdout, forwards every later stdin line untouched with ``send_raw``, closes the engine's
stdin when its own ends, turns SIGTERM/SIGINT into ``cancel()``, copies the engine's stderr to its own and
exits with RESULT's exit_code. The engine comes from $ASESSION_BIN, else the one in this package, else
``asession`` on PATH.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from typing import Any, BinaryIO, Dict, Iterator, Optional

from ._errors import EngineError, EngineNotFoundError, SessionClosedError
from .session import Session

_EXIT_NOT_FOUND = 3


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


def _forward(session: Session, lines: Iterator[bytes]) -> None:
    try:
        for line in lines:
            session.send_raw(line.decode("utf-8", "replace"))
    except SessionClosedError:
        return  # the engine is gone; its RESULT is already on its way
    session.close_input()


def _json_line(data: Dict[str, Any]) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate the engine sent escaped: escape everything then
        return (json.dumps(data, separators=(",", ":")) + "\n").encode("ascii")


def main() -> int:
    lines = _lines(sys.stdin.fileno())
    spec = _read_spec(lines)
    session = Session(spec if spec is not None else "", tee_stderr=sys.stderr.buffer)
    signalled = threading.Event()

    def on_signal(*_: Any) -> None:
        signalled.set()
        if session.pid is not None:
            session.cancel()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    try:
        session.start()
    except EngineNotFoundError as exc:
        print(f"asession.conformance_adapter: {exc}", file=sys.stderr)
        return _EXIT_NOT_FOUND
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
        # No RESULT: the spec asked for ascp events only, or the engine died. Its exit status says which,
        # and its stderr has been passed through already.
        session.close()
        code = session.returncode
        assert code is not None
        return code if code >= 0 else 128 - code
    session.close()
    assert session.result is not None
    return session.result.exit_code


if __name__ == "__main__":
    sys.exit(main())
