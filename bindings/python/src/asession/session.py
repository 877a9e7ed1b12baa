"""Synchronous driver: one asession child process, read by two threads, decided by the shared core (_core)."""

from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
from types import TracebackType
from typing import Any, Iterator, List, Mapping, Optional, Type, Union, cast

from . import _core
from ._base import SessionBase
from ._errors import EngineNotFoundError, SessionClosedError
from ._events import Event, ProgressEvent, ResultEvent

# Events buffered between the stdout reader thread and the consumer; when full the reader stops reading,
# and the engine sees a slow reader (which it handles by merging STATS).
_QUEUE_SIZE = 1024
_EOF = object()


class _Pipe:
    """Reads one of the engine's output pipes and tells whether its reader is blocked waiting for bytes."""

    def __init__(self) -> None:
        self.count = 0
        self.waiting = False

    def read(self, fd: int) -> bytes:
        self.waiting = True
        chunk = os.read(fd, _core.CHUNK)
        self.waiting = False
        self.count += len(chunk)
        return chunk


class Session(SessionBase):
    """Runs one asession job.

    ::

        with Session(spec) as s:
            for event in s:
                print(event)
            result = s.wait()

    The spec is a dict (sent as one JSON line) or a string sent as is. Leaving the ``with`` block reaps the
    engine; if it is still running then (an exception, or no ``wait()``), it is cancelled with SIGTERM and
    killed after ``grace_sec``.
    """

    def _init_driver(self) -> None:
        self._proc: Optional[subprocess.Popen[bytes]] = None
        self._events: "queue.Queue[Any]" = queue.Queue(_QUEUE_SIZE)
        self._threads: List[threading.Thread] = []
        self._write_lock = threading.Lock()
        self._eof = False
        self._drained = threading.Event()
        self._pipes = (_Pipe(), _Pipe())

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> "Session":
        """Spawns the engine and writes the spec (``with`` does this)."""
        if self._proc is not None:
            raise RuntimeError("session already started")
        argv, env = self._launch()
        try:
            self._proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                cwd=self._cwd, env=env, start_new_session=_core.OWN_SESSION,
            )
        except OSError as exc:
            raise EngineNotFoundError(f"could not start {argv}: {exc}", [" ".join(argv)]) from exc
        self._threads = [
            threading.Thread(target=self._read_stdout, name="asession-stdout", daemon=True),
            threading.Thread(target=self._read_stderr, name="asession-stderr", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        threading.Thread(target=self._reap, name="asession-reaper", daemon=True).start()
        try:
            self._write(self._core.spec_line)
        except SessionClosedError:
            pass  # the engine exited at once; its RESULT (or its absence) tells why
        return self

    def __enter__(self) -> "Session":
        return self.start()

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()

    def close(self) -> None:
        """Reaps the engine: SIGTERM (once) if it still runs, SIGKILL after ``grace_sec``; idempotent."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            self._terminate()
            try:
                proc.wait(self.grace_sec)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._close_stdin()
        # The stdout reader may sit on a full queue: empty it until the pipes are done with.
        while not self._drained.wait(0.05):
            self._drop_queued()
        self._drop_queued()
        self._eof = True
        for stream, thread in zip((proc.stdout, proc.stderr), self._threads):
            # Closing a pipe another thread is reading would block on the reader's lock: leave those.
            if stream is not None and not thread.is_alive():
                stream.close()

    def _drop_queued(self) -> None:
        # Unread events go; the core keeps the RESULT, so that wait() after close() still answers.
        try:
            while True:
                self._events.get_nowait()
        except queue.Empty:
            pass

    # -- reader threads --------------------------------------------------------------------------

    def _read_stdout(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        pipe = self._pipes[0]
        while True:
            chunk = pipe.read(self._proc.stdout.fileno())
            for event in self._core.feed_stdout(chunk):
                self._events.put(event)
            if not chunk:
                break
        self._events.put(_EOF)

    def _read_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        pipe = self._pipes[1]
        fd = self._proc.stderr.fileno()
        for chunk in iter(lambda: pipe.read(fd), b""):
            self._core.feed_stderr(chunk)

    def _reap(self) -> None:
        # After the engine exited, a pipe that stays silent for PIPE_DRAIN_SEC while its reader waits on it is
        # held open by a process the engine started: it is given up (the events end there). A reader that is
        # busy (a long line, a full queue) is never cut off.
        assert self._proc is not None
        self._proc.wait()
        pending = list(zip(self._threads, self._pipes))
        while pending:
            before = [pipe.count for _, pipe in pending]
            deadline = time.monotonic() + _core.PIPE_DRAIN_SEC
            for thread, _ in pending:
                thread.join(max(0.0, deadline - time.monotonic()))
            pending = [(thread, pipe) for (thread, pipe), count in zip(pending, before)
                       if thread.is_alive() and not (pipe.waiting and pipe.count == count)]
        if self._threads[0].is_alive():
            self._events.put(_EOF)
        self._drained.set()

    # -- events ----------------------------------------------------------------------------------

    def events(self) -> Iterator[Event]:
        """Yields typed events as the engine writes them, RESULT last.

        Raises EngineError if the engine exits without a RESULT line (unless the spec asked for ascp's events
        only and the engine exited 0)."""
        while True:
            event = self._next_event(None)
            if event is None:
                return
            yield event

    def __iter__(self) -> Iterator[Event]:
        return self.events()

    def progress(self) -> Iterator[ProgressEvent]:
        """Yields the PROGRESS events as they come and ends with the stream (RESULT is then in ``result``;
        ``wait()`` gives the outcome). A filtered view of events(): the other events it reads are passed
        over, so read either this or events(); to see every event and the progress, iterate events() with
        ``on_progress``. Raises EngineError as events() does."""
        for event in self.events():
            progress = self._core.progress_only(event)
            if progress is not None:
                yield progress

    def _next_event(self, deadline: Optional[float]) -> Optional[Event]:
        """The next event, or None after the last one; raises TimeoutError past the deadline."""
        proc = self._require_started()
        if self._eof:
            return None
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            item = self._events.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError("asession still running") from None
        if item is not _EOF:
            return self._core.deliver(cast(Event, item))
        if not self._drained.wait(timeout=None if deadline is None else max(0.0, deadline - time.monotonic())):
            self._events.put(_EOF)
            raise TimeoutError("asession closed stdout but has not exited") from None
        self._eof = True
        self._core.outcome(proc.returncode, raise_on_failure=False)  # raises EngineError for a broken end
        return None

    def wait(self, timeout: Optional[float] = None, *, raise_on_failure: bool = True) -> Optional[ResultEvent]:
        """Drains the remaining events and returns the RESULT once the engine has exited (None when the spec
        asked for ascp's events only and the engine exited 0).

        Raises TransferError (with RESULT's error) when the job failed or was cancelled, unless
        ``raise_on_failure`` is False; EngineError when the engine ended without RESULT; TimeoutError after
        ``timeout`` seconds (the session keeps running)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._next_event(deadline) is not None:
            pass
        return self._core.outcome(self.returncode, raise_on_failure)

    # -- commands --------------------------------------------------------------------------------

    def send(self, command: Mapping[str, Any]) -> None:
        """Writes one command (a dict, see ``Command``) as a JSON line to the engine's stdin."""
        self._write(_core.encode_command(command))

    def send_raw(self, line: str) -> None:
        """Writes one line as is, JSON or not (the engine answers a bad one with COMMAND_REJECTED)."""
        self._write(_core.encode_raw(line))

    def start_file(self, source: str, destination: Optional[str] = None, file_bytes: Optional[str] = None,
                   session_index: Optional[int] = None) -> None:
        """Persistent session: queue one file (``file_bytes`` "start:end" for a byte range)."""
        self.send(_core.start_command(source, destination, file_bytes, session_index))

    def set_rate(self, kbps: Union[int, str, None] = None, min_kbps: Union[int, str, None] = None,
                 policy: Optional[str] = None, session_index: Optional[int] = None) -> None:
        """Changes the target and/or minimum rate (kbps, or a "50%" string) and/or the policy
        (fair, high, fixed, low) of the running transfer."""
        self.send(_core.rate_command(kbps, min_kbps, policy, session_index))

    def done(self, linger: bool = False, session_index: Optional[int] = None) -> None:
        """Persistent session: no more files (``linger``: finish queued work, refuse new sources)."""
        self.send(_core.done_command(linger, session_index))

    def status(self) -> None:
        """Asks for a PROGRESS of the whole job now (``{"type": "STATUS"}``); it comes in the event stream
        like any other, also when the timer is off (``progress_interval_ms`` 0)."""
        self.send(_core.status_command())

    def cancel(self) -> None:
        """Cancels the job: SIGTERM to the engine (once; later calls and close() send nothing more), which stops
        ascp cleanly, writes RESULT ``cancelled`` and exits 130; an engine still running ``grace_sec`` later is
        killed. Does not wait: ``wait(raise_on_failure=False)`` gives the RESULT.
        (``send({"type": "CANCEL"})`` cancels through the engine too: CANCEL to ascp, then SIGTERM and SIGKILL
        to it after a grace period; the engine keeps running to report RESULT.)"""
        self._require_started()
        if self._terminate():
            timer = threading.Timer(self.grace_sec, self._kill)
            timer.daemon = True
            timer.start()

    def _terminate(self) -> bool:
        assert self._proc is not None
        if self._proc.poll() is None and self._core.take_signal():
            self._proc.terminate()
            return True
        return False

    def _kill(self) -> None:
        assert self._proc is not None
        if self._proc.poll() is None:
            self._proc.kill()

    def close_input(self) -> None:
        """Closes the engine's stdin: no more commands (a persistent session then finishes)."""
        self._require_started()
        self._close_stdin()

    def _close_stdin(self) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        with self._write_lock:
            try:
                self._proc.stdin.close()
            except BrokenPipeError:
                pass  # unflushed bytes for an engine that is gone

    def _write(self, data: bytes) -> None:
        stdin = self._require_started().stdin
        assert stdin is not None
        with self._write_lock:
            if stdin.closed:
                raise SessionClosedError("the engine's stdin is closed")
            try:
                stdin.write(data)
                stdin.flush()
            except BrokenPipeError:
                raise SessionClosedError("the engine has exited") from None

    # -- state -----------------------------------------------------------------------------------

    def _require_started(self) -> "subprocess.Popen[bytes]":
        if self._proc is None:
            raise RuntimeError("session not started: use `with Session(...)` or call start()")
        return self._proc

    @property
    def returncode(self) -> Optional[int]:
        """The engine's exit status once it has exited."""
        return self._proc.poll() if self._proc else None
