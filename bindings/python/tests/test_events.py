"""The generated types: dispatch on type, typed fields, nothing lost, in step with schema/."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import typing

import pytest

import asession
from asession import (
    AscpEvent,
    CommandRejectedEvent,
    ErrorInfo,
    ResultEvent,
    RetryEvent,
    SessionOutcome,
    SpawnEvent,
    WarningEvent,
    event_from_json,
)
from conftest import REPO


def test_dispatch_on_type() -> None:
    cases = {
        "SPAWN": SpawnEvent, "RETRY": RetryEvent, "COMMAND_REJECTED": CommandRejectedEvent,
        "WARNING": WarningEvent, "RESULT": ResultEvent, "STATS": AscpEvent, "SOMETHING_NEW": AscpEvent,
    }
    for type_, cls in cases.items():
        assert type(event_from_json({"type": type_})) is cls


def test_ascp_event_keeps_values_unknown_fields_and_raw() -> None:
    data = {"type": "STATS", "session_index": 0, "bytes_cont": 12, "rate": "50%", "size": "12x",
            "encryption": True, "file": "/a\nb", "foo_bar": "baz"}
    event = event_from_json(data)
    assert isinstance(event, AscpEvent)
    assert (event.bytes_cont, event.rate, event.size, event.encryption, event.file) == (12, "50%", "12x", True, "/a\nb")
    assert event.written is None
    assert event.extra == {"foo_bar": "baz"}
    assert event.raw is data
    assert repr(event) == ("AscpEvent(type='STATS', session_index=0, file='/a\\nb', size='12x', bytes_cont=12, "
                           "rate='50%', encryption=True)")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.type = "DONE"  # type: ignore[misc]


def test_result_nests_typed_errors_sessions_and_totals() -> None:
    error = {"source": "ascp", "code": 16, "name": "CONNECTION_LOST", "message": "lost", "retryable": True}
    data = {
        "type": "RESULT", "status": "failed", "exit_code": 1, "error": error,
        "sessions": [{"session_index": 0, "status": "failed", "attempts": 3, "error": error, "pid": 42}],
        "totals": {"files_passed": 1, "files_failed": 2, "files_skipped": 0, "bytes_transferred": 9, "file_bytes": 9},
        "elapsed_ms": 5,
    }
    result = event_from_json(data)
    assert isinstance(result, ResultEvent)
    assert result.error == ErrorInfo(source="ascp", message="lost", retryable=True, code=16, name="CONNECTION_LOST")
    assert isinstance(result.sessions[0], SessionOutcome) and result.sessions[0].attempts == 3
    assert result.sessions[0].error.code == 16
    assert result.totals.files_failed == 2
    assert event_from_json(dict(data, error=None)).error is None


def test_ascp_event_names_every_schema_field_with_its_type() -> None:
    schema = json.loads((REPO / "schema" / "events.schema.json").read_text())
    props = schema["$defs"]["AscpEvent"]["properties"]
    hints = typing.get_type_hints(AscpEvent)
    expected = {"integer": typing.Union[int, str, None], "rate": typing.Union[int, str, None],
                "boolean": typing.Union[bool, str, None], "path": typing.Optional[str],
                "string": typing.Optional[str]}
    for name, prop in props.items():
        if name == "type":
            assert hints[name] is str
        elif "x-value" in prop:
            assert hints[name] == expected[prop["x-value"]], name


def test_command_typed_dicts_match_the_schema() -> None:
    schema = json.loads((REPO / "schema" / "commands.schema.json").read_text())
    for ref in schema["oneOf"]:
        name = ref["$ref"].rsplit("/", 1)[1]
        cls = getattr(asession, name)
        definition = schema["$defs"][name]
        assert set(typing.get_type_hints(cls)) == set(definition["properties"])
        assert cls.__required_keys__ == frozenset(definition["required"])


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run the generator")
def test_generated_file_is_up_to_date() -> None:
    script = (
        "const {default: g} = await import('./schema/codegen/gen-python.mjs');"
        "const {buildModel} = await import('./schema/codegen/model.mjs');"
        "const fs = await import('node:fs');"
        "const loadSchema = (n) => JSON.parse(fs.readFileSync('schema/' + n, 'utf8'));"
        "const out = await g({root: '.', loadSchema, model: buildModel(loadSchema)});"
        "process.stdout.write(JSON.stringify(out));"
    )
    out = json.loads(subprocess.run(["node", "--input-type=module", "-e", script], cwd=REPO, check=True,
                                    capture_output=True, text=True).stdout)
    assert [o["path"] for o in out] == ["bindings/python/src/asession/_events.py"]
    assert (REPO / out[0]["path"]).read_text() == out[0]["content"], "run node schema/codegen/gen.mjs"
