#!/bin/sh
# entrypoint.sh: start the Test Observer API (httpd + mod_testobserver) in the
# foreground, as the container's main process.
#
#   entrypoint.sh [HTTPD-OPTION...]   run httpd (extra options go to httpd)
#   entrypoint.sh COMMAND [ARG...]    run another command instead, e.g.
#                                     testobserver-admin --dsn "..." add-application NAME all
#
# Environment: see docker/README.md.
set -eu

# Any command that is not an httpd option replaces the server.
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    exec "$@"
fi

: "${TESTOBSERVER_DSN:?TESTOBSERVER_DSN must be set to a libpq conninfo string}"
TESTOBSERVER_CONF=${TESTOBSERVER_CONF:-/etc/apache2/testobserver.conf}
TESTOBSERVER_SQL_DIR=${TESTOBSERVER_SQL_DIR:-/usr/share/testobserver/sql}
export TESTOBSERVER_DBD_MIN="${TESTOBSERVER_DBD_MIN:-0}"
export TESTOBSERVER_DBD_KEEP="${TESTOBSERVER_DBD_KEEP:-2}"
export TESTOBSERVER_DBD_MAX="${TESTOBSERVER_DBD_MAX:-10}"

# Optional module settings: the configuration uses one only when it is set.
for name in VERSION CORS_ORIGINS IGNORE_PERMISSIONS REQUIRE_AUTHENTICATION MAX_BODY_SIZE \
    GITHUB_TOKEN; do
    eval "value=\${TESTOBSERVER_$name:-}"
    if [ -n "$value" ]; then
        set -- "$@" -D "HAVE_TESTOBSERVER_$name"
    fi
done
# The issue sync, with upstream's variable names.
for name in ENABLE_ISSUE_SYNC SYNC_OPEN_INTERVAL_S SYNC_RECENT_CLOSED_INTERVAL_S \
    SYNC_OLD_CLOSED_INTERVAL_S SYNC_OLD_CLOSED_THRESHOLD_DAYS SYNC_BATCH_SIZE; do
    eval "value=\${$name:-}"
    if [ -n "$value" ]; then
        set -- "$@" -D "HAVE_$name"
    fi
done
if [ -n "${JIRA_CLOUD_ID:-}" ] && [ -n "${JIRA_EMAIL:-}" ] && [ -n "${JIRA_API_TOKEN:-}" ]; then
    set -- "$@" -D HAVE_JIRA_CREDENTIALS
fi

if [ "${TESTOBSERVER_MIGRATE_ON_START:-0}" = 1 ]; then
    echo "entrypoint: applying migrations from $TESTOBSERVER_SQL_DIR" >&2
    testobserver-migrate --dsn "$TESTOBSERVER_DSN" --dir "$TESTOBSERVER_SQL_DIR" upgrade
fi

mkdir -p /run/apache2
rm -f /run/apache2/testobserver.pid
exec apache2 -f "$TESTOBSERVER_CONF" -DFOREGROUND "$@"
