"""JSON written a piece at a time: the text `json.dumps(document, indent=2, ensure_ascii=False)`
makes, for documents with a long array (a run's findings) that should never be in memory whole.

The document is plain data in which a `Streamed` stands for an array whose items are made as
they are written. Each item is serialized on its own, so the peak is one item, not the report.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring
from typing import Any

from infralint.textsafe import json_text

INDENT = "  "


class Streamed:
    """An array of a document whose items come from `items`, read once, when it is written."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def document_chunks(document: Any) -> Iterator[str]:
    """The document's JSON text (safe for a terminal, as `json_text` makes it), ending in a
    newline, in pieces."""
    for piece in _value(document, 0):
        yield json_text(piece)
    yield "\n"


def _value(value: Any, level: int) -> Iterator[str]:
    if isinstance(value, Streamed):
        yield from _array(value.items, level)
    elif isinstance(value, dict) and value and _streams(value):
        yield from _object(value, level)
    elif isinstance(value, list | tuple) and value and _streams(value):
        yield from _array(value, level)
    else:
        yield _dumps(value, level)


def _streams(value: Any) -> bool:
    """Whether a Streamed is somewhere in `value` (a container of plain data otherwise)."""
    if isinstance(value, Streamed):
        return True
    if isinstance(value, dict):
        return any(_streams(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_streams(item) for item in value)
    return False


def _object(value: dict[str, Any], level: int) -> Iterator[str]:
    inner = "\n" + INDENT * (level + 1)
    separator = "{" + inner
    for key, item in value.items():
        yield separator + json.dumps(key, ensure_ascii=False) + ": "
        yield from _value(item, level + 1)
        separator = "," + inner
    yield "\n" + INDENT * level + "}"


def _array(items: Iterable[Any], level: int) -> Iterator[str]:
    inner = "\n" + INDENT * (level + 1)
    separator = "[" + inner
    for item in items:
        yield separator
        yield from _value(item, level + 1)
        separator = "," + inner
    # json.dumps writes an empty array as `[]`, on one line.
    yield "[]" if separator.startswith("[") else "\n" + INDENT * level + "]"


def _dumps(value: Any, level: int) -> str:
    """`value` (plain data, string keys) as json.dumps with the indent writes it at `level`.

    Written here rather than with json.dumps: with an indent, json.dumps runs its pure-Python
    encoder, whose closures leave cyclic garbage at every call, one call per finding here."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + INDENT * (level + 1)
        items = (f"{_string(key)}: {_dumps(item, level + 1)}" for key, item in value.items())
        return "{" + inner + ("," + inner).join(items) + "\n" + INDENT * level + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = "\n" + INDENT * (level + 1)
        items = (_dumps(item, level + 1) for item in value)
        return "[" + inner + ("," + inner).join(items) + "\n" + INDENT * level + "]"
    return _scalar(value)


def _string(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"JSON object keys here are strings, not {type(key).__name__}")
    return encode_basestring(key)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        # json's own spelling of infinities; finite ones as repr (1e+100).
        return float.__repr__(value) if math.isfinite(value) else _NUMBERS.encode(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_NUMBERS = json.JSONEncoder()
