"""Shared helpers: fake engines (small Python scripts) for reader tests, the real engine and the simulator."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

REPO = Path(__file__).resolve().parents[3]
SIMULATOR = REPO / "conformance" / "simulator" / "ascp"

RESULT_OK: Dict[str, Any] = {
    "type": "RESULT", "status": "success", "exit_code": 0, "error": None, "sessions": [],
    "totals": {"files_passed": 0, "files_failed": 0, "files_skipped": 0, "bytes_transferred": 0, "file_bytes": 0},
    "elapsed_ms": 1,
}

# Header of every fake engine: the result lines it may print.
_PRELUDE = f"""import json, os, signal, sys, time
RESULT_OK = {RESULT_OK!r}
def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\\n")
    sys.stdout.flush()
"""


def write_fake_engine(directory: Path, body: str, name: str = "fake-asession") -> Path:
    """An executable script standing in for asession (its shebang is this interpreter)."""
    path = directory / name
    path.write_text(f"#!{sys.executable}\n{_PRELUDE}{body}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def alive(pid: int) -> bool:
    """Whether a process still runs (a zombie waiting for its reaper counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def engine() -> str:
    """The real engine: $ASESSION_BIN, else the repo's dist/cli.js (build it with `npm run build`)."""
    path = os.environ.get("ASESSION_BIN") or str(REPO / "dist" / "cli.js")
    if not os.path.exists(path):
        pytest.fail(f"engine not built: {path} is missing (run `npm run build` at the repo root)")
    if not SIMULATOR.exists():
        pytest.fail(f"ascp simulator missing: {SIMULATOR}")
    return path


class Sim:
    """A simulator sandbox: local and remote roots, the record file, the env the engine runs with."""

    def __init__(self, tmp: Path) -> None:
        self.local = tmp / "local"
        self.remote = tmp / "remote"
        self.local.mkdir()
        self.remote.mkdir()
        self.record = tmp / "record.jsonl"
        self.env = dict(os.environ, ASCP_SIM_REMOTE_ROOT=str(self.remote), ASCP_SIM_RECORD=str(self.record))

    def remote_path(self, *parts: str) -> Path:
        return self.remote.joinpath("h1", *parts)

    def records(self) -> List[Dict[str, Any]]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines() if line]

    def spec(self, paths: Optional[List[Dict[str, str]]] = None, scenario: Optional[Dict[str, Any]] = None,
             **transfer: Any) -> Dict[str, Any]:
        if scenario is not None:
            self.env["ASCP_SIM_SCENARIO"] = json.dumps(scenario)
        ts: Dict[str, Any] = {"direction": "send", "remote_host": "h1", "remote_user": "bob", **transfer}
        if paths is not None:
            ts["paths"] = paths
        return {"spec": ts, "agent": {"ascp_path": str(SIMULATOR)}}


@pytest.fixture
def sim(tmp_path: Path) -> Sim:
    return Sim(tmp_path)
