#!/usr/bin/env bash
# Build the one-folder program with PyInstaller and smoke-test it. Run from the repository root with the
# project installed in the active Python (e.g. .venv/bin/python packaging/build.sh is not needed: use
#   PYTHON=.venv/bin/python bash packaging/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
"$PYTHON" -m pip install --quiet "pyinstaller>=6.10,<7" -c packaging/constraints.txt
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath build/dist --workpath build/work packaging/behandlerklient.spec
"$PYTHON" packaging/smoke_test.py build/dist/behandlerklient
