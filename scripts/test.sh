#!/usr/bin/env bash
# Set up and run the whole test suite on a fresh machine: LibreOffice (to open every generated
# file in a real office suite), a virtual environment with the package and its test extra,
# ruff, mypy, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null 2>&1; then
  echo "Installing LibreOffice (headless) to open generated files in tests..." >&2
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  if ! { $SUDO apt-get update -qq \
         && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
              libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-dejavu \
              >/dev/null; }; then
    echo "WARNING: LibreOffice could not be installed: the tests that open outputs in an" \
         "office suite will be SKIPPED." >&2
  fi
fi

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "Installing Chromium (headless) to render the HTML twins in tests..." >&2
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  if ! { $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq \
         && DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install \
              -y -qq --no-install-recommends chromium >/dev/null; }; then
    echo "WARNING: Chromium could not be installed: the tests that render the HTML twins in" \
         "a browser will be SKIPPED." >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/ruff check .
.venv/bin/mypy src
# pytest's temporary folder given a short name on purpose: messages that print a path must
# not depend on how long it is (as on a fresh machine, /tmp/pytest-of-you/pytest-0).
basetemp=$(mktemp -d /tmp/p.XXXX)
trap 'rm -rf "$basetemp"' EXIT
.venv/bin/python -m pytest --basetemp="$basetemp" "$@"
