#!/bin/sh
# One compressed, consistent dump of the expo database, kept for BACKUP_KEEP_DAYS days.
# Run by expo-backup.service as the postgres user (or any role that may read every table).
# Restore: docs/deployment.md, "Backups and the restore drill".
set -eu
DATABASE="${EXPO_BACKUP_DATABASE:-expo}"
FOLDER="${EXPO_BACKUP_DIR:-/var/backups/expo}"
KEEP_DAYS="${EXPO_BACKUP_KEEP_DAYS:-14}"

mkdir -p "$FOLDER"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$FOLDER/$DATABASE-$stamp.dump"
# -Fc: custom format, compressed, restorable table by table with pg_restore; written under a
# temporary name so that a dump cut short is never taken for a good one.
pg_dump --format=custom --no-owner --file="$target.partial" "$DATABASE"
mv "$target.partial" "$target"
find "$FOLDER" -name "$DATABASE-*.dump" -mtime +"$KEEP_DAYS" -delete
find "$FOLDER" -name "$DATABASE-*.dump.partial" -mmin +120 -delete
echo "backup written: $target ($(du -h "$target" | cut -f1))"
