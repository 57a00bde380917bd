#!/usr/bin/env bash
# The whole test suite: lint, types, migrations, tests on SQLite and PostgreSQL, browser tests, the
# production path of docs/operations.md, and the README's `make run` from a clean clone.
#
# With CI=true (as .ci/run runs it) the PostgreSQL, browser, production and clean-clone runs are
# mandatory: if PostgreSQL or Redis cannot be reached, Chromium cannot be installed or this is not
# a git checkout, the run fails and says why. On a newcomer's machine without them, those runs are
# skipped with a note saying how to enable them.
#
# Steps that do not share anything run two at a time, to use both cores of a small CI machine: the
# clean-clone `make run` (mostly downloads and installs) beside the lint steps, the PostgreSQL run
# beside the SQLite run, the production check beside the browser tests. A step run in the background
# writes to test-artifacts/logs/<step>.log; its output is printed, whole, when it is waited for, and
# its result counts like any other step's. docs/benchmarks.md ("make test") has the timings.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
PY=$VENV/bin/python
CI=${CI:-false}
PG_URL_BASE=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
REDIS_URL_BASE=${TEST_REDIS_URL:-redis://127.0.0.1:6379}
NOT_SLOW="not e2e and not prod"  # the browser and production tests have steps of their own
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export PYTHONDONTWRITEBYTECODE=1
mkdir -p test-artifacts

failed=()
skipped=()
timings=()
step() { printf '\n\033[1m== %s ==\033[0m\n' "$1"; }
run() {
  local name=$1 started=$SECONDS; shift; step "$name"
  if "$@"; then echo "ok: $name ($((SECONDS - started)) s)"; else echo "FAILED: $name"; failed+=("$name"); fi
  timings+=("$(printf '%5d s  %s' $((SECONDS - started)) "$name")")
}

# Background steps: `start NAME COMMAND...` launches one, `finish NAME` waits for it and reports it.
declare -A bg_pid bg_log
mkdir -p test-artifacts/logs
start() {
  local name=$1 log; shift
  log="test-artifacts/logs/$(printf '%s' "$name" | tr -c 'a-zA-Z0-9' '-' | tr -s '-').log"
  echo "started in the background: $name (output in $log)"
  # A background job ignores SIGINT; pytest gets it back, so that stopping `make test` runs its teardowns.
  (
    started=$(date +%s)
    env --default-signal=INT "$@" &
    echo $! >"$log.pid"
    wait $!
    code=$?
    echo "$(($(date +%s) - started))" >"$log.seconds"
    exit $code
  ) >"$log" 2>&1 &
  bg_pid[$name]=$!
  bg_log[$name]=$log
}
finish() {
  local name=$1 code=0 seconds
  wait "${bg_pid[$name]}" || code=$?
  unset "bg_pid[$name]"
  step "$name"
  cat "${bg_log[$name]}"
  seconds=$(cat "${bg_log[$name]}.seconds" 2>/dev/null || echo "?")
  rm -f "${bg_log[$name]}.seconds" "${bg_log[$name]}.pid"
  if [ "$code" -eq 0 ]; then echo "ok: $name ($seconds s)"; else echo "FAILED: $name"; failed+=("$name"); fi
  timings+=("$(printf '%5s s  %s (in the background)' "$seconds" "$name")")
}
stop_background() {  # on the way out (Ctrl+C, an error), interrupt what still runs and let it clean up
  local name
  for name in "${!bg_pid[@]}"; do kill -INT "$(cat "${bg_log[$name]}.pid" 2>/dev/null)" 2>/dev/null || true; done
  wait
}
trap stop_background EXIT
mandatory_or_skip() {
  # $1 = name, $2 = reason, $3 = how to enable
  if [ "$CI" = "true" ]; then
    echo "FAILED: $1 is mandatory in CI but $2"; failed+=("$1 ($2)")
  else
    echo "SKIPPED: $1 — $2. To enable: $3"; skipped+=("$1: $2 — $3")
  fi
}

# What the mandatory runs need, checked first: the steps below are then scheduled two at a time.
step "git checkout"
git_checkout=false
if git rev-parse --verify --quiet HEAD >/dev/null; then git_checkout=true; echo "yes"; fi

step "PostgreSQL reachable"
pg_reachable=false
if $PY - "$PG_URL_BASE" <<'PYCODE'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1] + "/postgres", connect_timeout=5).close()
except Exception as exc:
    print(f"cannot connect to {sys.argv[1]}: {exc}")
    sys.exit(1)
PYCODE
then pg_reachable=true; echo "yes"; fi

step "Redis reachable"
redis_reachable=false
if $PY - "$REDIS_URL_BASE" <<'PYCODE'
import sys, redis
try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=5).ping()
except Exception as exc:
    print(f"cannot connect to {sys.argv[1]}: {exc}")
    sys.exit(1)
PYCODE
then redis_reachable=true; echo "yes"; fi

# 5. (started first, it takes longest to set up) The README's first command, `make run`, from a clean
#    clone of the current commit (it installs everything, about 3 minutes): it must serve, sign a persona
#    in, and stop with nothing left running. Mostly downloads and installs: it runs beside the lint steps.
if [ "$git_checkout" = "true" ]; then
  start "make run from a clean clone" $VENV/bin/pytest -q -p no:randomly -m prod tests/prod/test_make_run.py
fi

run "ruff check" $VENV/bin/ruff check .
run "ruff format --check" $VENV/bin/ruff format --check .
run "mypy" $VENV/bin/mypy src tests scripts
run "migrations are up to date" $VENV/bin/ameliora makemigrations --check --dry-run
run "translations compile" $PY scripts/check_translations.py

# 2. PostgreSQL: a throwaway database, created by the test runner and dropped after; in the background,
#    beside the SQLite run (each has its own database and temporary directories).
if [ "$pg_reachable" = "true" ]; then
  db="ameliora_ci_$$_$(date +%s)"
  start "tests on PostgreSQL" env DATABASE_URL="$PG_URL_BASE/$db" $VENV/bin/pytest -q -m "$NOT_SLOW" --create-db
fi

# 1. SQLite
run "tests on SQLite" $VENV/bin/pytest -q -m "$NOT_SLOW" -p no:randomly

if [ "$pg_reachable" = "true" ]; then
  finish "tests on PostgreSQL"
  $PY - "$PG_URL_BASE" "$db" <<'PYCODE' || true
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as conn:
    for name in (sys.argv[2], "test_" + sys.argv[2]):
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
PYCODE
else
  mandatory_or_skip "tests on PostgreSQL" "PostgreSQL is not reachable at $PG_URL_BASE" \
    "start PostgreSQL (trust auth for user postgres) or set TEST_POSTGRES_URL=postgres://user:pass@host:port"
fi

# 4. The production path of docs/operations.md: DEBUG=False, collectstatic, check --deploy, gunicorn and
#    the worker on a throwaway PostgreSQL database and Redis; every demo persona's pages and every export.
#    Then two hosts (two gunicorns, two workers) sharing PostgreSQL, Redis and an S3-compatible bucket.
#    In the background, beside the browser tests (its own database, Redis database number and ports).
if [ "$redis_reachable" != "true" ]; then
  mandatory_or_skip "production check" "Redis is not reachable at $REDIS_URL_BASE" \
    "start Redis (sudo apt-get install redis-server) or set TEST_REDIS_URL=redis://host:port"
elif [ "$pg_reachable" != "true" ]; then
  mandatory_or_skip "production check" "PostgreSQL is not reachable at $PG_URL_BASE" \
    "start PostgreSQL (trust auth for user postgres) or set TEST_POSTGRES_URL"
else
  start "production check (docs/operations.md)" env TEST_POSTGRES_URL="$PG_URL_BASE" TEST_REDIS_URL="$REDIS_URL_BASE" \
    $VENV/bin/pytest -q -p no:randomly -m prod tests/prod/test_production.py tests/prod/test_multihost.py
fi

# 3. Browser tests in the system Chromium (Debian package), never a downloaded browser.
step "Chromium available"
if scripts/ensure-chromium.sh "$CHROMIUM"; then
  run "browser tests (Chromium)" env CHROMIUM="$CHROMIUM" $VENV/bin/pytest -q -m e2e tests/e2e
else
  mandatory_or_skip "browser tests" "Chromium is not installed at $CHROMIUM and could not be installed" \
    "install the Debian package: sudo apt-get install chromium (or set CHROMIUM=/path/to/chromium)"
fi

if [ -n "${bg_pid["production check (docs/operations.md)"]:-}" ]; then
  finish "production check (docs/operations.md)"
fi

if [ "$git_checkout" = "true" ]; then
  finish "make run from a clean clone"
else
  mandatory_or_skip "make run from a clean clone" "this folder is not a git checkout with a commit" \
    "run make test in a git clone of Ameliora"
fi

echo
echo "Step durations (wall clock; background steps overlap the others):"
printf '  %s\n' "${timings[@]}"
echo "Whole run: $((SECONDS / 60)) min $((SECONDS % 60)) s"
if [ ${#skipped[@]} -gt 0 ]; then
  echo "Skipped runs:"; printf '  - %s\n' "${skipped[@]}"
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED steps:"; printf '  - %s\n' "${failed[@]}"
  exit 1
fi
echo "All test steps passed."
