"""Session and AsyncSession against fake engines: the binding's own behaviour, without ascp."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import pytest

from asession import (
    AscpEvent,
    AsyncSession,
    EngineError,
    EngineNotFoundError,
    ResultEvent,
    Session,
    SessionClosedError,
    TransferError,
)
from asession._engine import engine_command
from conftest import RESULT_OK, alive, wait_gone, write_fake_engine

BIG = 5 * 1024 * 1024

# Prints a 5 MB event line, then RESULT.
BIG_LINE = f"""
sys.stdin.readline()
emit({{"type": "NOTIFICATION", "description": "x" * {BIG}}})
emit(RESULT_OK)
"""

# Echoes the spec, then every stdin line, as events; RESULT when stdin ends.
ECHO = """
emit({"type": "SPEC", "line": sys.stdin.readline().rstrip("\\n")})
for line in sys.stdin:
    emit({"type": "ECHO", "line": line.rstrip("\\n")})
emit(RESULT_OK)
"""

# Runs until SIGTERM, then answers like the engine: RESULT cancelled, exit 130.
UNTIL_SIGTERM = """
def on_term(*_):
    emit(dict(RESULT_OK, status="cancelled", exit_code=130,
              error={"source": "engine", "message": "cancelled", "retryable": False}))
    sys.exit(130)
signal.signal(signal.SIGTERM, on_term)
sys.stdin.readline()
emit({"type": "INIT"})
while True:
    time.sleep(0.1)
"""

# Ignores SIGTERM: only SIGKILL ends it.
STUBBORN = """
signal.signal(signal.SIGTERM, signal.SIG_IGN)
sys.stdin.readline()
emit({"type": "INIT"})
while True:
    time.sleep(0.1)
"""

FAILED = """
sys.stdin.readline()
emit(dict(RESULT_OK, status="failed", exit_code=1,
          error={"source": "ascp", "code": 5, "name": "AUTH", "message": "authentication failed", "retryable": False}))
sys.exit(1)
"""

NO_RESULT = """
sys.stdin.readline()
emit({"type": "INIT"})
sys.stderr.write("engine fell over: boom\\n")
sys.exit(4)
"""


def test_five_megabyte_event_line(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, BIG_LINE)
    with Session({}, engine=str(fake)) as s:
        events = list(s)
        result = s.wait()
    assert isinstance(events[0], AscpEvent) and len(events[0].description) == BIG
    assert events[-1] is result and result.status == "success"


def test_five_megabyte_event_line_async(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, BIG_LINE)

    async def run() -> None:
        async with AsyncSession({}, engine=str(fake)) as s:
            events = [e async for e in s]
            result = await s.wait()
        assert len(events[0].description) == BIG
        assert result.exit_code == 0

    asyncio.run(run())


def test_commands_reach_the_engine_stdin_as_json_lines(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, ECHO)
    with Session({"spec": {"a": 1}}, engine=[sys.executable, str(fake)]) as s:
        s.start_file("/src/a", "b")
        s.start_file("/src/c", file_bytes="0:10", session_index=1)
        s.set_rate(kbps=50000, min_kbps=1000, policy="fair")
        s.set_rate(kbps="50%")
        s.done(linger=True)
        s.send({"type": "CANCEL"})
        s.send_raw("not json\n")
        s.close_input()
        with pytest.raises(SessionClosedError):
            s.send({"type": "DONE"})
        events = list(s)
    assert json.loads(events[0].extra["line"]) == {"spec": {"a": 1}}
    lines = [e.extra["line"] for e in events if e.type == "ECHO"]
    assert [json.loads(line) for line in lines[:-1]] == [
        {"type": "START", "source": "/src/a", "destination": "b"},
        {"type": "START", "source": "/src/c", "file_bytes": "0:10", "session_index": 1},
        {"type": "RATE", "rate": 50000, "min_rate": 1000, "policy": "fair"},
        {"type": "RATE", "rate": "50%"},
        {"type": "DONE", "operation": "Linger"},
        {"type": "CANCEL"},
    ]
    assert lines[-1] == "not json"


def test_commands_async(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, ECHO)

    async def run() -> None:
        async with AsyncSession('{"spec":\n{}}', engine=str(fake)) as s:
            await s.start_file("/a")
            await s.set_rate(policy="low")
            await s.done()
            await s.send_raw("{oops")
            await s.close_input()
            with pytest.raises(SessionClosedError):
                await s.send({"type": "DONE"})
            lines = [e.extra["line"] async for e in s if e.type in ("SPEC", "ECHO")]
        # A spec string goes through as sent, even across lines.
        assert lines == ['{"spec":', "{}}", '{"type":"START","source":"/a"}', '{"type":"RATE","policy":"low"}',
                         '{"type":"DONE"}', "{oops"]

    asyncio.run(run())


def test_argument_errors_are_raised_before_anything_is_sent(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, ECHO)
    with Session({}, engine=str(fake)) as s:
        with pytest.raises(ValueError):
            s.set_rate()
        with pytest.raises(ValueError):
            s.send_raw("two\nlines")
        with pytest.raises(TypeError):
            s.send("START")  # type: ignore[arg-type]
        s.close_input()
        assert [e.type for e in s] == ["SPEC", "RESULT"]


def test_failed_result_raises_transfer_error_with_the_code(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, FAILED)
    with Session({}, engine=str(fake)) as s:
        with pytest.raises(TransferError) as info:
            s.wait()
        assert info.value.code == 5 and info.value.name == "AUTH" and info.value.exit_code == 1
        assert "authentication failed" in str(info.value)
        result = s.wait(raise_on_failure=False)
        assert isinstance(result, ResultEvent) and result.status == "failed" and result.error.code == 5
        assert s.returncode == 1


def test_engine_exit_without_result_raises_with_stderr_tail(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, NO_RESULT)
    with Session({}, engine=str(fake)) as s:
        with pytest.raises(EngineError) as info:
            for _ in s:
                pass
    assert info.value.returncode == 4
    assert "without a RESULT" in str(info.value) and "engine fell over: boom" in str(info.value)
    assert "boom" in s.stderr_tail


def test_engine_exit_without_result_async(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, NO_RESULT)

    async def run() -> None:
        async with AsyncSession({}, engine=str(fake)) as s:
            with pytest.raises(EngineError, match="boom"):
                await s.wait()

    asyncio.run(run())


def test_stderr_is_teed_and_kept(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, NO_RESULT)
    tee = tmp_path / "stderr.txt"
    with open(tee, "wb") as sink, Session({}, engine=str(fake), tee_stderr=sink) as s:
        with pytest.raises(EngineError):
            s.wait()
    assert tee.read_text() == "engine fell over: boom\n"


def test_cancel_sends_sigterm_and_wait_returns_cancelled(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, UNTIL_SIGTERM)
    with Session({}, engine=str(fake)) as s:
        assert next(iter(s)).type == "INIT"
        s.cancel()
        with pytest.raises(TransferError) as info:
            s.wait(timeout=10)
        assert info.value.status == "cancelled"
        assert s.returncode == 130


def test_wait_timeout_leaves_the_session_running(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, UNTIL_SIGTERM)
    with Session({}, engine=str(fake)) as s:
        with pytest.raises(TimeoutError):
            s.wait(timeout=0.3)
        assert s.returncode is None
        s.cancel()
        assert s.wait(timeout=10, raise_on_failure=False).exit_code == 130


def test_exception_in_with_block_reaps_the_engine(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, UNTIL_SIGTERM)
    with pytest.raises(KeyError):
        with Session({}, engine=str(fake)) as s:
            pid = s.pid
            next(iter(s))
            raise KeyError("user code failed")
    assert s.returncode == 130
    assert not alive(pid)


def test_engine_ignoring_sigterm_is_killed_after_the_grace_period(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, STUBBORN)
    started = time.monotonic()
    with Session({}, engine=str(fake), grace_sec=0.5) as s:
        next(iter(s))
    assert s.returncode == -9
    assert time.monotonic() - started < 5


def test_async_cancellation_of_the_waiting_task_reaps_the_engine(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, STUBBORN)

    async def run() -> int:
        s = AsyncSession({}, engine=str(fake), grace_sec=0.5)
        await s.start()
        async for _ in s:
            break  # INIT: the fake now ignores SIGTERM
        task = asyncio.ensure_future(s.wait())
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert s.returncode == -9
        return s.pid

    assert wait_gone(asyncio.run(run()), 1)


def test_async_exception_in_with_block_reaps_the_engine(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, UNTIL_SIGTERM)

    async def run() -> AsyncSession:
        with pytest.raises(KeyError):
            async with AsyncSession({}, engine=str(fake)) as s:
                async for _ in s:
                    raise KeyError("user code failed")
        return s

    s = asyncio.run(run())
    assert s.returncode == 130 and not alive(s.pid)


def test_engine_not_found(tmp_path: Path) -> None:
    with pytest.raises(EngineNotFoundError, match="nope"):
        Session({}, engine=str(tmp_path / "nope")).start()
    with pytest.raises(EngineNotFoundError, match="ASESSION_BIN"):
        engine_command(None, env={"ASESSION_BIN": str(tmp_path / "missing.js"), "PATH": os.environ["PATH"]})
    with pytest.raises(EngineNotFoundError, match="PATH"):
        engine_command(None, env={"PATH": str(tmp_path)})

    async def run() -> None:
        with pytest.raises(EngineNotFoundError):
            async with AsyncSession({}, engine=str(tmp_path / "nope")):
                pass

    asyncio.run(run())


def test_engine_lookup_order(tmp_path: Path) -> None:
    on_path = write_fake_engine(tmp_path, ECHO, name="asession")
    from_env = write_fake_engine(tmp_path, ECHO, name="other")
    cli_js = tmp_path / "cli.js"
    cli_js.write_text("")
    env = {"PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    assert engine_command(None, env=env) == [str(on_path)]
    assert engine_command(None, env=dict(env, ASESSION_BIN=str(from_env))) == [str(from_env)]
    assert engine_command(str(cli_js), env=dict(env, ASESSION_BIN=str(from_env)))[1:] == [str(cli_js)]
    assert os.path.basename(engine_command(str(cli_js), env=env)[0]) == "node"
    assert engine_command(["x", "y"], env=env) == ["x", "y"]


def test_methods_need_a_started_session() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        Session({}).send({"type": "DONE"})


def _until_exited(s: Session) -> None:
    deadline = time.monotonic() + 10
    while s.returncode is None and time.monotonic() < deadline:
        time.sleep(0.02)


def test_wait_after_close_still_returns_the_result(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, FAILED)
    s = Session({}, engine=str(fake)).start()
    _until_exited(s)
    s.close()
    assert s.wait(raise_on_failure=False).error.code == 5
    assert list(s) == []


def test_wait_after_aclose_still_returns_the_result(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, FAILED)

    async def run() -> None:
        s = await AsyncSession({}, engine=str(fake)).start()
        while s.returncode is None:
            await asyncio.sleep(0.02)
        await s.aclose()
        with pytest.raises(TransferError, match="authentication failed"):
            await s.wait()

    asyncio.run(run())


def test_wait_after_killing_close_raises_engine_error(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, STUBBORN)
    with Session({}, engine=str(fake), grace_sec=0.2) as s:
        next(iter(s))
    with pytest.raises(EngineError, match="without a RESULT"):
        s.wait()


def test_a_failing_stderr_copy_does_not_stop_the_draining(tmp_path: Path) -> None:
    # 1 MB of stderr: the engine would block on a full pipe if nobody kept reading it.
    fake = write_fake_engine(tmp_path, """
sys.stdin.readline()
sys.stderr.write("e" * 1000000)
sys.stderr.flush()
emit(RESULT_OK)
""")
    sink = open(tmp_path / "closed", "wb")
    sink.close()
    with Session({}, engine=str(fake), tee_stderr=sink) as s:
        assert s.wait(timeout=30).status == "success"
    assert len(s.stderr_tail) == 64 * 1024


def test_a_spec_json_cannot_encode_fails_before_the_engine_starts(tmp_path: Path) -> None:
    s = Session({"spec": object()}, engine=str(tmp_path / "never-run"))
    with pytest.raises(TypeError):
        s.start()
    assert s.pid is None


def test_a_relative_engine_path_still_works_with_another_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_fake_engine(tmp_path, ECHO)
    monkeypatch.chdir(tmp_path)
    with Session({}, engine="./fake-asession", cwd="/") as s:
        s.close_input()
        assert s.wait(timeout=30).status == "success"
