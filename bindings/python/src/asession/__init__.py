"""Python binding for asession: run IBM Aspera ascp transfers as JSON over stdio.

``Session`` (threads) and ``AsyncSession`` (asyncio) spawn the ``asession`` engine, write the session spec,
yield typed events, send commands and return the RESULT. The event and command types are generated from
the engine's JSON Schemas (``_events.py``).
"""

from ._engine import EngineVersionError, engine_version
from ._errors import AsessionError, EngineError, EngineNotFoundError, SessionClosedError, TransferError
from ._events import (
    ASCP_EVENT_TYPES,
    ENGINE_EVENTS,
    AscpEvent,
    CancelCommand,
    Command,
    CommandRejectedEvent,
    DoneCommand,
    ErrorInfo,
    Event,
    FileEndEvent,
    FileStartEvent,
    ProgressBytes,
    ProgressEvent,
    ProgressFiles,
    RateCommand,
    ResultEvent,
    ResultEventTotals,
    RetryEvent,
    SessionOutcome,
    SpawnEvent,
    StalledEvent,
    StartCommand,
    StatusCommand,
    WarningEvent,
)
from ._events import from_json as event_from_json
from .aio import AsyncSession
from .session import Session
from ._version import __version__

#: What ``wait()`` returns.
Result = ResultEvent


__all__ = [
    "__version__",
    "ASCP_EVENT_TYPES",
    "ENGINE_EVENTS",
    "AscpEvent",
    "AsessionError",
    "AsyncSession",
    "CancelCommand",
    "Command",
    "CommandRejectedEvent",
    "DoneCommand",
    "EngineError",
    "EngineNotFoundError",
    "EngineVersionError",
    "ErrorInfo",
    "Event",
    "FileEndEvent",
    "FileStartEvent",
    "ProgressBytes",
    "ProgressEvent",
    "ProgressFiles",
    "RateCommand",
    "Result",
    "ResultEvent",
    "ResultEventTotals",
    "RetryEvent",
    "Session",
    "SessionClosedError",
    "SessionOutcome",
    "SpawnEvent",
    "StalledEvent",
    "StartCommand",
    "StatusCommand",
    "TransferError",
    "WarningEvent",
    "engine_version",
    "event_from_json",
]
