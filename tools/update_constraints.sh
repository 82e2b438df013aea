#!/usr/bin/env bash
# Regenerate requirements/constraints.txt from pyproject.toml in a throw-away venv.
# Run it deliberately (e.g. to take a new pandas), then re-run the tests: committed notebook
# outputs are checked by nbval against the versions pinned here.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --upgrade pip
"$tmp/venv/bin/pip" install -q -e ".[test,dask]"
{
  echo "# Pinned versions for CI and the README commands; regenerate with tools/update_constraints.sh"
  "$tmp/venv/bin/pip" freeze --exclude-editable | grep -v '^burdenshare'
} > requirements/constraints.txt
rm -rf "$tmp"
echo "wrote requirements/constraints.txt"
