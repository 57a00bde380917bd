#!/usr/bin/env bash
# Migrate, load the demo data, then serve on 127.0.0.1:8000 with the background task worker.
# AMELIORA_PORT=8100 make run serves on another port.
set -euo pipefail
cd "$(dirname "$0")/.."
AM=.venv/bin/ameliora
PORT=${AMELIORA_PORT:-8000}
mkdir -p var
$AM migrate --noinput -v0
$AM createcachetable
$AM demo
echo "Demo accounts (ameliora demo --list):"
# sed reads the whole list (head would close the pipe early and fail the command under pipefail).
$AM demo --list | sed -n '1,6s/^/  /p'
echo "  … and more: run .venv/bin/ameliora demo --list"
$AM worker --verbosity 0 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "Ameliora is starting on http://127.0.0.1:$PORT — stop with Ctrl+C."
$AM runserver "127.0.0.1:$PORT"
