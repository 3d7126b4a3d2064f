#!/usr/bin/env bash
# Install axe-core (from the npm registry) into tests/browser/node_modules for the browser tests.
# Idempotent: does nothing when the pinned major version is already there.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f node_modules/axe-core/axe.min.js ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install_axe.sh: npm not found (apt-get install -y npm)" >&2
  exit 1
fi
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --silent        # the version pinned in package-lock.json
else
  npm install --no-audit --no-fund --silent axe-core@4
fi
test -f node_modules/axe-core/axe.min.js
