#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into a NEW database (never over an existing one).
#
#   scripts/restore.sh DUMP_FILE TARGET_DATABASE_URL
#
# The target database must not exist; it is created (the role needs CREATEDB), filled in one
# transaction, and left for you to check and then point DATABASE_URL at. Nothing is overwritten.
set -euo pipefail

dump="${1:?usage: restore.sh DUMP_FILE TARGET_DATABASE_URL}"
url="${2:?usage: restore.sh DUMP_FILE TARGET_DATABASE_URL}"
case "$url" in postgres://*|postgresql://*) ;; *) echo "restore.sh: PostgreSQL only" >&2; exit 2 ;; esac

if [ -f "$dump.sha256" ]; then
  (cd "$(dirname "$dump")" && sha256sum --check --quiet "$(basename "$dump").sha256")
fi

base="${url%%\?*}"
name="${base##*/}"
server="${base%/*}/postgres"
if [[ ! "$name" =~ ^[A-Za-z0-9_]+$ ]]; then
  echo "restore.sh: target database name must be letters, digits and _ (got '$name')" >&2
  exit 2
fi
exists=$(psql --no-psqlrc -tAq --dbname="$server" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [ "$exists" = "1" ]; then
  echo "restore.sh: database $name already exists; restore into a new name" >&2
  exit 3
fi

psql --no-psqlrc -q --dbname="$server" -c "CREATE DATABASE \"$name\""
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$dump"
echo "restored into $name"
