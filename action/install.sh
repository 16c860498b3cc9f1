#!/usr/bin/env bash
# The Action's install step: infralint into a virtualenv of its own under $RUNNER_TEMP, so that
# neither its dependencies nor the workflow's Python packages disturb each other.
#
# Inputs arrive in environment variables (never in the script text): PYTHON (the interpreter that
# actions/setup-python installed), INFRALINT_VERSION (empty: the action's own checkout) and
# INFRALINT_EXTRAS. Writes `python=<venv interpreter>` to $GITHUB_OUTPUT.
set -euo pipefail

fail() {
  echo "::error title=infralint action::$1"
  exit 2
}

# Both end up in a pip requirement: allow only what a version or an extras list can contain.
if [[ -n "${INFRALINT_EXTRAS:-}" && ! "$INFRALINT_EXTRAS" =~ ^[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*$ ]]; then
  fail "extras must be a comma-separated list of names, e.g. 'shellcheck'"
fi
if [[ -n "${INFRALINT_VERSION:-}" && ! "$INFRALINT_VERSION" =~ ^[0-9][A-Za-z0-9.+!-]*$ ]]; then
  fail "version must be a released version such as '0.1.0'"
fi

extras="${INFRALINT_EXTRAS:+[$INFRALINT_EXTRAS]}"
if [[ -n "${INFRALINT_VERSION:-}" ]]; then
  requirement="infralint${extras}==${INFRALINT_VERSION}"
else
  requirement="${GITHUB_ACTION_PATH}${extras}"
fi

venv="${RUNNER_TEMP}/infralint-venv"
"${PYTHON}" -m venv "$venv"
if [[ -x "$venv/bin/python" ]]; then
  python="$venv/bin/python"
else
  python="$venv/Scripts/python.exe"  # Windows runners
fi
"$python" -m pip install --disable-pip-version-check --no-input --quiet "$requirement"
"$python" -m infralint --version
echo "python=$python" >> "$GITHUB_OUTPUT"
