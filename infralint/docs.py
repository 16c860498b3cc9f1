"""Generated documentation: the README's rule tables and docs/RULES.md, from rules/*.md."""

from __future__ import annotations

import re
from pathlib import Path

from infralint.catalog import CONCERNS, INDEX_NAME, Catalog, Rule, index_text

LANGUAGE_TITLES = {
    "dockerfile": "Dockerfile",
    "compose": "Compose",
    "chef": "Chef",
    "python": "Python",
    "engine": "Engine",
}
START, END = "<!-- rules:start -->", "<!-- rules:end -->"
PEER_START, PEER_END = "<!-- hadolint:start -->", "<!-- hadolint:end -->"


def _state(rule: Rule) -> str:
    return rule.severity.value if rule.enabled else f"off ({rule.severity.value})"


def rules_table(catalog: Catalog) -> str:
    out: list[str] = []
    for language, title in LANGUAGE_TITLES.items():
        rules = [rule for rule in catalog if rule.language == language]
        if not rules:
            continue
        out += [
            f"#### {title}",
            "",
            "| code | name | default | concern | fix |",
            "|---|---|---|---|---|",
        ]
        for rule in rules:
            link = f"[{rule.code}](rules/{rule.code}.md)"
            out.append(f"| {link} | {rule.name} | {_state(rule)} | {rule.concern} | {rule.fix} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def hadolint_table(catalog: Catalog) -> str:
    mapping = catalog.peer_map("hadolint")
    out = ["| hadolint | infralint |", "|---|---|"]
    out.extend(f"| {peer} | {', '.join(sorted(mapping[peer]))} |" for peer in sorted(mapping))
    return "\n".join(out) + "\n"


def peer_table(catalog: Catalog, tool: str) -> str:
    """Every check of `tool` -> the rules that cover it, or why none does."""
    from infralint.peers import PEER_TABLES

    title, checks, not_ported = PEER_TABLES[tool]
    mapping = catalog.peer_map(tool)
    out = [f"| {title} | infralint |", "|---|---|"]
    for name in checks:
        if name in mapping:
            out.append(f"| {name} | {', '.join(sorted(mapping[name]))} |")
        else:
            out.append(f"| {name} | not ported: {not_ported.get(name, 'no rule yet')} |")
    return "\n".join(out) + "\n"


def _replace_between(text: str, start: str, end: str, body: str) -> str:
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    return pattern.sub(lambda _m: f"{start}\n{body}{end}", text)


def render_readme(readme: str, catalog: Catalog) -> str:
    text = _replace_between(readme, START, END, rules_table(catalog))
    text = _replace_between(text, PEER_START, PEER_END, hadolint_table(catalog))
    for tool in ("buildkit", "dclint"):
        start, end = f"<!-- {tool}:start -->", f"<!-- {tool}:end -->"
        text = _replace_between(text, start, end, peer_table(catalog, tool))
    return text


def render_rules_reference(catalog: Catalog) -> str:
    """docs/RULES.md: every rule, grouped by language and concern."""
    out = [
        "# infralint rules",
        "",
        "Generated from `rules/*.md` by `python tools/gen_docs.py`.",
        "",
    ]
    for language, title in LANGUAGE_TITLES.items():
        rules = [rule for rule in catalog if rule.language == language]
        if not rules:
            continue
        out += [f"## {title}", ""]
        for concern in CONCERNS.values():
            group = [rule for rule in rules if rule.concern == concern]
            if not group:
                continue
            out += [f"### {concern}", ""]
            for rule in group:
                out.append(
                    f"- [{rule.code}](../rules/{rule.code}.md) `{rule.name}` ({_state(rule)}): "
                    f"{rule.summary}"
                )
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def regenerate(repo: Path, catalog: Catalog) -> list[Path]:
    """Rewrite the generated files; return those that changed."""
    changed = []
    readme = repo / "README.md"
    new_readme = render_readme(readme.read_text(encoding="utf-8"), catalog)
    if new_readme != readme.read_text(encoding="utf-8"):
        readme.write_text(new_readme, encoding="utf-8")
        changed.append(readme)
    reference = repo / "docs" / "RULES.md"
    new_reference = render_rules_reference(catalog)
    if not reference.exists() or reference.read_text(encoding="utf-8") != new_reference:
        reference.parent.mkdir(exist_ok=True)
        reference.write_text(new_reference, encoding="utf-8")
        changed.append(reference)
    index = repo / "rules" / INDEX_NAME
    new_index = index_text(catalog)
    if not index.exists() or index.read_text(encoding="utf-8") != new_index:
        index.write_text(new_index, encoding="utf-8")
        changed.append(index)
    return changed
