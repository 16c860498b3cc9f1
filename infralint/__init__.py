"""infralint: a linter for reproducible, immutable infrastructure."""

__version__ = "0.1.0"
