"""The docs site's sources (infralint/site.py). The strict MkDocs build itself is the nox `docs`
session, which .ci/run runs; these tests check what the build is given."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infralint.catalog import load_catalog
from infralint.examples import parse_examples
from infralint.expect_markers import has_expect_marker
from infralint.links import REPOSITORY_URL, rule_page
from infralint.site import PEERS_PAGE, repository_ref, rewrite_links, write_sources
from tests.conftest import REPO

CATALOG = load_catalog()
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    destination = tmp_path_factory.mktemp("site-src")
    write_sources(REPO, CATALOG, destination)
    return destination


def test_one_page_per_rule_where_rule_links_point(sources: Path) -> None:
    for rule in CATALOG:
        page = sources / (rule_page(rule.code).rstrip("/") + ".md")
        assert page.is_file(), rule.code
        assert page.read_text(encoding="utf-8").startswith(f"# {rule.code}")


def test_no_marker_reaches_the_site(sources: Path) -> None:
    # contributing.md is the one page that teaches the marker format to rule authors.
    pages = [page for page in sources.rglob("*.md") if page.name != "contributing.md"]
    leaks = [page for page in pages if has_expect_marker(page.read_text(encoding="utf-8"))]
    assert not leaks


def test_examples_are_labelled_flagged_or_accepted(sources: Path) -> None:
    for code in ("DF104", "DC401", "CB101"):
        rule = CATALOG.get(code)
        assert rule is not None
        page = (sources / "rules" / f"{code}.md").read_text(encoding="utf-8")
        files = [f for example in parse_examples(rule.document) for f in example.files]
        flagged = sum(
            f"expect: {code}" in f.text or f"expect-file: {code}" in f.text for f in files
        )
        assert page.count(f'!!! failure "Flagged by {code}"') == flagged > 0
        assert page.count('!!! success "Accepted"') == len(files) - flagged


def test_every_relative_link_resolves_to_a_page(sources: Path) -> None:
    pages = sorted(sources.rglob("*.md"))
    assert len(pages) > len(list(CATALOG))
    for page in pages:
        text = FENCE.sub("", page.read_text(encoding="utf-8"))
        for target in LINK.findall(text):
            if target.startswith(("#", "http://", "https://", "mailto:")):
                continue
            path = target.split("#", 1)[0]
            assert (page.parent / path).resolve().is_file(), f"{page.name}: {target}"


def test_links_are_rewritten_for_the_site() -> None:
    pages = {"README.md": "index.md", "docs/RULES.md": "rules/index.md"}
    readme = "[DF104](rules/DF104.md) [ref](docs/RULES.md#dockerfile) [c](CONTRIBUTING.md) [a](#x)"
    assert rewrite_links(readme, "README.md", "index.md", pages) == (
        f"[DF104](rules/DF104.md) [ref](rules/index.md#dockerfile) "
        f"[c]({REPOSITORY_URL}/blob/{repository_ref()}/CONTRIBUTING.md) [a](#x)"
    )
    reference = "[DF104](../rules/DF104.md) [home](../README.md)"
    assert rewrite_links(reference, "docs/RULES.md", "rules/index.md", pages) == (
        "[DF104](DF104.md) [home](../index.md)"
    )
    code = "```md\n[x](rules/DF104.md)\n```\n"
    assert rewrite_links(code, "README.md", "index.md", pages) == code


def test_peer_tables(sources: Path) -> None:
    peers = (sources / PEERS_PAGE).read_text(encoding="utf-8")
    assert "## hadolint" in peers
    assert re.search(r"^\| `DL3008` \| .*\[DF104\]\(rules/DF104\.md\)", peers, re.M)


def test_mkdocs_config_is_strict() -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^strict: true$", config, re.M)
    for check in ("unrecognized_links", "anchors", "not_found"):
        assert re.search(rf"^  {check}: warn$", config, re.M), check
    assert "docs_dir: build/site-src" in config
