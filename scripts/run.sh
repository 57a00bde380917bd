#!/usr/bin/env bash
# Migrate, load the demo data, then serve on 127.0.0.1:8000 with the background task worker.
set -euo pipefail
cd "$(dirname "$0")/.."
AM=.venv/bin/ameliora
mkdir -p var
$AM migrate --noinput -v0
$AM createcachetable
$AM demo
echo "Demo accounts (ameliora demo --list):"
$AM demo --list | head -n 6 | sed 's/^/  /'
echo "  … and more: run .venv/bin/ameliora demo --list"
$AM worker --verbosity 0 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "Ameliora is starting on http://127.0.0.1:8000 — stop with Ctrl+C."
$AM runserver 127.0.0.1:8000
