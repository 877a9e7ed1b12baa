"""End to end: the binding drives the real engine (dist/cli.js), which drives the ascp simulator."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import List

import pytest

from asession import (
    AscpEvent,
    AsyncSession,
    ResultEvent,
    Session,
    SpawnEvent,
    TransferError,
)
from conftest import Sim, alive, wait_gone

TIMEOUT = 60


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def persistent_spec(sim: Sim) -> dict:
    sim.remote_path("up").mkdir(parents=True)
    return sim.spec(destination_root="/up", keepalive=True)


def first_spawn(session: Session) -> SpawnEvent:
    for event in session:
        if isinstance(event, SpawnEvent):
            return event
    raise AssertionError("no SPAWN event")


def test_send_copies_the_file_and_yields_typed_events(engine: str, sim: Sim) -> None:
    source = sim.local / "a.bin"
    source.write_bytes(bytes(range(256)) * 400)
    sim.remote_path("up").mkdir(parents=True)
    spec = sim.spec(paths=[{"source": str(source)}], destination_root="/up")
    with Session(spec, engine=engine, env=sim.env) as s:
        events = list(s)
        result = s.wait(timeout=TIMEOUT)
    assert digest(sim.remote_path("up", "a.bin")) == digest(source)
    assert isinstance(events[0], SpawnEvent) and events[0].attempt == 1
    ascp = [e for e in events if isinstance(e, AscpEvent)]
    types = [e.type for e in ascp if e.type != "STATS"]
    assert types[0] == "INIT" and types[-1] == "DONE"
    assert sorted(types[1:-1]) == ["NOTIFICATION", "SESSION", "STOP"]
    stop = next(e for e in ascp if e.type == "STOP")
    assert stop.size == 102400 and stop.written == 102400 and stop.file == "/up/a.bin"
    assert next(e for e in ascp if e.type == "SESSION").encryption is True
    assert events[-1] is result and isinstance(result, ResultEvent)
    assert result.status == "success" and result.exit_code == 0 and result.error is None
    assert result.totals.files_passed == 1 and result.totals.file_bytes == 102400
    assert s.returncode == 0


def test_failed_session_raises_with_the_ascp_code(engine: str, sim: Sim) -> None:
    source = sim.local / "a.txt"
    source.write_text("x")
    spec = sim.spec(paths=[{"source": str(source)}], destination_root="/", scenario={"faults": [{"type": "auth"}]})
    with Session(spec, engine=engine, env=sim.env) as s:
        with pytest.raises(TransferError) as info:
            s.wait(timeout=TIMEOUT)
    assert info.value.status == "failed" and info.value.exit_code == 1
    assert info.value.code == 19 and info.value.error is not None and info.value.error.source == "ascp"
    assert s.returncode == 1


def test_persistent_session_with_start_file_and_done(engine: str, sim: Sim) -> None:
    files: List[Path] = []
    for name in ("one.txt", "two.txt"):
        files.append(sim.local / name)
        files[-1].write_text(f"content of {name}\n")
    with Session(persistent_spec(sim), engine=engine, env=sim.env) as s:
        first_spawn(s)
        s.start_file(str(files[0]), "one.txt")
        s.start_file(str(files[1]), "renamed.txt")
        s.done()
        result = s.wait(timeout=TIMEOUT)
    assert result.totals.files_passed == 2
    assert sim.remote_path("up", "one.txt").read_text() == "content of one.txt\n"
    assert sim.remote_path("up", "renamed.txt").read_text() == "content of two.txt\n"


def test_set_rate_reaches_ascp(engine: str, sim: Sim) -> None:
    with Session(persistent_spec(sim), engine=engine, env=sim.env) as s:
        first_spawn(s)
        s.set_rate(kbps=50000, min_kbps=1000, policy="fair")
        # ascp answers a RATE with a NOTIFICATION carrying the new rates.
        notice = next(e for e in s if isinstance(e, AscpEvent) and e.type == "NOTIFICATION" and e.rate == 50000)
        assert notice.min_rate == 1000
        s.close_input()  # end of commands: the engine ends the persistent session
        assert s.wait(timeout=TIMEOUT).status == "success"
    frames = [r["frame"] for r in sim.records() if r["kind"] == "frame_received"]
    assert {"Type": "RATE", "Rate": "50000", "MinRate": "1000", "Adaptive": "Adaptive"}.items() <= frames[0].items()


def test_cancel_exits_130_and_leaves_no_ascp(engine: str, sim: Sim) -> None:
    with Session(persistent_spec(sim), engine=engine, env=sim.env) as s:
        ascp_pid = first_spawn(s).pid
        s.cancel()
        result = s.wait(timeout=TIMEOUT, raise_on_failure=False)
        assert result.status == "cancelled" and result.exit_code == 130
        assert s.returncode == 130
    assert wait_gone(ascp_pid, 5)


def test_exception_in_with_block_reaps_engine_and_ascp(engine: str, sim: Sim) -> None:
    with pytest.raises(RuntimeError, match="user code"):
        with Session(persistent_spec(sim), engine=engine, env=sim.env) as s:
            ascp_pid = first_spawn(s).pid
            raise RuntimeError("user code failed")
    assert s.returncode == 130
    assert not alive(s.pid)
    assert wait_gone(ascp_pid, 5)


def test_async_session_end_to_end(engine: str, sim: Sim) -> None:
    source = sim.local / "async.txt"
    source.write_text("via asyncio\n")

    async def run() -> ResultEvent:
        async with AsyncSession(persistent_spec(sim), engine=engine, env=sim.env) as s:
            async for event in s:
                if isinstance(event, SpawnEvent):
                    break
            await s.set_rate(kbps=20000)
            await s.start_file(str(source), "async.txt")
            await s.done(linger=True)
            return await s.wait(timeout=TIMEOUT)

    result = asyncio.run(run())
    assert result.status == "success" and result.totals.files_passed == 1
    assert sim.remote_path("up", "async.txt").read_text() == "via asyncio\n"


def test_invalid_spec_raises_with_exit_2(engine: str, sim: Sim) -> None:
    with Session({"spec": {"direction": "send"}, "agnet": {}}, engine=engine, env=sim.env) as s:
        with pytest.raises(TransferError) as info:
            s.wait(timeout=TIMEOUT)
    assert info.value.exit_code == 2 and info.value.error is not None and info.value.error.source == "engine"
    assert "agnet" in info.value.error.message
