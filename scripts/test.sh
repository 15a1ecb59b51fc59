#!/usr/bin/env bash
# `make test`: everything CI checks, on a machine where nothing was installed by hand.
#
# 1. Setup (fatal on failure): system packages (as root, only the missing ones), the virtualenv from
#    requirements.lock, a throwaway PostgreSQL and Redis on free ports of 127.0.0.1 — unless
#    DATABASE_URL / REDIS_URL are given — and a unique CELERY_QUEUE.
# 2. Checks: every check runs even when an earlier one failed, and each failure fails the run. To add
#    a check (pip-audit, bandit, a backup/restore round trip), write a step_* function and add one
#    `check` line in main().
# 3. Teardown on exit, failure or Ctrl-C: stop what this script started and wait until it is gone.
#
# The real Celery worker used by the `worker` tests is started and stopped by the test session
# itself (tests/conftest.py, fixture `celery_worker`), on the Redis and CELERY_QUEUE exported here.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

RUN_DIR=""
PG_BIN=""
PG_DIR=""
REDIS_PIDFILE=""
STEPS=()
FAILED=()
STARTED=$SECONDS

# Setup

setup_system_packages() { apt_install "${APT_PACKAGES[@]}"; } # as non-root it only warns

as_postgres() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

postgres_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    if [[ -z "$dir" ]] && command -v pg_ctl >/dev/null; then
        dir="$(dirname "$(command -v pg_ctl)")"
    fi
    [[ -n "$dir" && -x "$dir/initdb" ]] || return 1
    echo "$dir"
}

start_postgres() {
    if [[ -n "${DATABASE_URL:-}" ]]; then
        say "PostgreSQL: using DATABASE_URL from the environment"
        return 0
    fi
    PG_BIN="$(postgres_bindir)" || die "PostgreSQL is not installed (apt-get install postgresql) and DATABASE_URL is not set"
    local port
    port="$(free_port)"
    PG_DIR="$RUN_DIR/pg"
    mkdir -p "$PG_DIR"
    is_root && chown postgres: "$PG_DIR"
    say "PostgreSQL: starting a throwaway cluster on 127.0.0.1:$port ($PG_DIR)"
    as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$RUN_DIR/initdb.log" 2>&1 ||
        { cat "$RUN_DIR/initdb.log"; die "initdb failed"; }
    # Durability is pointless for a database that is deleted in a few minutes.
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
        -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$PG_DIR/postgres.log"; die "PostgreSQL did not start"; }
    as_postgres "$PG_BIN/psql" -h "$PG_DIR" -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE kototori LOGIN CREATEDB SUPERUSER PASSWORD 'kototori'" \
        -c "CREATE DATABASE kototori OWNER kototori" >/dev/null
    export DATABASE_URL="postgres://kototori:kototori@127.0.0.1:$port/kototori"
}

stop_postgres() {
    [[ -n "$PG_DIR" && -f "$PG_DIR/data/postmaster.pid" ]] || return 0
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
        warn "PostgreSQL in $PG_DIR did not stop cleanly"
}

start_redis() {
    if [[ -n "${REDIS_URL:-}" ]]; then
        say "Redis: using REDIS_URL from the environment"
        return 0
    fi
    command -v redis-server >/dev/null || die "Redis is not installed (apt-get install redis-server) and REDIS_URL is not set"
    local port i
    port="$(free_port)"
    REDIS_PIDFILE="$RUN_DIR/redis.pid"
    say "Redis: starting a throwaway server on 127.0.0.1:$port"
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --pidfile "$REDIS_PIDFILE" --dir "$RUN_DIR" --logfile "$RUN_DIR/redis.log"
    for ((i = 0; i < 100; i++)); do
        [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]] && break
        sleep 0.1
    done
    [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]] ||
        { cat "$RUN_DIR/redis.log"; die "Redis did not start"; }
    export REDIS_URL="redis://127.0.0.1:$port/0"
}

stop_redis() {
    [[ -n "$REDIS_PIDFILE" && -f "$REDIS_PIDFILE" ]] || return 0
    local pid
    pid="$(cat "$REDIS_PIDFILE")"
    kill "$pid" 2>/dev/null || true
    wait_for_exit "$pid" 30 || warn "Redis (pid $pid) did not stop"
}

# Celery workers the test session forgot (a killed pytest) carry our unique queue name: stop them
# before their broker goes away. Matched by that name in their environment, never by process name.
stop_stray_workers() {
    [[ -n "${CELERY_QUEUE:-}" ]] || return 0
    local environ pid
    for environ in /proc/[0-9]*/environ; do
        pid="${environ#/proc/}"
        pid="${pid%/environ}"
        [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
        if { tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -qxF "CELERY_QUEUE=$CELERY_QUEUE"; then
            kill "$pid" 2>/dev/null || true
            wait_for_exit "$pid" 15 || kill -9 "$pid" 2>/dev/null || true
        fi
    done
}

teardown() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    if [[ -n "$RUN_DIR" ]]; then
        say "Stopping what this run started"
        stop_stray_workers
        stop_redis
        stop_postgres
        rm -rf "$RUN_DIR"
    fi
    exit "$rc"
}

# Checks

production_env() {
    # What a production server would have: DEBUG off, a real secret, a real host name.
    env DEBUG=0 SECRET_KEY="$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 50)" \
        ALLOWED_HOSTS=kototori.example SITE_URL=https://kototori.example "$@"
}

step_translations() { compile_messages strict; }
step_ruff_check() { "$VENV/bin/ruff" check .; }
step_ruff_format() { "$VENV/bin/ruff" format --check .; }
step_migrations() { "$PY" manage.py makemigrations --check --dry-run; }
step_deploy_check() { production_env "$PY" manage.py check --deploy --fail-level WARNING; }
step_bandit() {
    "$VENV/bin/bandit" -q -r kototori visits advisors events -x '*/migrations/*' --severity-level high
}

# pip-audit needs a vulnerability database (pypi.org's JSON API or OSV). Where neither can be reached
# it can check nothing: say so plainly and do not pretend it passed. Found vulnerabilities fail the run.
step_pip_audit() {
    local out rc=0
    out="$("$VENV/bin/pip-audit" -r requirements.lock --vulnerability-service pypi --strict --progress-spinner off 2>&1)" || rc=$?
    if ((rc == 0)); then
        echo "$out" | tail -3
    elif grep -qiE "known vulnerabilit" <<<"$out" && ! grep -qi "Dependency not found" <<<"$out"; then
        echo "$out"
        return 1
    else
        warn "pip-audit could not reach a vulnerability database from here: nothing was audited"
        echo "$out" | grep -iE "error|not found|connection" | head -3
    fi
}

step_collectstatic() { production_env "$PY" manage.py collectstatic --noinput -v 0; }

step_pytest() {
    local junit="$RUN_DIR/junit.xml" rc=0
    # PYTEST_ARGS (e.g. "tests/visits -x") narrows a local run; CI runs the whole suite.
    # shellcheck disable=SC2086
    "$PY" -m pytest ${PYTEST_ARGS:-tests} --create-db -rfE \
        --durations=10 --junitxml="$junit" || rc=$?
    # Checks run in a subshell: hand the counts to summary() through a file.
    "$PY" - "$junit" >"$RUN_DIR/pytest-summary" <<'PY' || echo "pytest wrote no report" >"$RUN_DIR/pytest-summary"
import sys
import xml.etree.ElementTree as ET

suite = ET.parse(sys.argv[1]).getroot()
suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
tests, failures, errors, skipped = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
passed = tests - failures - errors - skipped
print(f"pytest: {passed} passed, {failures} failed, {errors} errors, {skipped} skipped")
PY
    if ((rc == 5)); then
        echo "pytest collected no tests: that is a failure." >&2
    fi
    return "$rc"
}

# check NAME COMMAND... — run one check with errexit on, record its result, carry on.
check() {
    local name="$1" rc started=$SECONDS
    shift
    say "$name"
    set +e
    (
        set -e
        "$@"
    )
    rc=$?
    set -e
    STEPS+=("$(printf '%-28s %-6s %4ss' "$name" "$( ((rc == 0)) && echo ok || echo FAILED)" $((SECONDS - started)))")
    ((rc == 0)) || FAILED+=("$name")
}

summary() {
    local elapsed=$((SECONDS - STARTED)) line
    echo
    say "Summary"
    for line in "${STEPS[@]}"; do echo "  $line"; done
    echo "  $(cat "$RUN_DIR/pytest-summary" 2>/dev/null || echo "pytest did not run")"
    if ((${#FAILED[@]})); then
        printf '%smake test: FAILED (%s) in %dm%02ds%s\n' "$_red" "$(IFS=,; echo "${FAILED[*]}" | sed 's/,/, /g')" \
            $((elapsed / 60)) $((elapsed % 60)) "$_reset"
        return 1
    fi
    printf '%smake test: PASSED, %d checks in %dm%02ds%s\n' "$_green" "${#STEPS[@]}" $((elapsed / 60)) \
        $((elapsed % 60)) "$_reset"
}

main() {
    RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kototori-test.XXXXXX")"
    chmod 711 "$RUN_DIR" # the postgres user must reach its data directory inside
    trap teardown EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    setup_system_packages
    ensure_venv
    start_postgres
    start_redis
    export CELERY_QUEUE="kototori-test-${HOSTNAME:-host}-$$-$RANDOM"
    # The checks run as a developer would; check --deploy and collectstatic switch to production.
    export DEBUG=1 SECRET_KEY="test-$RANDOM$RANDOM$RANDOM"

    check "translations compile" step_translations
    check "ruff check" step_ruff_check
    check "ruff format --check" step_ruff_format
    check "migrations up to date" step_migrations
    check "check --deploy" step_deploy_check
    check "bandit (high severity)" step_bandit
    check "pip-audit" step_pip_audit
    check "collectstatic" step_collectstatic
    check "pytest (whole suite)" step_pytest

    summary
}

main "$@"
