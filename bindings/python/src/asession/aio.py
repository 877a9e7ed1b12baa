"""asyncio driver: the same API as Session, with ``async with``, ``async for`` and awaitable commands; every
decision is the shared core's (_core)."""

from __future__ import annotations

import asyncio
from collections import deque
from types import TracebackType
from typing import Any, AsyncIterator, Deque, Mapping, Optional, Type, Union

from . import _core
from ._base import SessionBase
from ._errors import EngineNotFoundError, SessionClosedError
from ._events import Event, ProgressEvent, ResultEvent


class AsyncSession(SessionBase):
    """Runs one asession job from asyncio.

    ::

        async with AsyncSession(spec) as s:
            async for event in s:
                print(event)
            result = await s.wait()

    Leaving the ``async with`` block, or cancelling the task that awaits ``wait()``, reaps the engine:
    SIGTERM if it still runs, SIGKILL after ``grace_sec``.
    """

    def _init_driver(self) -> None:
        self._proc: Optional[asyncio.subprocess.Process] = None
        self._stderr_task: Optional["asyncio.Future[None]"] = None
        self._exited: Optional["asyncio.Future[int]"] = None
        self._write_lock: Optional[asyncio.Lock] = None
        self._ready: Deque[Event] = deque()
        self._eof = False

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> "AsyncSession":
        """Spawns the engine and writes the spec (``async with`` does this)."""
        if self._proc is not None:
            raise RuntimeError("session already started")
        argv, env = self._launch()
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, cwd=self._cwd, env=env,
                start_new_session=_core.OWN_SESSION,
            )
        except OSError as exc:
            raise EngineNotFoundError(f"could not start {argv}: {exc}", [" ".join(argv)]) from exc
        self._write_lock = asyncio.Lock()
        self._exited = asyncio.ensure_future(self._proc.wait())
        self._stderr_task = asyncio.ensure_future(self._read_stderr())
        try:
            await self._write(self._core.spec_line)
        except SessionClosedError:
            pass  # the engine exited at once; its RESULT (or its absence) tells why
        return self

    async def __aenter__(self) -> "AsyncSession":
        return await self.start()

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                        tb: Optional[TracebackType]) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Reaps the engine: SIGTERM (once) if it still runs, SIGKILL after ``grace_sec``; idempotent.

        If this itself is cancelled, the engine is killed at once rather than left running."""
        if self._proc is None:
            return
        reap = asyncio.ensure_future(self._reap())
        try:
            await asyncio.shield(reap)
        except asyncio.CancelledError:
            self._kill()
            raise

    async def _reap(self) -> None:
        proc = self._proc
        assert proc is not None and self._exited is not None
        self._terminate()
        # Keep stdout flowing so a blocked writer can exit and the pipe reaches EOF.
        drain = asyncio.ensure_future(self._drain_quietly())
        try:
            await asyncio.wait_for(asyncio.shield(self._exited), self.grace_sec)
        except asyncio.TimeoutError:
            self._kill()
            await self._exited
        await self._close_stdin()
        for task in (drain, self._stderr_task):
            if task is not None:
                try:
                    await asyncio.wait_for(task, _core.PIPE_DRAIN_SEC)
                except asyncio.TimeoutError:
                    pass  # wait_for cancelled it; the pipe belongs to a leaked grandchild

    def _terminate(self) -> bool:
        proc = self._proc
        if proc is None or proc.returncode is not None or not self._core.take_signal():
            return False
        try:
            proc.terminate()
        except ProcessLookupError:
            return False  # exited but not yet reaped
        return True

    def _kill(self) -> None:
        proc = self._proc
        if proc is not None and proc.returncode is None:
            try:
                proc.kill()
            except ProcessLookupError:
                pass  # exited but not yet reaped

    async def _drain_quietly(self) -> None:
        # Unread events go; the core keeps the RESULT, so that wait() after aclose() still answers.
        try:
            while not self._eof:
                self._ready.clear()
                await self._fill()
        except RuntimeError:
            pass  # another task is reading stdout, which keeps it flowing too

    async def _read_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        while True:
            chunk = await self._read_pipe(self._proc.stderr)
            if not chunk:
                return
            self._core.feed_stderr(chunk)

    async def _read_pipe(self, stream: asyncio.StreamReader) -> bytes:
        """One chunk; after the engine exited, a pipe silent for PIPE_DRAIN_SEC is held open by a process it
        started, and counts as ended."""
        assert self._exited is not None
        read = asyncio.ensure_future(stream.read(_core.CHUNK))
        if not self._exited.done():
            await asyncio.wait({read, self._exited}, return_when=asyncio.FIRST_COMPLETED)
        if not read.done():
            done, _ = await asyncio.wait({read}, timeout=_core.PIPE_DRAIN_SEC)
            if not done:
                read.cancel()
                return b""
        return read.result()

    # -- events ----------------------------------------------------------------------------------

    async def _fill(self) -> None:
        """Reads stdout until at least one event is ready or the pipe ended."""
        assert self._proc is not None and self._proc.stdout is not None
        while not self._ready and not self._eof:
            chunk = await self._read_pipe(self._proc.stdout)
            self._ready.extend(self._core.feed_stdout(chunk))
            self._eof = not chunk

    async def _next_event(self) -> Optional[Event]:
        self._require_started()
        assert self._exited is not None
        await self._fill()
        if self._ready:
            return self._core.deliver(self._ready.popleft())
        returncode = await self._exited
        if self._stderr_task is not None:
            await asyncio.wait({self._stderr_task}, timeout=_core.PIPE_DRAIN_SEC)
        self._core.outcome(returncode, raise_on_failure=False)  # raises EngineError for a broken end
        return None

    async def events(self) -> AsyncIterator[Event]:
        """Yields typed events as the engine writes them, RESULT last.

        Raises EngineError if the engine exits without a RESULT line (unless the spec asked for ascp's events
        only and the engine exited 0)."""
        while True:
            event = await self._next_event()
            if event is None:
                return
            yield event

    def __aiter__(self) -> AsyncIterator[Event]:
        return self.events()

    async def progress(self) -> AsyncIterator[ProgressEvent]:
        """Yields the PROGRESS events as they come, a filtered view of events() as Session.progress() is."""
        async for event in self.events():
            progress = self._core.progress_only(event)
            if progress is not None:
                yield progress

    async def wait(self, timeout: Optional[float] = None, *, raise_on_failure: bool = True) -> Optional[ResultEvent]:
        """Drains the remaining events and returns the RESULT once the engine has exited (None when the spec
        asked for ascp's events only and the engine exited 0).

        Raises TransferError on a failed or cancelled job unless ``raise_on_failure`` is False, EngineError
        when the engine ended without RESULT, and TimeoutError after ``timeout`` seconds (the session keeps
        running). Cancelling the awaiting task reaps the engine."""
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
        return self._core.outcome(self.returncode, raise_on_failure)

    async def _drain(self) -> None:
        while await self._next_event() is not None:
            pass

    # -- commands --------------------------------------------------------------------------------

    async def send(self, command: Mapping[str, Any]) -> None:
        """Writes one command (a dict, see ``Command``) as a JSON line to the engine's stdin."""
        await self._write(_core.encode_command(command))

    async def send_raw(self, line: str) -> None:
        """Writes one line as is, JSON or not (the engine answers a bad one with COMMAND_REJECTED)."""
        await self._write(_core.encode_raw(line))

    async def start_file(self, source: str, destination: Optional[str] = None, file_bytes: Optional[str] = None,
                         session_index: Optional[int] = None) -> None:
        """Persistent session: queue one file (``file_bytes`` "start:end" for a byte range)."""
        await self.send(_core.start_command(source, destination, file_bytes, session_index))

    async def set_rate(self, kbps: Union[int, str, None] = None, min_kbps: Union[int, str, None] = None,
                       policy: Optional[str] = None, session_index: Optional[int] = None) -> None:
        """Changes the target and/or minimum rate (kbps, or a "50%" string) and/or the policy."""
        await self.send(_core.rate_command(kbps, min_kbps, policy, session_index))

    async def done(self, linger: bool = False, session_index: Optional[int] = None) -> None:
        """Persistent session: no more files (``linger``: finish queued work, refuse new sources)."""
        await self.send(_core.done_command(linger, session_index))

    async def status(self) -> None:
        """Asks for a PROGRESS of the whole job now (``{"type": "STATUS"}``), as Session.status() does."""
        await self.send(_core.status_command())

    def cancel(self) -> None:
        """Cancels the job as Session.cancel() does (SIGTERM once, SIGKILL after ``grace_sec``). Not a
        coroutine; ``await wait(raise_on_failure=False)`` for the RESULT."""
        self._require_started()
        if self._terminate():
            asyncio.get_running_loop().call_later(self.grace_sec, self._kill)

    async def close_input(self) -> None:
        """Closes the engine's stdin: no more commands (a persistent session then finishes)."""
        self._require_started()
        await self._close_stdin()

    async def _close_stdin(self) -> None:
        stdin = self._require_started().stdin
        assert stdin is not None and self._write_lock is not None
        async with self._write_lock:
            try:
                stdin.close()
            except (BrokenPipeError, ConnectionResetError):
                pass  # unflushed bytes for an engine that is gone

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
    def returncode(self) -> Optional[int]:
        """The engine's exit status once it has exited."""
        return self._proc.returncode if self._proc else None
