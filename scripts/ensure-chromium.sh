#!/usr/bin/env bash
# Make sure the system Chromium exists; install Debian's package when we are allowed to.
set -u
CHROMIUM=${1:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then "$CHROMIUM" --version 2>/dev/null || true; exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium package…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null || { echo "apt-get install chromium failed"; exit 1; }
  [ -x "$CHROMIUM" ] && exit 0
fi
echo "Chromium not found at $CHROMIUM"
exit 1
