"""`python -m infralint`: the console script's behaviour, without the scanned tree's code.

For `-m`, Python puts the working directory first on sys.path (unless -P / PYTHONSAFEPATH).
Run from the root of the repository being linted, a planted `tomllib.py` or `pathspec/` there
would then shadow what infralint imports lazily and run as soon as it is needed. This package is
already imported when this module runs, so dropping that entry before any other import is enough.
"""

import os
import sys


def _drop_working_directory(path: list[str]) -> None:
    """Remove the entry `-m` put first on PATH: '' or the working directory itself."""
    if sys.flags.safe_path or not path:
        return  # -P / PYTHONSAFEPATH: Python put nothing there
    try:
        cwd = os.getcwd()
    except OSError:  # the working directory was removed: only '' can name it
        cwd = ""
    if path[0] in ("", cwd):
        del path[0]


_drop_working_directory(sys.path)

from infralint.entry import main  # noqa: E402 - only once sys.path is safe

if __name__ == "__main__":
    main()
