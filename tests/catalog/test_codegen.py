"""Tests for schemalog.catalog.codegen: the typed module, checked by mypy and used at run time."""

from __future__ import annotations

import importlib.util
import json
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from mypy import api as mypy_api

import schemalog
from schemalog.catalog.codegen import render_module
from schemalog.catalog.load import Catalog
from schemalog.testing import capture_events


def load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_generated_module_passes_mypy_and_catches_wrong_fields(
    tmp_path: Path, schemas_dir: Path
) -> None:
    """Under mypy --strict the module and good calls pass, and each kind of wrong call fails."""
    (tmp_path / "catalog_events.py").write_text(render_module(Catalog.load(schemas_dir)))
    (tmp_path / "good.py").write_text(
        textwrap.dedent(
            """
            import schemalog
            from catalog_events import Launch, launch, stream_completed

            log = schemalog.get_logger("app")
            log.info(**stream_completed(total_chunks=3, chunk_count=3))
            log.info(**launch(provider="Gist", spec="a/b/HEAD", status="success"))
            fields: Launch = {"provider": "Git", "spec": "x", "status": "failure"}
            """
        )
    )
    bad_lines = {
        'stream_completed(total_chunks="3")': "arg-type",
        "stream_completed(chunk_count=3)": "call-arg",
        "stream_completed(total_chunks=3, temp=0.2)": "call-arg",
        'launch(provider="Bitbucket", spec="a", status="success")': "arg-type",
    }
    (tmp_path / "bad.py").write_text(
        "from catalog_events import launch, stream_completed\n\n"
        + "".join(f"{call}\n" for call in bad_lines)
    )
    stdout, _, status = mypy_api.run(
        [
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            str(tmp_path / "catalog_events.py"),
            str(tmp_path / "good.py"),
            str(tmp_path / "bad.py"),
        ]
    )
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert status == 1
    assert not [e for e in errors if "bad.py" not in e], errors
    by_line = {int(e.split(":")[1]): e for e in errors}
    for number, code in enumerate(bad_lines.values(), start=3):
        assert number in by_line, f"line {number} of bad.py was not rejected: {errors}"
        assert f"[{code}]" in by_line[number]


def test_helpers_emit_valid_events(tmp_path: Path, schemas_dir: Path) -> None:
    """A helper's keyword arguments emit the event, pinned to the schema's MAJOR."""
    path = tmp_path / "events_for_runtime.py"
    path.write_text(render_module(Catalog.load(schemas_dir)))
    events = load_module(path, "events_for_runtime")
    schemalog.configure(sinks=[], schemas=schemas_dir)
    log = schemalog.get_logger("app")
    with capture_events() as captured, schemalog.bound(session_id="s-1"):
        log.info(**events.stream_completed(total_chunks=3))
        log.info(**events.launch(provider="Gist", spec="a/b/HEAD", status="success"))
    first, second = list(captured)
    assert (first["event_type"], first["schema_version"], first["total_chunks"]) == (
        "stream_completed",
        "1.0.0",
        3,
    )
    newest = Catalog.load(schemas_dir).get("launch").version_text
    assert (second["event_type"], second["schema_version"]) == ("launch", newest)
    assert events.stream_completed.__doc__.startswith("A streaming response completed")


def test_keyword_field_names_and_odd_types(tmp_path: Path) -> None:
    """Fields named like Python keywords use the functional form; types map as declared."""
    root = tmp_path / "schemas"
    (root / "import").mkdir(parents=True)
    (root / "import" / "1.0.0.json").write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "description": 'Quotes """ and a backslash \\ survive.',
                "type": "object",
                "properties": {
                    "from": {"type": "string", "description": "Source."},
                    "sizes": {"type": "array", "items": {"type": "integer"}, "description": "S."},
                    "mode": {"enum": ["a", None], "description": "M."},
                },
                "required": ["from"],
                "additionalProperties": False,
            }
        )
    )
    source = render_module(Catalog.load(root))
    assert '"from": _Required[str],' in source
    assert '"sizes": _NotRequired[_builtins.list[int]],' in source
    assert '_NotRequired[_Literal["a"] | None]' in source
    assert "def import_(**fields: _Unpack[Import]) -> _Fields:" in source
    compiled = compile(source, "odd.py", "exec")
    namespace: dict[str, object] = {}
    exec(compiled, namespace)
    helper = namespace["import_"]
    assert callable(helper)
    assert helper(**{"from": "x"}) == {"event_type": "import", "schema_version": "1", "from": "x"}
