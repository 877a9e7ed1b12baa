"""asyncio session: the same API as Session, with ``async with``, ``async for`` and awaitable commands."""

from __future__ import annotations

import asyncio
import os
from types import TracebackType
from typing import IO, Any, AsyncIterator, Mapping, Optional, Type, Union

from . import _common
from ._common import EngineArg, Spec
from ._errors import EngineError, EngineNotFoundError, SessionClosedError
from ._events import Event, ResultEvent

_CHUNK = 65536
# How long the pipes may stay open after the engine exited (only a leaked grandchild would hold them).
_PIPE_DRAIN_SEC = 5.0


class AsyncSession:
    """Runs one asession job from asyncio.

    ::

        async with AsyncSession(spec) as s:
            async for event in s:
                print(event)
            result = await s.wait()

    Leaving the ``async with`` block, or cancelling the task that awaits ``wait()``, reaps the engine:
    SIGTERM if it still runs, SIGKILL after ``grace_sec``.
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
        """Arguments as for Session."""
        self._spec = spec
        self._engine = engine
        self._node = node
        self._cwd = cwd
        self._env = dict(env) if env is not None else None
        self._tee_stderr = tee_stderr
        self.grace_sec = grace_sec
        self._proc: Optional[asyncio.subprocess.Process] = None
        self._stderr_task: Optional["asyncio.Future[None]"] = None
        self._write_lock: Optional[asyncio.Lock] = None
        self._stderr = _common.StderrTail()
        self._buf = bytearray()
        self._scanned = 0
        self._result: Optional[ResultEvent] = None
        self._eof = False
        self._terminated = False

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> "AsyncSession":
        """Spawns the engine and writes the spec (``async with`` does this)."""
        if self._proc is not None:
            raise RuntimeError("session already started")
        spec = _common.encode_spec(self._spec)  # a spec json cannot encode fails before anything runs
        argv = _common.resolve_engine(self._engine, self._env, self._node)
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, cwd=self._cwd, env=self._env,
                start_new_session=_common.OWN_SESSION,
            )
        except OSError as exc:
            raise EngineNotFoundError(f"could not start {argv}: {exc}", [" ".join(argv)]) from exc
        self._write_lock = asyncio.Lock()
        self._stderr_task = asyncio.ensure_future(self._read_stderr())
        try:
            await self._write(spec)
        except SessionClosedError:
            pass  # the engine exited at once; its RESULT (or its absence) tells why
        return self

    async def __aenter__(self) -> "AsyncSession":
        return await self.start()

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                        tb: Optional[TracebackType]) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Reaps the engine: SIGTERM if it still runs, SIGKILL after ``grace_sec``; idempotent.

        If this itself is cancelled, the engine is killed at once rather than left running."""
        if self._proc is None:
            return
        reap = asyncio.ensure_future(self._reap())
        try:
            await asyncio.shield(reap)
        except asyncio.CancelledError:
            self._signal(kill=True)
            raise

    async def _reap(self) -> None:
        proc = self._proc
        assert proc is not None
        self._signal(kill=False)
        # Keep stdout flowing so a blocked writer can exit and the pipe reaches EOF.
        drain = asyncio.ensure_future(self._drain_quietly())
        try:
            await asyncio.wait_for(proc.wait(), self.grace_sec)
        except asyncio.TimeoutError:
            self._signal(kill=True)
            await proc.wait()
        if proc.stdin is not None:
            proc.stdin.close()
        for task in (drain, self._stderr_task):
            if task is not None:
                try:
                    await asyncio.wait_for(task, _PIPE_DRAIN_SEC)
                except asyncio.TimeoutError:
                    pass  # wait_for cancelled it; the pipe belongs to a leaked grandchild

    def _signal(self, kill: bool) -> None:
        proc = self._proc
        # SIGTERM once only: the engine takes a second signal as "kill ascp now, skip the clean cancel".
        if proc is None or proc.returncode is not None or (self._terminated and not kill):
            return
        self._terminated = True
        try:
            if kill:
                proc.kill()
            else:
                proc.terminate()
        except ProcessLookupError:
            pass  # exited but not yet reaped

    async def _drain_quietly(self) -> None:
        # Unread events go, except the RESULT, so that wait() after aclose() still answers.
        try:
            while not self._eof:
                line = await self._read_line()
                if line is None:
                    self._eof = True
                elif line.strip():
                    try:
                        event = _common.decode_event(line)
                    except EngineError:
                        continue
                    if isinstance(event, ResultEvent):
                        self._result = event
        except RuntimeError:
            pass  # another task is reading stdout, which keeps it flowing too

    async def _read_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        while True:
            chunk = await self._proc.stderr.read(_CHUNK)
            if not chunk:
                return
            self._stderr.feed(chunk)
            self._tee_stderr = _common.tee(self._tee_stderr, chunk)

    # -- events ----------------------------------------------------------------------------------

    async def _read_line(self) -> Optional[bytes]:
        # Lines are split here rather than with StreamReader.readline, whose 64 KiB limit an event can pass.
        assert self._proc is not None and self._proc.stdout is not None
        while True:
            end = self._buf.find(b"\n", self._scanned)
            if end >= 0:
                line = bytes(self._buf[: end + 1])
                del self._buf[: end + 1]
                self._scanned = 0
                return line
            self._scanned = len(self._buf)
            chunk = await self._proc.stdout.read(_CHUNK)
            if not chunk:
                line = bytes(self._buf)
                self._buf.clear()
                self._scanned = 0
                return line or None
            self._buf += chunk

    async def _next_event(self) -> Optional[Event]:
        proc = self._require_started()
        while not self._eof:
            line = await self._read_line()
            if line is None:
                self._eof = True
            elif line.strip():
                event = _common.decode_event(line)
                if isinstance(event, ResultEvent):
                    self._result = event
                return event
        await proc.wait()
        if self._stderr_task is not None:
            await asyncio.wait({self._stderr_task}, timeout=_PIPE_DRAIN_SEC)
        if self._result is None:
            raise _common.missing_result(proc.returncode, self.stderr_tail)
        return None

    async def events(self) -> AsyncIterator[Event]:
        """Yields typed events as the engine writes them, RESULT last.

        Raises EngineError if the engine exits without a RESULT line."""
        while True:
            event = await self._next_event()
            if event is None:
                return
            yield event

    def __aiter__(self) -> AsyncIterator[Event]:
        return self.events()

    async def wait(self, timeout: Optional[float] = None, *, raise_on_failure: bool = True) -> ResultEvent:
        """Drains the remaining events and returns the RESULT once the engine has exited.

        Raises TransferError on a failed or cancelled job unless ``raise_on_failure`` is False, and
        TimeoutError after ``timeout`` seconds (the session keeps running). Cancelling the awaiting task
        reaps the engine."""
        try:
            if timeout is None:
                await self._drain()
            else:
                await asyncio.wait_for(self._drain(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError("asession still running") from None
        except asyncio.CancelledError:
            await self.aclose()
            raise
        if self._result is None:  # only after aclose(): the end of the stream raised already otherwise
            raise _common.missing_result(self.returncode, self.stderr_tail)
        return _common.check_result(self._result, raise_on_failure)

    async def _drain(self) -> None:
        while await self._next_event() is not None:
            pass

    # -- commands --------------------------------------------------------------------------------

    async def send(self, command: Mapping[str, Any]) -> None:
        """Writes one command (a dict, see ``Command``) as a JSON line to the engine's stdin."""
        await self._write(_common.encode_command(command))

    async def send_raw(self, line: str) -> None:
        """Writes one line as is, JSON or not (the engine answers a bad one with COMMAND_REJECTED)."""
        await self._write(_common.encode_raw(line))

    async def start_file(self, source: str, destination: Optional[str] = None, file_bytes: Optional[str] = None,
                         session_index: Optional[int] = None) -> None:
        """Persistent session: queue one file (``file_bytes`` "start:end" for a byte range)."""
        await self.send(_common.start_command(source, destination, file_bytes, session_index))

    async def set_rate(self, kbps: Union[int, str, None] = None, min_kbps: Union[int, str, None] = None,
                       policy: Optional[str] = None, session_index: Optional[int] = None) -> None:
        """Changes the target and/or minimum rate (kbps, or a "50%" string) and/or the policy."""
        await self.send(_common.rate_command(kbps, min_kbps, policy, session_index))

    async def done(self, linger: bool = False, session_index: Optional[int] = None) -> None:
        """Persistent session: no more files (``linger``: finish queued work, refuse new sources)."""
        await self.send(_common.done_command(linger, session_index))

    def cancel(self) -> None:
        """Cancels the job: SIGTERM to the engine (once; later calls do nothing), which stops ascp cleanly,
        writes RESULT ``cancelled`` and exits 130. Not a coroutine; ``await wait(raise_on_failure=False)`` for the RESULT.
        (``await send({"type": "CANCEL"})`` cancels through the engine too: CANCEL to ascp, then SIGTERM and SIGKILL to it after a grace period; the engine keeps running to report RESULT.)"""
        self._require_started()
        self._signal(kill=False)

    async def close_input(self) -> None:
        """Closes the engine's stdin: no more commands (a persistent session then finishes)."""
        stdin = self._require_started().stdin
        assert stdin is not None and self._write_lock is not None
        async with self._write_lock:
            stdin.close()

    async def _write(self, data: bytes) -> None:
        stdin = self._require_started().stdin
        assert stdin is not None and self._write_lock is not None
        # One writer at a time: concurrent drain() calls are not allowed on Python 3.9.
        async with self._write_lock:
            if stdin.is_closing():
                raise SessionClosedError("the engine's stdin is closed")
            try:
                stdin.write(data)
                await stdin.drain()
            except (BrokenPipeError, ConnectionResetError):
                raise SessionClosedError("the engine has exited") from None

    # -- state -----------------------------------------------------------------------------------

    def _require_started(self) -> asyncio.subprocess.Process:
        if self._proc is None:
            raise RuntimeError("session not started: use `async with AsyncSession(...)` or await start()")
        return self._proc

    @property
    def pid(self) -> Optional[int]:
        """The engine's process id (not ascp's: see SpawnEvent.pid)."""
        return self._proc.pid if self._proc else None

    @property
    def returncode(self) -> Optional[int]:
        """The engine's exit status once it has exited."""
        return self._proc.returncode if self._proc else None

    @property
    def result(self) -> Optional[ResultEvent]:
        """The RESULT event, once it has been read."""
        return self._result

    @property
    def stderr_tail(self) -> str:
        """The last 64 KiB the engine wrote to stderr."""
        return self._stderr.text()
