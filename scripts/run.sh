#!/usr/bin/env bash
# `make run`: Kototori with demo data on http://127.0.0.1:8000 (PORT changes the port).
#
# The embedded default needs no services: SQLite in var/, Celery tasks run eagerly in-process and the
# cache is local memory. Set DATABASE_URL / REDIS_URL (in the environment or .env) to use PostgreSQL
# and Redis instead; then also start `make worker`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# The settings build links (e-mails, QR posters, feeds) on SITE_URL, which defaults to
# http://127.0.0.1:$PORT: export PORT so a non-default port reaches them. A SITE_URL set in the
# environment or in .env still wins.
export PORT="${PORT:-8000}"
export DEBUG="${DEBUG:-1}"

ensure_venv
say "Compiling translations"
compile_messages
say "Migrating the database"
"$PY" manage.py migrate --noinput -v 0
say "Loading demo data"
"$PY" manage.py demo

cat <<EOF

${_bold}Kototori: http://127.0.0.1:$PORT/${_reset}
Log in as one of the demo users listed above, e.g. frontdesk@demo.kototori.fi, password kototori-demo.
Stop with Ctrl-C.

EOF
exec "$PY" manage.py runserver "127.0.0.1:$PORT"
