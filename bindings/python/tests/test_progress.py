"""Progress helpers of Session and AsyncSession (progress(), on_progress, last_progress, status()) and the typed
final summary on RESULT, against a fake engine that answers STATUS like the engine does."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

from asession import AsyncSession, Event, ProgressBytes, ProgressEvent, ProgressFiles, Session
from conftest import RESULT_OK, write_fake_engine


def progress(done: int, transferred: int) -> Dict[str, Any]:
    return {
        "type": "PROGRESS", "elapsed_ms": 10 * done,
        "files": {"total": 2, "done": done, "skipped": 0, "failed": 0, "running": 0},
        "bytes": {"total": 2000, "transferred": transferred, "already_present": 0, "remaining": 2000 - transferred},
        "rate": {"current_bps": 8000, "target_bps": None}, "percent": transferred / 20, "eta_sec": None,
        "sessions": [{"session_index": 0, "state": "transferring", "attempt": 1}],
    }


LAST = progress(2, 2000)
RESULT = dict(RESULT_OK, totals=dict(RESULT_OK["totals"], files_passed=2, bytes_transferred=2000, file_bytes=2000,
                                     files=LAST["files"], bytes=LAST["bytes"], rate_avg_bps=16000))

# A job's stream: raw frames between PROGRESS events; every STATUS line is answered with a PROGRESS that
# carries the command line it answers (elapsed_ms 999), the way the engine answers STATUS at once.
JOB = f"""
sys.stdin.readline()
emit({{"type": "INIT"}})
emit({progress(0, 0)!r})
emit({{"type": "STATS", "TransferBytes": "1000"}})
emit({progress(1, 1000)!r})
for line in sys.stdin:
    if line.strip() == "END":
        break
    answer = {progress(1, 1000)!r}
    answer.update(elapsed_ms=999, command=json.loads(line))
    emit(answer)
emit({{"type": "STOP"}})
emit({LAST!r})
emit({RESULT!r})
"""


@pytest.fixture
def job(tmp_path: Path) -> str:
    return str(write_fake_engine(tmp_path, JOB))


def test_progress_yields_only_progress_in_order_and_ends_with_the_stream(job: str) -> None:
    with Session({}, engine=job) as s:
        s.send_raw("END")
        seen = list(s.progress())
        assert all(isinstance(p, ProgressEvent) for p in seen)
        assert [(p.files.done, p.bytes.transferred) for p in seen] == [(0, 0), (1, 1000), (2, 2000)]
        assert s.last_progress == seen[-1]
        result = s.wait()
    assert result is not None and result.status == "success"


def test_on_progress_sees_every_progress_and_takes_nothing_from_events(job: str) -> None:
    calls: List[ProgressEvent] = []
    order: List[str] = []

    def listener(p: ProgressEvent) -> None:
        calls.append(p)
        order.append("listener")

    with Session({}, engine=job, on_progress=listener) as s:
        s.send_raw("END")
        events: List[Event] = []
        for event in s.events():
            order.append(event.type)
            events.append(event)
    assert [e.type for e in events] == ["INIT", "PROGRESS", "STATS", "PROGRESS", "STOP", "PROGRESS", "RESULT"]
    assert calls == [e for e in events if isinstance(e, ProgressEvent)]
    # The listener runs before the PROGRESS it gets is handed on.
    assert order[:3] == ["INIT", "listener", "PROGRESS"]


def test_on_progress_runs_when_only_wait_reads(job: str) -> None:
    calls: List[int] = []
    with Session({}, engine=job, on_progress=lambda p: calls.append(p.files.done)) as s:
        s.send_raw("END")
        s.wait()
    assert calls == [0, 1, 2]


def test_a_failing_listener_raises_from_the_reading_call(job: str) -> None:
    def listener(p: ProgressEvent) -> None:
        raise ValueError("listener broke")

    with Session({}, engine=job, on_progress=listener) as s:
        s.send_raw("END")
        with pytest.raises(ValueError, match="listener broke"):
            s.wait()


def test_status_sends_status_and_its_progress_comes_in_the_stream(job: str) -> None:
    with Session({}, engine=job) as s:
        s.status()
        s.send_raw("END")
        answers = [p for p in s.progress() if p.elapsed_ms == 999]
        s.wait()
    assert [p.raw["command"] for p in answers] == [{"type": "STATUS"}]


def test_result_carries_the_last_progress_totals_typed(job: str) -> None:
    with Session({}, engine=job) as s:
        s.send_raw("END")
        result = s.wait()
        last = s.last_progress
    assert result is not None and last is not None
    assert isinstance(result.totals.files, ProgressFiles) and isinstance(result.totals.bytes, ProgressBytes)
    assert result.totals.files == last.files and result.totals.bytes == last.bytes
    assert result.totals.rate_avg_bps == 16000


def test_async_progress_status_and_listener(job: str) -> None:
    async def main() -> Any:
        calls: List[ProgressEvent] = []
        async with AsyncSession({}, engine=job, on_progress=calls.append) as s:
            await s.status()
            await s.send_raw("END")
            seen = [p async for p in s.progress()]
            await s.wait()
            return seen, calls, s.last_progress

    seen, calls, last = asyncio.run(main())
    assert [p.elapsed_ms for p in seen] == [0, 10, 999, 20]
    assert seen[2].raw["command"] == {"type": "STATUS"}
    assert calls == seen and last == seen[-1]
