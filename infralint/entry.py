"""The `infralint` console script: no traceback ever reaches a user.

`infralint check` with plain options, the pre-commit case, runs without importing typer;
every other command line goes to the typer app in cli.py, and so does every call a shell makes
to complete a command line (typer's completion sets COMPLETE_VARIABLE).
"""

from __future__ import annotations

import gc
import os
import sys

COMPLETE_VARIABLE = "_INFRALINT_COMPLETE"


def _utf8_output() -> None:
    """UTF-8 output whatever the locale: paths and messages read the same under LC_ALL=C or
    an ISO-8859-1 locale, and no character can raise an encode error. Undecodable file names
    go to stdout as the bytes they were (like `ls`); stderr escapes them."""
    for stream, errors in ((sys.stdout, "surrogateescape"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)  # not on a replaced stream
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors=errors)


def main() -> None:
    # Start-up allocates only long-lived objects (modules, classes, tables): collecting then is
    # wasted work, about 3% of a one-file run. `engine.tune_gc` turns the collector back on.
    gc.disable()
    from infralint.check_command import EXIT_ERROR, UsageError, parse_check_argv, run_check, warn

    _utf8_output()
    argv = sys.argv[1:]
    from infralint import interrupts

    interrupts.install_parent_handlers()
    try:
        fast = argv[:1] == ["check"] and not os.environ.get(COMPLETE_VARIABLE)
        options = parse_check_argv(argv[1:]) if fast else None
        if options is None:
            from infralint.cli import app

            gc.enable()
            app()
        else:
            sys.exit(run_check(options))
    except UsageError as error:
        warn(f"infralint: error: {error}")
        sys.exit(EXIT_ERROR)
    except (KeyboardInterrupt, interrupts.Terminated) as stop:
        interrupts.exit_now(interrupts.report(stop))
    except SystemExit:
        raise
    except Exception as error:  # pragma: no cover - the last line of defence
        if os.environ.get("INFRALINT_DEBUG"):
            raise
        warn(f"infralint: internal error: {type(error).__name__}: {error}")
        sys.exit(EXIT_ERROR)
