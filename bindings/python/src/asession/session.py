"""Synchronous session: one asession child process driven through its stdin and stdout."""

from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
from types import TracebackType
from typing import IO, Any, Iterator, List, Mapping, Optional, Type, Union, cast

from . import _common
from ._common import EngineArg, Spec
from ._errors import EngineError, EngineNotFoundError, SessionClosedError
from ._events import Event, ResultEvent

# Events buffered between the stdout reader thread and the consumer; when full the reader stops reading,
# and the engine sees a slow reader (which it handles by merging STATS).
_QUEUE_SIZE = 1024
_EOF = object()
# How long the pipes may stay open after the engine exited (only a leaked grandchild would hold them).
_PIPE_DRAIN_SEC = 5.0


class Session:
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

    def __init__(
        self,
        spec: Spec,
        *,
        engine: EngineArg = None,
        cwd: Union[str, "os.PathLike[str]", None] = None,
        env: Optional[Mapping[str, str]] = None,
        tee_stderr: Optional[IO[bytes]] = None,
        grace_sec: float = _common.DEFAULT_GRACE_SEC,
        node: Optional[str] = None,
    ) -> None:
        """``engine``: path of asession (a ``.js``/``.mjs`` runs with Node) or a full argv prefix; default
        ``$ASESSION_BIN``, then the engine inside this package, then ``asession`` on PATH. ``node``: the Node that
        runs an engine file (default ``$ASESSION_NODE``, a ``node`` >= 20.19 on PATH, then the one of the
        ``asession[node]`` extra). ``env`` replaces the child's environment (and is where
        ``ASESSION_BIN`` and ``PATH`` are looked up). ``tee_stderr``: a binary stream that also receives the
        engine's stderr as it comes (``stderr_tail`` keeps the last 64 KiB either way)."""
        self._spec = spec
        self._engine = engine
        self._node = node
        self._cwd = cwd
        self._env = dict(env) if env is not None else None
        self._tee_stderr = tee_stderr
        self.grace_sec = grace_sec
        self._proc: Optional[subprocess.Popen[bytes]] = None
        self._events: "queue.Queue[Any]" = queue.Queue(_QUEUE_SIZE)
        self._threads: List[threading.Thread] = []
        self._write_lock = threading.Lock()
        self._stderr = _common.StderrTail()
        self._result: Optional[ResultEvent] = None
        self._eof = False
        self._terminated = False

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> "Session":
        """Spawns the engine and writes the spec (``with`` does this)."""
        if self._proc is not None:
            raise RuntimeError("session already started")
        spec = _common.encode_spec(self._spec)  # a spec json cannot encode fails before anything runs
        argv = _common.resolve_engine(self._engine, self._env, self._node)
        try:
            self._proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                cwd=self._cwd, env=self._env, start_new_session=_common.OWN_SESSION,
            )
        except OSError as exc:
            raise EngineNotFoundError(f"could not start {argv}: {exc}", [" ".join(argv)]) from exc
        self._threads = [
            threading.Thread(target=self._read_stdout, name="asession-stdout", daemon=True),
            threading.Thread(target=self._read_stderr, name="asession-stderr", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        try:
            self._write(spec)
        except SessionClosedError:
            pass  # the engine exited at once; its RESULT (or its absence) tells why
        return self

    def __enter__(self) -> "Session":
        return self.start()

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()

    def close(self) -> None:
        """Reaps the engine: SIGTERM if it still runs, SIGKILL after ``grace_sec``; idempotent."""
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
        # The stdout reader may sit on a full queue: empty it until the reader has seen EOF. A bounded
        # wait, because a grandchild that inherited the pipes could keep them open after the engine died.
        deadline = time.monotonic() + _PIPE_DRAIN_SEC
        for thread in self._threads:
            while thread.is_alive() and time.monotonic() < deadline:
                self._drop_queued()
                thread.join(0.05)
        self._drop_queued()
        self._eof = True
        for stream, thread in zip((proc.stdout, proc.stderr), self._threads):
            # Closing a pipe another thread is reading would block on the reader's lock: leave those.
            if stream is not None and not thread.is_alive():
                stream.close()

    def _drop_queued(self) -> None:
        # Unread events go, except the RESULT, so that wait() after close() still answers.
        try:
            while True:
                item = self._events.get_nowait()
                if isinstance(item, ResultEvent):
                    self._result = item
        except queue.Empty:
            pass

    # -- reader threads --------------------------------------------------------------------------

    def _read_stdout(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        # readline() on a buffered binary pipe has no length limit: a multi-megabyte event is one line.
        for line in iter(self._proc.stdout.readline, b""):
            if line.strip():
                try:
                    self._events.put(_common.decode_event(line))
                except EngineError as exc:
                    self._events.put(exc)
        self._events.put(_EOF)

    def _read_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        fd = self._proc.stderr.fileno()
        for chunk in iter(lambda: os.read(fd, 65536), b""):
            self._stderr.feed(chunk)
            self._tee_stderr = _common.tee(self._tee_stderr, chunk)

    # -- events ----------------------------------------------------------------------------------

    def events(self) -> Iterator[Event]:
        """Yields typed events as the engine writes them, RESULT last.

        Raises EngineError if the engine exits without a RESULT line."""
        while True:
            event = self._next_event(None)
            if event is None:
                return
            yield event

    def __iter__(self) -> Iterator[Event]:
        return self.events()

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
        if isinstance(item, EngineError):
            raise item
        if item is not _EOF:
            if isinstance(item, ResultEvent):
                self._result = item
            return cast(Event, item)
        self._eof = True
        try:
            proc.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self._eof = False
            self._events.put(_EOF)
            raise TimeoutError("asession closed stdout but has not exited") from None
        self._threads[1].join(_PIPE_DRAIN_SEC)  # the stderr tail is complete once its reader sees EOF
        if self._result is None:
            raise _common.missing_result(proc.returncode, self.stderr_tail)
        return None

    def wait(self, timeout: Optional[float] = None, *, raise_on_failure: bool = True) -> ResultEvent:
        """Drains the remaining events and returns the RESULT once the engine has exited.

        Raises TransferError (with RESULT's error) when the job failed or was cancelled, unless
        ``raise_on_failure`` is False; TimeoutError after ``timeout`` seconds (the session keeps running)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._next_event(deadline) is not None:
            pass
        if self._result is None:  # only after close(): the end of the stream raised already otherwise
            raise _common.missing_result(self.returncode, self.stderr_tail)
        return _common.check_result(self._result, raise_on_failure)

    # -- commands --------------------------------------------------------------------------------

    def send(self, command: Mapping[str, Any]) -> None:
        """Writes one command (a dict, see ``Command``) as a JSON line to the engine's stdin."""
        self._write(_common.encode_command(command))

    def send_raw(self, line: str) -> None:
        """Writes one line as is, JSON or not (the engine answers a bad one with COMMAND_REJECTED)."""
        self._write(_common.encode_raw(line))

    def start_file(self, source: str, destination: Optional[str] = None, file_bytes: Optional[str] = None,
                   session_index: Optional[int] = None) -> None:
        """Persistent session: queue one file (``file_bytes`` "start:end" for a byte range)."""
        self.send(_common.start_command(source, destination, file_bytes, session_index))

    def set_rate(self, kbps: Union[int, str, None] = None, min_kbps: Union[int, str, None] = None,
                 policy: Optional[str] = None, session_index: Optional[int] = None) -> None:
        """Changes the target and/or minimum rate (kbps, or a "50%" string) and/or the policy
        (fair, high, fixed, low) of the running transfer."""
        self.send(_common.rate_command(kbps, min_kbps, policy, session_index))

    def done(self, linger: bool = False, session_index: Optional[int] = None) -> None:
        """Persistent session: no more files (``linger``: finish queued work, refuse new sources)."""
        self.send(_common.done_command(linger, session_index))

    def cancel(self) -> None:
        """Cancels the job: SIGTERM to the engine (once; later calls do nothing), which stops ascp cleanly,
        writes RESULT ``cancelled`` and exits 130. Does not wait: ``wait(raise_on_failure=False)`` gives the RESULT.
        (``send({"type": "CANCEL"})`` cancels through the engine too: CANCEL to ascp, then SIGTERM and SIGKILL to it after a grace period; the engine keeps running to report RESULT.)"""
        self._require_started()
        self._terminate()

    def _terminate(self) -> None:
        # Once only: the engine takes a second signal as "kill ascp now, skip the clean cancel".
        assert self._proc is not None
        if not self._terminated and self._proc.poll() is None:
            self._terminated = True
            self._proc.terminate()

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
    def pid(self) -> Optional[int]:
        """The engine's process id (not ascp's: see SpawnEvent.pid)."""
        return self._proc.pid if self._proc else None

    @property
    def returncode(self) -> Optional[int]:
        """The engine's exit status once it has exited."""
        return self._proc.poll() if self._proc else None

    @property
    def result(self) -> Optional[ResultEvent]:
        """The RESULT event, once it has been read."""
        return self._result

    @property
    def stderr_tail(self) -> str:
        """The last 64 KiB the engine wrote to stderr."""
        return self._stderr.text()
