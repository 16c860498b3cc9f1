"""Classes of Dockerfile false positives and negatives found on real repositories: each case
is a table row with the codes it must (and must not) raise."""

from __future__ import annotations

import pytest

from tests.helpers import run_check

HEREDOC_DATA = """\
# syntax=docker/dockerfile:1.7
FROM debian:12.7
RUN <<EOF cat > /usr/local/bin/entry
#!/bin/sh
cd /app
curl -fsS https://example.com/x | sort
wget -q https://example.com/y
EOF
RUN <<'EOF' tee /etc/app.conf > /dev/null
cd /x
EOF
"""

HEREDOC_SCRIPT = """\
# syntax=docker/dockerfile:1.7
FROM debian:12.7
RUN <<EOF bash
cd /app
curl -fsS https://example.com/x | sort
wget -q https://example.com/y
EOF
"""


@pytest.mark.parametrize("code", ["DF201", "DF205", "DF515"])
def test_heredoc_written_to_a_file_is_data(code: str) -> None:
    assert run_check(code, HEREDOC_DATA) == []


@pytest.mark.parametrize("code", ["DF201", "DF205", "DF515"])
def test_heredoc_fed_to_a_shell_is_a_script(code: str) -> None:
    assert len(run_check(code, HEREDOC_SCRIPT)) == 1
