"""The docs site's Markdown sources, generated from rules/*.md, README.md and docs/.

tools/build_site.py writes them to build/site-src and has MkDocs (Material theme) build the site
in strict mode. Every rule gets a page: its metadata, then its document as users read it (no
`# expect:` markers), with each example labelled as flagged or accepted. Relative links are
rewritten for the site: a link to a page the site has becomes a link to that page, a link to
any other file of the repository becomes a link to that file on GitHub, at the release tag.
"""

from __future__ import annotations

import re
from pathlib import Path

from infralint import __version__
from infralint.catalog import Catalog, Rule, split_front_matter
from infralint.docs import LANGUAGE_TITLES, render_rules_reference
from infralint.expect_markers import EXPECT, EXPECT_ITEM, strip_expect_markers
from infralint.links import REPOSITORY_URL, docs_version, rule_page

# Repository file -> site page, for the files that become pages (rules are added per rule).
PAGES = {
    "README.md": "index.md",
    "docs/RULES.md": "rules/index.md",
    "docs/interfaces.md": "interfaces.md",
    "CHANGELOG.md": "changelog.md",
    "RELEASING.md": "releasing.md",
    "SECURITY.md": "security.md",
    "CONTRIBUTING.md": "contributing.md",
}
PEERS_PAGE = "peers.md"
_FENCE = re.compile(
    r"^(?P<ticks>`{3,})(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=ticks)[ \t]*$", re.M | re.S
)
_LINK = re.compile(r"(?P<head>!?\[[^\]\n]*\]\()(?P<target>[^)\s]+)(?P<tail>[^)\n]*\))")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def repository_ref(version: str = __version__) -> str:
    """The git ref whose files the site links to: the release tag, or main."""
    return f"v{version}" if docs_version(version) == version else "main"


def _relative(target: str, start: str) -> str:
    """`target` (site path) as seen from the page `start` (site path)."""
    target_parts = target.split("/")
    start_parts = start.split("/")[:-1]
    common = 0
    while (
        common < min(len(target_parts) - 1, len(start_parts))
        and target_parts[common] == start_parts[common]
    ):
        common += 1
    return "/".join([".."] * (len(start_parts) - common) + target_parts[common:])


def _normalise(path: str) -> str | None:
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def site_target(repo_path: str, pages: dict[str, str]) -> str | None:
    """The site page a repository path is published as, if any."""
    if repo_path in pages:
        return pages[repo_path]
    match = re.fullmatch(r"rules/([A-Z]{2}\d{3})\.md", repo_path)
    return f"rules/{match.group(1)}.md" if match else None


def rewrite_links(markdown: str, source: str, page: str, pages: dict[str, str]) -> str:
    """Rewrite the relative links of `markdown` (the repository file `source`) for `page`."""

    def rewrite(match: re.Match[str]) -> str:
        target = match.group("target")
        if target.startswith("#") or _SCHEME.match(target) or target.startswith("/"):
            return match.group(0)
        path, _, anchor = target.partition("#")
        base = source.rsplit("/", 1)[0] if "/" in source else ""
        resolved = _normalise(f"{base}/{path}" if base else path)
        if resolved is None:
            return match.group(0)
        published = site_target(resolved, pages)
        if published is not None:
            new = _relative(published, page)
        else:
            new = f"{REPOSITORY_URL}/blob/{repository_ref()}/{resolved}"
        return f"{match.group('head')}{new}{'#' + anchor if anchor else ''}{match.group('tail')}"

    out = []
    last = 0
    for fence in _FENCE.finditer(markdown):  # links inside code blocks are code, not links
        out.append(_LINK.sub(rewrite, markdown[last : fence.start()]))
        out.append(fence.group(0))
        last = fence.end()
    out.append(_LINK.sub(rewrite, markdown[last:]))
    return "".join(out)


# --------------------------------------------------------------------------- rule pages


def _flagged_codes(body: str) -> set[str]:
    return {
        item.group("code")
        for marker in EXPECT.finditer(body)
        for item in EXPECT_ITEM.finditer(marker.group("codes"))
    }


def render_example(info: str, body: str, code: str) -> str:
    """One example block, labelled: flagged by `code`, accepted, or a configuration."""
    words = info.split()
    language = words[0] if words else ""
    attributes = dict(word.split("=", 1) for word in words[1:] if "=" in word)
    title = attributes.get("path", "")
    fence_info = language + (f' title="{title}"' if title else "")
    clean = strip_expect_markers(body)
    block = f"```{fence_info}\n{clean}```"
    if language == "toml" and "config" in words[1:]:
        kind, label = "info", "With this configuration"
    elif code in _flagged_codes(body):
        kind, label = "failure", f"Flagged by {code}"
    elif language in {"dockerfile", "yaml", "ruby", "python", "text", "json"}:
        kind, label = "success", "Accepted"
    else:
        return block
    indented = "\n".join(f"    {line}" if line else "" for line in block.splitlines())
    return f'!!! {kind} "{label}"\n\n{indented}\n'


def render_examples(section: str, code: str) -> str:
    return _FENCE.sub(
        lambda match: render_example(match.group("info"), match.group("body"), code), section
    )


def _metadata(rule: Rule) -> str:
    state = rule.severity.value if rule.enabled else f"off by default ({rule.severity.value})"
    rows = [
        ("Code", f"`{rule.code}`"),
        ("Name", f"`{rule.name}`"),
        ("Language", LANGUAGE_TITLES.get(rule.language, rule.language)),
        ("Default", state),
        ("Concern", rule.concern),
        ("Fix", rule.fix),
        ("Precision", rule.precision),
        ("Since", rule.since),
    ]
    if rule.presets:
        rows.append(("Presets", ", ".join(rule.presets)))
    for tool, codes in rule.peers.items():
        rows.append((f"{tool}", ", ".join(f"`{c}`" for c in codes)))
    lines = ["| | |", "|---|---|", *(f"| {key} | {value} |" for key, value in rows)]
    if rule.options:
        lines += ["", "**Options** (`[tool.infralint.rules." + rule.code + "]`)", ""]
        lines += ["| option | type | default | meaning |", "|---|---|---|---|"]
        for option in rule.options.values():
            default = f"`{option.default!r}`" if option.default is not None else ""
            lines.append(f"| `{option.name}` | {option.type} | {default} | {option.description} |")
    return "\n".join(lines)


def render_rule_page(rule: Rule, pages: dict[str, str]) -> str:
    document = split_front_matter(rule.path.read_text(encoding="utf-8"))[1].strip() + "\n"
    heading, _, rest = document.partition("\n")
    if not heading.startswith("# "):
        heading, rest = f"# {rule.code} {rule.name}", document
    rest = re.sub(
        r"(^## Examples\s*\n)(.*?)(?=^## |\Z)",
        lambda match: match.group(1) + render_examples(match.group(2), rule.code),
        rest,
        flags=re.M | re.S,
    )
    page = f"{heading}\n\n{rule.summary}.\n\n{_metadata(rule)}\n{rest}"
    page = strip_expect_markers(page)  # a marker outside ## Examples must not leak either
    source = f"rules/{rule.code}.md"
    return rewrite_links(page, source, rule_page(rule.code).rstrip("/") + ".md", pages)


def render_peers_page(catalog: Catalog) -> str:
    tools = sorted({tool for rule in catalog for tool in rule.peers})
    out = [
        "# Peer tools",
        "",
        "The rules of other linters that an infralint rule covers. Their suppression comments and",
        "configuration name these codes; infralint honours them through this table.",
        "",
    ]
    for tool in tools:
        mapping = catalog.peer_map(tool)
        out += [f"## {tool}", "", f"| {tool} | infralint |", "|---|---|"]
        for peer in sorted(mapping):
            links = ", ".join(f"[{code}](rules/{code}.md)" for code in sorted(mapping[peer]))
            out.append(f"| `{peer}` | {links} |")
        out.append("")
    return "\n".join(out)


def write_sources(repo: Path, catalog: Catalog, destination: Path) -> list[Path]:
    """Write the site's Markdown sources under `destination`; return the files written."""
    pages = {name: page for name, page in PAGES.items() if (repo / name).is_file()}
    for extra in sorted((repo / "docs").glob("*.md")):
        name = f"docs/{extra.name}"
        pages.setdefault(name, extra.name.lower())
    written: list[Path] = []

    def write(page: str, text: str) -> None:
        path = destination / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    for source, page in pages.items():
        if source == "docs/RULES.md":
            text = render_rules_reference(catalog)  # always the catalog's, never a stale file
        else:
            text = (repo / source).read_text(encoding="utf-8")
        write(page, rewrite_links(text, source, page, pages))
    for rule in catalog:
        write(f"rules/{rule.code}.md", render_rule_page(rule, pages))
    write(PEERS_PAGE, render_peers_page(catalog))
    return written
