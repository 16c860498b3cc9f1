"""Refresh the bundled compose-spec JSON schema (infralint/schemas/compose-spec.json).

    python tools/update_compose_schema.py [REF]

REF is a commit, tag or branch of github.com/compose-spec/compose-spec (default: main); pass a
commit so the source note names exactly what was bundled. The file is checked before it replaces
the bundled one: it must be JSON, a valid draft 2020-12 schema, and accept a minimal compose
file. infralint/schemas/README.md is rewritten with the source, the ref and the SHA-256. Run
the test suite afterwards: DC501's examples and tests/test_compose_parser.py show what changed.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "infralint" / "schemas" / "compose-spec.json"
NOTE = REPO / "infralint" / "schemas" / "README.md"
URL = "https://raw.githubusercontent.com/compose-spec/compose-spec/{ref}/schema/compose-spec.json"
MAX_BYTES = 2_000_000  # the schema is about 90 KB


def check(raw: bytes) -> None:
    import jsonschema  # type: ignore[import-untyped]

    schema = json.loads(raw)
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    errors = list(validator(schema).iter_errors({"services": {"web": {"image": "nginx"}}}))
    if errors:
        raise SystemExit(f"the new schema rejects a minimal compose file: {errors[0].message}")


def note(ref: str, url: str, digest: str) -> str:
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    return f"""# Bundled schemas

`compose-spec.json` is the Compose Specification's JSON schema, which DC501 validates compose
files against. It is bundled so that validation needs no other package and no network.

- Source: {url}
- Upstream ref: {ref}
- SHA-256: {digest}
- Fetched: {today}
- Licence: Apache License 2.0, copyright the compose-spec authors (`LICENSE-compose-spec`)

Refresh it with `python tools/update_compose_schema.py COMMIT`; never edit it by hand.
"""


def main(argv: list[str]) -> int:
    ref = argv[0] if argv else "main"
    url = URL.format(ref=ref)
    with urllib.request.urlopen(url, timeout=60) as response:
        raw = response.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise SystemExit(f"{url}: larger than {MAX_BYTES} bytes; not a schema")
    check(raw)
    digest = hashlib.sha256(raw).hexdigest()
    if TARGET.is_file() and TARGET.read_bytes() == raw:
        print(f"{TARGET.relative_to(REPO)} is already {ref} ({digest})")
        return 0
    TARGET.write_bytes(raw)
    NOTE.write_text(note(ref, url, digest), encoding="utf-8")
    print(f"updated {TARGET.relative_to(REPO)} to {ref} ({digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
