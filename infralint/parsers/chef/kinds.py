"""What a cookbook file is, from its path alone."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

# --------------------------------------------------------------------------- file kinds

RECIPE_DIRS = {
    "recipes": "recipe",
    "attributes": "attributes",
    "resources": "resource",
    "providers": "provider",
    "definitions": "definition",
    "libraries": "library",
}
CONFIG_NAMES = {"client.rb", "solo.rb", "config.rb", "knife.rb"}
# Kinds whose Ruby is recipe DSL (resources are recognised there).
DSL_KINDS = {"recipe", "attributes", "resource", "provider", "definition"}


def file_kind(path: PurePosixPath | Path) -> str:
    """What a cookbook file is, from its path alone."""
    name = path.name
    parts = [part.lower() for part in path.parts[:-1]]
    if name == "metadata.rb":
        return "metadata"
    if name == "Berksfile":
        return "berksfile"
    if name == "Berksfile.lock":
        return "berksfile-lock"
    if name == "Policyfile.rb" or (
        name.endswith(".rb") and parts and parts[-1] in ("policyfiles", "policies")
    ):
        return "policyfile"
    if name.endswith(".lock.json"):
        return "policyfile-lock"
    if name in CONFIG_NAMES and (not parts or parts[-1] in (".chef", "chef", "config")):
        return "config"
    if name in CONFIG_NAMES and not any(part in RECIPE_DIRS for part in parts):
        return "config"
    if "spec" in parts or "integration" in parts:
        return "ruby"  # ChefSpec and InSpec tests: plain Ruby
    if parts and parts[-1] in RECIPE_DIRS:
        return RECIPE_DIRS[parts[-1]]
    # Nested folders under recipes/ or libraries/ (recipes/sub/x.rb) keep the kind.
    for part in reversed(parts):
        if part in RECIPE_DIRS:
            return RECIPE_DIRS[part]
    return "ruby"
