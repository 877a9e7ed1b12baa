"""python -m asession.conformance_adapter against fake engines: it must behave like the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict

from conftest import write_fake_engine

# Echoes every stdin line (spec lines included) as an event; RESULT when stdin ends.
ECHO = """
sys.stderr.write("engine log line\\n")
for line in sys.stdin:
    emit({"type": "ECHO", "line": line.rstrip("\\n")})
emit(dict(RESULT_OK, exit_code=int(os.environ.get("FAKE_EXIT", "0"))))
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
"""

UNTIL_SIGTERM = """
def on_term(*_):
    emit(dict(RESULT_OK, status="cancelled", exit_code=130))
    sys.exit(130)
signal.signal(signal.SIGTERM, on_term)
sys.stdin.readline()
emit({"type": "INIT", "rate": 10})
while True:
    time.sleep(0.1)
"""

ASCP_ONLY = """
sys.stdin.readline()
emit({"type": "INIT"})
emit({"type": "DONE"})
sys.exit(0)
"""


def adapter(fake: Path, **kw: object) -> "subprocess.Popen[str]":
    env: Dict[str, str] = dict(os.environ, ASESSION_BIN=str(fake))
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    env.update(kw.pop("env", {}))  # type: ignore[arg-type]
    return subprocess.Popen([sys.executable, "-m", "asession.conformance_adapter"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **kw)


def test_spec_and_commands_pass_through_untouched(tmp_path: Path) -> None:
    proc = adapter(write_fake_engine(tmp_path, ECHO), env={"FAKE_EXIT": "1"})
    out, err = proc.communicate('{"spec":\n {"a": 1}}\n{"type":"DONE"}\nnot json\n', timeout=30)
    events = [json.loads(line) for line in out.splitlines()]
    assert [e.get("line") for e in events] == ['{"spec":', ' {"a": 1}}', '{"type":"DONE"}', "not json", None]
    assert events[-1]["type"] == "RESULT"
    assert "engine log line" in err
    assert proc.returncode == 1


def test_sigterm_cancels_and_exits_with_the_result_code(tmp_path: Path) -> None:
    proc = adapter(write_fake_engine(tmp_path, UNTIL_SIGTERM))
    assert proc.stdin and proc.stdout
    proc.stdin.write("{}\n")
    proc.stdin.flush()
    assert json.loads(proc.stdout.readline()) == {"type": "INIT", "rate": 10}
    proc.send_signal(signal.SIGINT)
    assert json.loads(proc.stdout.readline())["status"] == "cancelled"
    assert proc.wait(30) == 130


def test_no_result_exits_with_the_engine_status(tmp_path: Path) -> None:
    proc = adapter(write_fake_engine(tmp_path, ASCP_ONLY))
    out, _ = proc.communicate("{}\n", timeout=30)
    assert [json.loads(line)["type"] for line in out.splitlines()] == ["INIT", "DONE"]
    assert proc.returncode == 0


def test_engine_not_found_exits_3(tmp_path: Path) -> None:
    proc = adapter(tmp_path / "missing")
    _, err = proc.communicate("{}\n", timeout=30)
    assert proc.returncode == 3 and "missing" in err


def test_non_ascii_values_come_out_as_utf8(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, """
sys.stdin.readline()
emit({"type": "SKIP", "file": "/données/日本語"})
emit({"type": "SKIP", "file": "\\ud800"})
emit(RESULT_OK)
""")
    proc = adapter(fake)
    out, _ = proc.communicate("{}\n", timeout=30)
    lines = out.splitlines()
    assert lines[0] == '{"type":"SKIP","file":"/données/日本語"}'
    assert json.loads(lines[1])["file"] == "\ud800"
    assert proc.returncode == 0


def test_a_closed_stdout_cancels_the_engine(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, """
def on_term(*_):
    emit(dict(RESULT_OK, status="cancelled", exit_code=130))
    sys.exit(130)
signal.signal(signal.SIGTERM, on_term)
sys.stdin.readline()
while True:
    emit({"type": "STATS"})
    time.sleep(0.05)
""")
    proc = adapter(fake)
    assert proc.stdin and proc.stdout
    proc.stdin.write("{}\n")
    proc.stdin.flush()
    proc.stdout.readline()
    proc.stdout.close()  # the adapter's next write fails: it must cancel the engine, not die or hang
    assert proc.wait(30) == 130
