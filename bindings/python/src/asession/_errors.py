"""Exceptions raised by the binding."""

from __future__ import annotations

from typing import Optional, Sequence

from ._events import ErrorInfo, ResultEvent


class AsessionError(Exception):
    """Base class of every error this package raises."""


class EngineNotFoundError(AsessionError, FileNotFoundError):
    """The asession executable could not be found or started."""

    def __init__(self, message: str, tried: Sequence[str] = ()) -> None:
        super().__init__(message)
        #: Every place that was looked at, in order.
        self.tried = list(tried)


class EngineError(AsessionError):
    """The engine broke the protocol: it exited without a RESULT line, or wrote a line that is not JSON."""

    def __init__(self, message: str, returncode: Optional[int] = None, stderr_tail: str = "") -> None:
        if stderr_tail:
            message = f"{message}\n--- engine stderr (tail) ---\n{stderr_tail.rstrip()}"
        super().__init__(message)
        #: The engine's exit status (negative: killed by that signal), None if it had not exited.
        self.returncode = returncode
        #: The last part of what the engine wrote to stderr.
        self.stderr_tail = stderr_tail


class SessionClosedError(AsessionError):
    """A command was sent after the engine's stdin was closed or the engine had exited."""


class TransferError(AsessionError):
    """The job ended failed or cancelled; carries the RESULT event."""

    def __init__(self, result: ResultEvent) -> None:
        self.result = result
        #: RESULT's error (None when the engine gave no reason, e.g. some cancellations).
        self.error: Optional[ErrorInfo] = result.error if isinstance(result.error, ErrorInfo) else None
        self.status = result.status
        self.exit_code = result.exit_code
        self.code = self.error.code if self.error else None
        self.name = self.error.name if self.error else None
        reason = ""
        if self.error:
            label = " ".join(str(x) for x in (self.error.name, self.error.code) if x is not None)
            reason = f": {label + ': ' if label else ''}{self.error.message}"
        super().__init__(f"transfer {result.status} (exit {result.exit_code}){reason}")
