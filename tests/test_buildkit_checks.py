"""BuildKit's checks as DF rules: the `# check=` directive and the hard cases of each rule."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from infralint.model import Severity
from tests.helpers import lint_directory, run_check

MIXED = "FROM alpine:3.20 as base\nrun echo hi\nRUN echo a\nRUN echo b\n"


def _lint(tmp_path: Path, text: str) -> list[tuple[str, int, Severity]]:
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    result = lint_directory(tmp_path, select=["DF521", "DF522", "DF523", "DF530"])
    return [(f.code, f.span.line, f.severity) for f in result.findings]


def test_without_directive_the_peer_rules_report(tmp_path: Path) -> None:
    assert [code for code, _, _ in _lint(tmp_path, MIXED)] == ["DF522", "DF523"]


def test_check_skip_suppresses_the_peer_rules(tmp_path: Path) -> None:
    text = "# check=skip=FromAsCasing\n" + MIXED
    assert [code for code, _, _ in _lint(tmp_path, text)] == ["DF523"]
    text = "# syntax=docker/dockerfile:1\n#check = skip=fromascasing,ConsistentInstructionCasing\n"
    assert _lint(tmp_path, text + MIXED) == []
    assert _lint(tmp_path, "# check=skip=all\n" + MIXED) == []


def test_check_directive_only_counts_in_the_directive_block(tmp_path: Path) -> None:
    text = "# a comment ends the directives\n# check=skip=all\n" + MIXED
    assert [code for code, _, _ in _lint(tmp_path, text)] == ["DF522", "DF523"]


def test_check_error_true_raises_the_peer_rules_to_errors(tmp_path: Path) -> None:
    found = _lint(tmp_path, "# check=skip=FromAsCasing;error=true\n" + MIXED)
    assert found == [("DF523", 3, Severity.ERROR)]
    found = _lint(tmp_path, "# check=error=false\n" + MIXED)
    assert {severity for _, _, severity in found} == {Severity.NOTE}


def test_stage_name_casing_fix_lowercases_only_the_name() -> None:
    (violation,) = run_check("DF521", "FROM alpine:3.20 AS Build_Stage\n")
    assert violation.fix is not None and violation.fix.replacement == "build_stage"
    assert (violation.span.column, violation.span.end_column) == (21, 32)


def test_from_as_casing_leaves_mixed_case_from_to_df523() -> None:
    assert run_check("DF522", "From alpine:3.20 as base\n") == []
    assert run_check("DF522", "FROM alpine:3.20\n") == []


def test_instruction_casing_tie_counts_as_upper_case() -> None:
    (violation,) = run_check("DF523", "from alpine:3.20\nRUN true\n")
    assert violation.span.line == 1 and "upper case ('FROM')" in violation.message


def test_empty_continuation_counts_only_blank_lines_between_pieces() -> None:
    text = "FROM alpine:3.20\nRUN a \\\n\n   \n  b \\\n  # note\n  c\n\nRUN d \\\n"
    (violation,) = run_check("DF524", text)
    assert violation.span.line == 3 and "(and 1 more)" in violation.message
    assert run_check("DF524", "FROM alpine:3.20\nRUN a \\\n  b\n\nRUN c\n") == []


def test_empty_continuation_under_backtick_escape() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN a `\n\n  b\n"
    assert [v.span.line for v in run_check("DF524", text)] == [4]


def test_legacy_key_value_fix_quotes_values_with_spaces() -> None:
    (violation,) = run_check("DF528", "FROM alpine:3.20\nENV GREETING hello  world\n")
    assert violation.fix is not None
    assert violation.fix.replacement == 'GREETING="hello  world"'
    (violation,) = run_check("DF528", 'FROM alpine:3.20\nLABEL quoted "a b"\n')
    assert violation.fix is None


def test_arg_with_two_valid_names_is_not_legacy() -> None:
    assert run_check("DF528", "ARG A B\nFROM alpine:3.20\nARG C=1 D\n") == []


def test_expose_protocol_casing_fix() -> None:
    (violation,) = run_check("DF530", "FROM nginx:1.27.0\nEXPOSE 8000-8010/TCP\n")
    assert violation.fix is not None and violation.fix.replacement == "8000-8010/tcp"
    assert run_check("DF530", "FROM nginx:1.27.0\nEXPOSE $PORT/tcp 80\n") == []


def test_variable_uses_skip_quotes_escapes_and_template_syntax() -> None:
    from infralint.checks.dockerfile._common import variable_uses

    uses = variable_uses("a-$A '$B' \"$C\" \\$D ${E:-x} ${F:+y} ${G:imageVariant} $1 ${H}")
    assert [(u.name, u.has_default, u.conditional) for u in uses] == [
        ("A", False, False),
        ("C", False, False),
        ("E", True, False),
        ("F", False, True),
        ("H", False, False),
    ]


def test_undefined_variable_inherits_through_stages_and_skips_run() -> None:
    text = (
        "FROM alpine:3.20 AS base\nENV APP=/srv\nFROM base\nWORKDIR $APP\nRUN echo $NOPE\n"
        "FROM scratch AS final\nCOPY --chown=$UID:0 --from=base /srv /srv\n"
    )
    (violation,) = run_check("DF525", text)
    assert violation.span.line == 7 and "$UID is not defined" in violation.message


def test_undefined_arg_in_from_checks_the_platform_flag() -> None:
    (violation,) = run_check("DF526", "FROM --platform=$PLATFORM alpine:3.20\n")
    assert violation.span.line == 1 and "$PLATFORM" in violation.message
    assert run_check("DF526", "ARG P\nFROM --platform=$P alpine:3.20\n") == []


def test_invalid_default_arg_accepts_stage_names_and_digests() -> None:
    text = "ARG STAGE\nFROM alpine:3.20 AS base\nFROM base${STAGE}\n"
    assert run_check("DF527", text) == []
    digest = "sha256:" + "a" * 64
    assert run_check("DF527", f"ARG T\nFROM alpine${{T}}@{digest}\n") == []
    assert len(run_check("DF527", "ARG T\nFROM Alpine:$T\n")) == 1


def test_dockerignore_matching_is_anchored_and_covers_parents() -> None:
    from infralint.dockerignore import excluded_by

    assert excluded_by(("node_modules",), "node_modules/x/y.js") == "node_modules"
    assert excluded_by(("node_modules",), "web/node_modules") is None
    assert excluded_by(("**/node_modules",), "web/node_modules/a") == "**/node_modules"
    assert excluded_by(("/build/*.o",), "./build/main.o") == "/build/*.o"
    assert excluded_by(("*.md",), "docs/a.md") is None
    assert excluded_by(("**/**/**/**/x",), "a" * 5000 + "/y") is None
    assert excluded_by(("[abc",), "a") is None


def test_copy_ignored_file_uses_the_dockerfile_specific_ignore_file(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("src\n", encoding="utf-8")
    (tmp_path / "Dockerfile.dockerignore").write_text("secrets\n", encoding="utf-8")
    text = "FROM alpine:3.20\nCOPY src /src\nCOPY secrets/key /k\nCOPY *.txt /t/\n"
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    result = lint_directory(tmp_path, select=["DF529"])
    assert [(f.span.line, f.message.split(" of ")[-1]) for f in result.findings] == [
        (3, "Dockerfile.dockerignore: it is not in the build context")
    ]


def test_copy_ignored_file_skips_ignore_files_with_exceptions(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("dist\n!dist/app.js\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nCOPY dist/app.js /\n")
    assert lint_directory(tmp_path, select=["DF529"]).findings == []


def _scaling(code: str, build: Callable[[int], str], n: int, **kwargs: Any) -> None:
    def timed(size: int) -> float:
        text = build(size)
        best = float("inf")
        for _ in range(3):  # best of three: the machine is shared
            start = time.perf_counter()
            run_check(code, text, **kwargs)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = timed(n), timed(2 * n)
    assert large <= 2.6 * small + 0.25, (code, small, large)


SCALING = {
    "DF523": (lambda n: "FROM alpine:3.20\n" + "run true\nRUN true\n" * n, 4000),
    "DF524": (lambda n: "FROM alpine:3.20\nRUN a \\\n" + "\n  b \\\n" * n + "  c\n", 8000),
    "DF525": (
        lambda n: (
            "FROM alpine:3.20 AS s0\n"
            + "".join(f"FROM s{i} AS s{i + 1}\nENV V{i}=1\nCOPY $W{i} /\n" for i in range(n))
        ),
        2000,
    ),
    "DF526": (
        lambda n: (
            "".join(f"ARG A{i}=1\n" for i in range(n))
            + "".join(f"FROM alpine:$B{i}\n" for i in range(n))
        ),
        2000,
    ),
    "DF528": (lambda n: "FROM alpine:3.20\nARG " + " 1.0" * n + "\n", 8000),
}


@pytest.mark.slow
@pytest.mark.parametrize("code", sorted(SCALING))
def test_new_rules_scale_linearly(code: str) -> None:
    build, n = SCALING[code]
    _scaling(code, build, n)


@pytest.mark.slow
def test_copy_ignored_file_scales_with_sources_and_patterns(tmp_path: Path) -> None:
    from infralint.project import Project

    dockerfile = tmp_path / "Dockerfile"
    project = Project(tmp_path)
    project.dockerignores[str(tmp_path / ".dockerignore")] = tuple(
        f"dir{i}/**/*.tmp" for i in range(2000)
    )

    def build(n: int) -> str:
        return "FROM alpine:3.20\n" + "".join(f"COPY src/a{i}/b/c.txt /x/\n" for i in range(n))

    _scaling("DF529", build, 1000, project=project, path=dockerfile)
