"""`infralint check --watch`: run a round now and again whenever a file under the paths changes.

File events come from the `watchfiles` package (the `watch` extra), imported only here. What a
run writes itself (the cache, report files, the writer's temporary names) is not a change to
react to, or every round would start the next.
"""

from __future__ import annotations

import os
from collections.abc import Callable

CACHE_DIRECTORY = ".infralint_cache"
TEMPORARY_FILE = r"^\..+\.\d+\.[0-9a-f]{16}\.tmp$"  # writer.temporary_name: .NAME.PID.HEX.tmp
WAKE_UP_MS = 300  # how often an idle watcher wakes; bounds the wait for the first round


class Unavailable(Exception):
    """Watching needs the optional watchfiles package."""


def watch(paths: list[str], reports: list[str], run_round: Callable[[], None]) -> None:
    """Call `run_round` once the watcher is up, then after every change under PATHS (files in
    REPORTS excepted), until interrupted (KeyboardInterrupt propagates)."""
    try:
        import watchfiles
    except ImportError:
        raise Unavailable(
            "--watch needs the watchfiles package: pip install 'infralint[watch]'"
        ) from None
    # Absolute and normalised, like the ignored report paths: events name paths the way the
    # watched path was written (`./report.json` under `.`).
    watched = [os.path.abspath(path) for path in paths]
    watch_filter = watchfiles.DefaultFilter(
        ignore_dirs=(*watchfiles.DefaultFilter.ignore_dirs, CACHE_DIRECTORY),
        ignore_entity_patterns=(*watchfiles.DefaultFilter.ignore_entity_patterns, TEMPORARY_FILE),
        ignore_paths=[os.path.abspath(path) for path in reports],
    )
    started = False
    # The first round runs at the watcher's first timeout, once it is up, so that a change
    # saved during a round, or just after one, is never missed.
    for changes in watchfiles.watch(
        *watched, watch_filter=watch_filter, yield_on_timeout=True, rust_timeout=WAKE_UP_MS
    ):
        if changes or not started:
            started = True
            run_round()
