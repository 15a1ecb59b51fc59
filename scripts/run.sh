#!/usr/bin/env bash
# `make run`: Kototori with demo data on http://127.0.0.1:8000 (PORT changes the port).
#
# The embedded default needs no services: SQLite in var/, Celery tasks run eagerly in-process and the
# cache is local memory. Set DATABASE_URL / REDIS_URL (in the environment or .env) to use PostgreSQL
# and Redis instead; then also start `make worker`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

PORT="${PORT:-8000}"
export DEBUG="${DEBUG:-1}"

ensure_venv
say "Compiling translations"
compile_messages
say "Migrating the database"
"$PY" manage.py migrate --noinput -v 0
say "Loading demo data"
"$PY" manage.py demo

cat <<EOF

${_bold}Kototori is starting on http://127.0.0.1:$PORT/${_reset}

Demo logins (password: kototori-demo; every role in the Hervanta hub)
  frontdesk@demo.kototori.fi           front desk
  advisor@demo.kototori.fi             community advisor
  expert@demo.kototori.fi              expert
  professional@demo.kototori.fi        professional
  coordinator@demo.kototori.fi         coordinator
  manager@demo.kototori.fi             hub manager
  funder@demo.kototori.fi              funder (both hubs, anonymised reports)
  frontdesk.kontula@demo.kototori.fi   front desk of the Kontula hub

Stop with Ctrl-C.
EOF
exec "$PY" manage.py runserver "127.0.0.1:$PORT"
