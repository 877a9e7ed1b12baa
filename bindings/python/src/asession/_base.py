"""What the sync (Session) and asyncio (AsyncSession) drivers have in common besides the core: their
arguments, how the engine is launched, and the read-only state they expose."""

from __future__ import annotations

import os
from typing import IO, Any, Dict, List, Optional, Tuple, Union

from . import _core, _engine
from ._core import Core, EnvArg, ProgressListener, Spec
from ._engine import EngineArg
from ._events import ProgressEvent, ResultEvent


class SessionBase:
    _proc: Any

    def __init__(
        self,
        spec: Spec,
        *,
        engine: EngineArg = None,
        cwd: Union[str, "os.PathLike[str]", None] = None,
        env: EnvArg = None,
        clear_env: bool = False,
        tee_stderr: Optional[IO[bytes]] = None,
        grace_sec: float = _core.DEFAULT_GRACE_SEC,
        node: Optional[str] = None,
        on_progress: Optional[ProgressListener] = None,
    ) -> None:
        """``engine``: path of asession (a ``.js``/``.mjs`` runs with Node) or a full argv prefix; default
        ``$ASESSION_BIN`` of this process's environment, then the engine inside this package, then ``asession``
        on PATH. ``node``: the Node that runs an engine file (default ``$ASESSION_NODE``, a ``node`` >= 20.19 on
        PATH, then the one of the ``asession[node]`` extra). ``env``: variables laid over
        this process's environment for the engine (a None value removes one); ``clear_env``: start from an
        empty environment instead. ``tee_stderr``: a binary stream that also receives the engine's stderr as
        it comes (``stderr_tail`` keeps the last 64 KiB either way). ``grace_sec``: how long the engine gets
        after SIGTERM (cancel, close) before it is killed. ``on_progress``: called with each ProgressEvent as
        the events are read (by ``events()``, ``progress()`` or ``wait()``, in that caller's thread or task),
        before the event is handed on: it sees every PROGRESS and takes nothing from the event stream."""
        self._spec = spec
        self._engine = engine
        self._node = node
        self._cwd = cwd
        self._env = dict(env) if env is not None else None
        self._clear_env = clear_env
        self._tee_stderr = tee_stderr
        self.grace_sec = grace_sec
        self._on_progress = on_progress
        self._core: Core = None  # type: ignore[assignment]  # made by _launch(): start() is where a spec fails
        self._init_driver()

    def _init_driver(self) -> None:
        """The driver's own state."""

    def _launch(self) -> Tuple[List[str], Dict[str, str]]:
        """The core for this run (the spec is encoded first: one json cannot encode fails before anything
        runs), the engine's argv and its environment."""
        self._core = Core(self._spec, self._tee_stderr, self._on_progress)
        return _engine.engine_command(self._engine, self._node), _core.engine_env(self._env, self._clear_env)

    @property
    def pid(self) -> Optional[int]:
        """The engine's process id (not ascp's: see SpawnEvent.pid)."""
        return self._proc.pid if self._proc else None

    @property
    def result(self) -> Optional[ResultEvent]:
        """The RESULT event, once it has been read."""
        return self._core.result if self._core is not None else None

    @property
    def last_progress(self) -> Optional[ProgressEvent]:
        """The last PROGRESS read so far (its files, bytes and rate; RESULT's totals repeat the final one)."""
        return self._core.last_progress if self._core is not None else None

    @property
    def stderr_tail(self) -> str:
        """The last 64 KiB the engine wrote to stderr."""
        return self._core.stderr_tail if self._core is not None else ""
