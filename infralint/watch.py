"""`infralint check --watch`: check, then check again whenever a file under the paths changes.

File events come from the `watchfiles` package (the `watch` extra), imported only here. Each
round is a normal run: it reads the config again (an edited config takes effect) and uses the
cache, so only the files that changed are checked again. What a run writes itself (the cache,
report files, their temporary names) is not a change to react to.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from infralint.check_command import CheckOptions, UsageError, fail, parse_outputs, warn

EXIT_INTERRUPTED = 130
WAKE_UP_MS = 300  # how often an idle watcher wakes; bounds the wait for the first round
CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H"  # clear, drop the scrollback, cursor home
# writer.temporary_name: `.NAME.PID.HEX.tmp`
TEMPORARY_FILE = r"^\..+\.\d+\.[0-9a-f]{16}\.tmp$"


def watch(options: CheckOptions, check_once: Callable[[CheckOptions], int]) -> int:
    """Run `check_once` now and after every change, until interrupted (exit status 130)."""
    try:
        import watchfiles
    except ImportError:
        fail("--watch needs the watchfiles package: pip install 'infralint[watch]'")
    targets = options.paths or ["."]
    if "-" in targets:
        fail("--watch cannot watch standard input")
    # Absolute and normalised, as the ignored report paths are: events name paths the way the
    # watched path was written (`./report.json` under `.`).
    existing = [os.path.abspath(path) for path in targets if Path(path).exists()]
    if not existing:
        fail("--watch: none of the paths exists")
    outputs = parse_outputs(options.format, options.output)
    reports = [os.path.abspath(target) for _, target in outputs if target is not None]
    watch_filter = watchfiles.DefaultFilter(
        ignore_dirs=(*watchfiles.DefaultFilter.ignore_dirs, ".infralint_cache"),
        ignore_entity_patterns=(*watchfiles.DefaultFilter.ignore_entity_patterns, TEMPORARY_FILE),
        ignore_paths=reports,
    )
    started = False
    try:
        # The first round runs once the watcher is up (its first timeout), so that a change
        # saved while a round runs, or just after, is never missed.
        for changes in watchfiles.watch(
            *existing,
            watch_filter=watch_filter,
            yield_on_timeout=True,
            rust_timeout=WAKE_UP_MS,
        ):
            if changes or not started:
                started = True
                _round(options, check_once)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return EXIT_INTERRUPTED  # the watcher ended without an interrupt: it was stopped too


def _round(options: CheckOptions, check_once: Callable[[CheckOptions], int]) -> None:
    if sys.stdout.isatty():
        sys.stdout.write(CLEAR_SCREEN)
    try:
        status = check_once(options._replace(watch=False))
    except UsageError as error:  # a config being edited: say so and wait for the next save
        warn(f"infralint: error: {error}")
        status = 2
    sys.stdout.flush()
    warn(f"infralint: exit status {status}; watching for changes (Ctrl-C stops)")
    sys.stderr.flush()
