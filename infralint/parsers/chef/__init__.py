"""Chef cookbooks: a resource model read from Ruby source with tree-sitter-ruby (never run).

`parse(source)` decides what a file is from its path (metadata.rb, Berksfile, Policyfile, client
config, recipes/, attributes/, resources/, providers/, definitions/, libraries/) and returns a
`ChefDocument`. Recipe-like files yield `Resource`s: type, name expression, properties (literal
values when literal, dynamic otherwise), guards, actions, notifications, the Ruby construct
(`if`, `case`, an earlier `return`) that decides whether the resource exists, and its span.
Literal-array loops are unrolled; loops over anything else give one resource with dynamic names.

All tree-sitter access goes through `infralint.parsers.ruby`. Walks use explicit stacks, so
deeply nested input cannot exhaust the Python stack.

Modules: `kinds` (file_kind), `values` (Ruby values), `resource_names`, `model` (Resource,
ChefDocument, resource_script), `calls` (reading a call's arguments), `walk` (recipe-like files),
`metadata` (metadata.rb, Berksfile, Policyfile, config), `entry` (parse). This module only
re-exports their public names, so importers keep using `infralint.parsers.chef`; the modules
import one another directly, never through this package (that would be an import cycle).
"""

from __future__ import annotations

from infralint.parsers.chef.entry import parse
from infralint.parsers.chef.kinds import CONFIG_NAMES, DSL_KINDS, RECIPE_DIRS, file_kind
from infralint.parsers.chef.metadata import MAX_BESIDE_BYTES, TEST_COOKBOOK
from infralint.parsers.chef.model import (
    SHELL_INTERPRETERS,
    ChefDocument,
    Dependency,
    Guard,
    NodeWrite,
    Notification,
    Property,
    Resource,
    Setting,
    ShellOut,
    resource_script,
)
from infralint.parsers.chef.resource_names import (
    CONDITIONAL_TYPES,
    DEFERRED_TYPES,
    ITERATORS,
    KNOWN_RESOURCES,
    NODE_WRITE_METHODS,
    NOT_RESOURCES,
    PACKAGE_TYPES_EXTRA,
    SCRIPT_TYPES,
    SHELL_OUT_METHODS,
    SHELL_OUT_METHODS_WITH_RECEIVER,
    SHELL_SCRIPT_TYPES,
    is_package_type,
)
from infralint.parsers.chef.values import (
    DOUBLE_QUOTED_ESCAPES,
    LITERAL_SCALARS,
    MAX_EVAL_DEPTH,
    PLACEHOLDER,
    SINGLE_QUOTED_ESCAPE,
    STRING_IDENTITY_METHODS,
    RubyText,
    Value,
)
from infralint.parsers.chef.walk import EXIT_TYPES, MAX_LOOP_ITEMS, MAX_UNROLLED

__all__ = [
    "CONDITIONAL_TYPES",
    "CONFIG_NAMES",
    "DEFERRED_TYPES",
    "DOUBLE_QUOTED_ESCAPES",
    "DSL_KINDS",
    "EXIT_TYPES",
    "ITERATORS",
    "KNOWN_RESOURCES",
    "LITERAL_SCALARS",
    "MAX_BESIDE_BYTES",
    "MAX_EVAL_DEPTH",
    "MAX_LOOP_ITEMS",
    "MAX_UNROLLED",
    "NODE_WRITE_METHODS",
    "NOT_RESOURCES",
    "PACKAGE_TYPES_EXTRA",
    "PLACEHOLDER",
    "RECIPE_DIRS",
    "SCRIPT_TYPES",
    "SHELL_INTERPRETERS",
    "SHELL_OUT_METHODS",
    "SHELL_OUT_METHODS_WITH_RECEIVER",
    "SHELL_SCRIPT_TYPES",
    "SINGLE_QUOTED_ESCAPE",
    "STRING_IDENTITY_METHODS",
    "TEST_COOKBOOK",
    "ChefDocument",
    "Dependency",
    "Guard",
    "NodeWrite",
    "Notification",
    "Property",
    "Resource",
    "RubyText",
    "Setting",
    "ShellOut",
    "Value",
    "file_kind",
    "is_package_type",
    "parse",
    "resource_script",
]
