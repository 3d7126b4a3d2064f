#!/usr/bin/env bash
# Re-make the browser screenshots and copy the two the README shows into docs/screenshots/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
bash tests/browser/install_axe.sh
python -m pytest -q tests/browser/test_player_a11y.py tests/browser/test_widget_a11y.py
mkdir -p docs/screenshots
cp tests/browser/screenshots/player-caption.png docs/screenshots/player.png
cp tests/browser/screenshots/widget-open.png docs/screenshots/widget.png
echo "updated docs/screenshots/player.png and docs/screenshots/widget.png"
