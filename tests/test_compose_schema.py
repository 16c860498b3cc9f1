"""The compose-spec schema is bundled; a schema that cannot be loaded fails the run loudly."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from infralint.model import Severity
from infralint.parsers import compose_schema
from tests.conftest import REPO
from tests.helpers import codes, lint_directory


@pytest.fixture
def fresh_validators() -> Iterator[None]:
    compose_schema._validators.cache_clear()
    yield
    compose_schema._validators.cache_clear()


def test_the_schema_is_bundled_and_noted() -> None:
    import jsonschema

    path = compose_schema.schema_path()
    assert path.is_relative_to(REPO / "infralint")
    raw = path.read_bytes()
    schema = json.loads(raw)
    jsonschema.validators.validator_for(schema).check_schema(schema)
    note = (path.parent / "README.md").read_text()
    assert hashlib.sha256(raw).hexdigest() in note, "README.md must name the bundled file's hash"
    assert "Apache" in note
    assert "Apache License" in (path.parent / "LICENSE-compose-spec").read_text()


def test_check_jsonschema_is_no_dependency() -> None:
    pyproject = (REPO / "pyproject.toml").read_text()
    assert not re.search(r"check-jsonschema", pyproject)
    assert "check_jsonschema" not in compose_schema.__loader__.get_source(  # type: ignore[union-attr]
        compose_schema.__name__
    )


@pytest.mark.parametrize("content", [None, b"{not json", b"[1, 2]"])
def test_an_unloadable_schema_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_validators: None, content: bytes | None
) -> None:
    broken = tmp_path / "schema" / "compose-spec.json"
    if content is not None:
        broken.parent.mkdir()
        broken.write_bytes(content)
    monkeypatch.setattr(compose_schema, "SCHEMA_FILE", broken)
    project = tmp_path / "p"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27.0\n")
    result = lint_directory(project, select=["DC501", "IL001"])
    assert codes(result.findings) == ["IL001"]
    message = result.findings[0].message
    assert "DC501" in message
    assert "compose schema" in message
    assert result.findings[0].severity.rank >= Severity.WARNING.rank  # fails the default --fail-on


def test_the_bundled_schema_still_finds_problems(fresh_validators: None, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27.0\n    x: 1\n")
    result = lint_directory(tmp_path, select=["DC501"])
    assert [(f.code, f.span.line) for f in result.findings] == [("DC501", 4)]
