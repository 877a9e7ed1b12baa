"""The sans-I/O core (_core) both drivers share: the contract's outcome table row by row, line splitting,
non-event lines, the stderr tail, cancel-once and the environment rule."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from asession import AsyncSession, EngineError, ResultEvent, Session, TransferError, _contract
from asession._core import Core, engine_env, outcome_of
from asession._engine import engine_command
from conftest import RESULT_OK, write_fake_engine


def _result(status: str) -> ResultEvent:
    return ResultEvent.from_json(dict(RESULT_OK, status=status))


@pytest.mark.parametrize("row", _contract.OUTCOME_ROWS, ids=[r[0] for r in _contract.OUTCOME_ROWS])
def test_every_outcome_row(row: Any) -> None:
    _id, present, status, exit_, events, expected = row
    result = _result(status or "success") if present == "present" else None
    for code in ([0, 1, 130] if exit_ == "any" else [0] if exit_ == "0" else [1, -9]):
        for ascp_only in ([False, True] if events == "any" else [events == "ascp"]):
            assert outcome_of(result, code, ascp_only) == expected


def test_core_splits_lines_across_chunks_and_skips_non_events() -> None:
    core = Core({"spec": {}}, None)
    first = core.feed_stdout(b'{"type":"INIT"}\n{"ty')
    rest = core.feed_stdout(b'pe":"STATS"}\nnot json\n{"no":"type"}\n')
    last = core.feed_stdout(b'{"type":"DONE"}')  # no newline yet
    end = core.feed_stdout(b"")
    assert [e.type for e in first + rest + last + end] == ["INIT", "STATS", "DONE"]
    assert core.stderr_tail.count("not an event:") == 2


def test_core_outcome_raises_per_table() -> None:
    core = Core({"spec": {}, "events": "ascp"}, None)
    assert core.outcome(0, raise_on_failure=True) is None
    with pytest.raises(EngineError):
        core.outcome(1, raise_on_failure=True)
    core = Core('{"spec": {}}', None)
    core.feed_stdout(b'{"type":"RESULT","status":"failed","exit_code":1,"error":null,"sessions":[],'
                     b'"totals":{"files_passed":0,"files_failed":0,"files_skipped":0,"bytes_transferred":0,'
                     b'"file_bytes":0},"elapsed_ms":1}\n')
    with pytest.raises(TransferError):
        core.outcome(1, raise_on_failure=True)
    assert core.outcome(1, raise_on_failure=False) is core.result


def test_stderr_tail_is_exactly_the_contract_size() -> None:
    core = Core({}, None)
    core.feed_stderr(b"a" * 100000)
    core.feed_stderr(b"b")
    assert len(core.stderr_tail) == _contract.STDERR_TAIL_BYTES and core.stderr_tail.endswith("ab")


def test_take_signal_is_true_once() -> None:
    core = Core({}, None)
    assert [core.take_signal(), core.take_signal(), core.take_signal()] == [True, False, False]


def test_environment_merges_removes_and_clears(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FROM_PROCESS", "p")
    monkeypatch.setenv("DROPPED", "d")
    merged = engine_env({"GIVEN": "g", "DROPPED": None}, clear_env=False)
    assert merged["FROM_PROCESS"] == "p" and merged["GIVEN"] == "g" and "DROPPED" not in merged
    assert engine_env({"GIVEN": "g"}, clear_env=True) == {"GIVEN": "g"}


def test_asession_bin_comes_from_the_process_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = write_fake_engine(tmp_path, "sys.stdin.readline()\nemit(dict(RESULT_OK))\n")
    monkeypatch.setenv("ASESSION_BIN", str(fake))
    assert engine_command(None) == [str(fake)]
    # The variables given for the engine do not name it, and need not repeat ASESSION_BIN.
    with Session({}, env={"ONLY_FOR_ENGINE": "1"}) as s:
        assert s.wait(timeout=30).status == "success"


# Counts SIGTERMs in a file, answers the first with RESULT cancelled after a pause (time for a second one).
COUNT_SIGTERMS = """
count = 0
def on_term(*_):
    global count
    count += 1
    open(os.environ["SIGNAL_LOG"], "a").write("TERM\\n")
    if count == 1:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
def on_alarm(*_):
    emit(dict(RESULT_OK, status="cancelled", exit_code=130))
    sys.exit(130)
signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGALRM, on_alarm)
sys.stdin.readline()
emit({"type": "INIT"})
while True:
    time.sleep(0.05)
"""


def _signal_log(tmp_path: Path) -> Dict[str, Optional[str]]:
    return {"SIGNAL_LOG": str(tmp_path / "signals")}


def test_cancel_twice_and_close_signal_the_engine_once(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, COUNT_SIGTERMS)
    with Session({}, engine=str(fake), env=_signal_log(tmp_path)) as s:
        next(iter(s))
        s.cancel()
        s.cancel()
    assert s.returncode == 130
    assert (tmp_path / "signals").read_text() == "TERM\n"


def test_async_cancel_twice_and_close_signal_the_engine_once(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, COUNT_SIGTERMS)

    async def run() -> Optional[int]:
        async with AsyncSession({}, engine=str(fake), env=_signal_log(tmp_path)) as s:
            async for _ in s:
                break
            s.cancel()
            s.cancel()
        return s.returncode

    assert asyncio.run(run()) == 130
    assert (tmp_path / "signals").read_text() == "TERM\n"


def test_events_ascp_and_exit_0_returns_none(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, 'sys.stdin.readline()\nemit({"type": "DONE"})\n')
    with Session({"spec": {}, "events": "ascp"}, engine=str(fake)) as s:
        assert [e.type for e in s] == ["DONE"]
        assert s.wait() is None
