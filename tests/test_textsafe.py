"""textsafe: hostile text is shown, not obeyed, in human-readable output."""

from __future__ import annotations

import json

import pytest

from infralint.textsafe import BRIEF_LIMIT, brief_repr, json_text, visible


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain café ünï 中文", "plain café ünï 中文"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"),
        ("\x00\x7f\x85\x9b", "\\x00\\x7f\\x85\\x9b"),
        ("\u202etxt.exe\u2066\u2069\u200f", "\\u202etxt.exe\\u2066\\u2069\\u200f"),
        ("line\u2028sep", "line\\u2028sep"),
        ("caf\udce9 \udc9b", "caf\udce9 \\x9b"),  # an undecodable 0x9b byte would be a raw C1
    ],
)
def test_visible_escapes_controls_bidi_and_separators(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_visible_keeps_what_the_format_carries_itself() -> None:
    assert visible("a\r\nb\x1b", keep="\r\n") == "a\r\nb\\x1b"
    assert visible(visible("a\nb\x1b")) == visible("a\nb\x1b")


def test_brief_repr_is_short_even_for_an_exponential_value() -> None:
    value: list[object] = ["x"] * 10
    for _ in range(30):  # 10**30 leaves when written out in full
        value = [value] * 10
    assert len(brief_repr(value)) <= BRIEF_LIMIT
    assert brief_repr("fatal") == "'fatal'"
    assert brief_repr("\x1b[2J" * 100).startswith("'\\x1b[2J")


def test_json_text_escapes_without_changing_the_value() -> None:
    value = {"path": "c1\x85 bidi\u202e caf\udce9", "plain": "ünï"}
    serialized = json_text(json.dumps(value, ensure_ascii=False))
    assert "\x85" not in serialized and "\u202e" not in serialized and "ünï" in serialized
    assert serialized.encode("utf-8")  # no lone surrogate left
    assert json.loads(serialized) == value
