#!/usr/bin/env bash
# Back up the Kototori database to one custom-format dump (pg_dump -Fc), checked and checksummed.
#
#   scripts/backup.sh [DATABASE_URL] [BACKUP_DIR]       (defaults: $DATABASE_URL, $BACKUP_DIR or var/backups)
#
# Prints the path of the new dump. The dump holds special-category personal data (GDPR art. 9):
# keep BACKUP_DIR on an encrypted volume, readable by the service account only; see
# docs/operations-backup.md for schedule, retention and the restore drill.
set -euo pipefail
umask 077

url="${1:-${DATABASE_URL:?set DATABASE_URL or pass it as the first argument}}"
dir="${2:-${BACKUP_DIR:-var/backups}}"
case "$url" in postgres://*|postgresql://*) ;; *) echo "backup.sh: PostgreSQL only (got ${url%%:*})" >&2; exit 2 ;; esac

mkdir -p "$dir"
file="$dir/kototori-$(date -u +%Y%m%dT%H%M%SZ).dump"
trap 'rm -f "$file.partial"' EXIT

pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$file.partial" --dbname="$url"
# A dump that can't be listed can't be restored: fail now, not on the day it is needed.
pg_restore --list "$file.partial" >/dev/null
mv "$file.partial" "$file"
(cd "$dir" && sha256sum "$(basename "$file")" >"$(basename "$file").sha256")
echo "$file"
