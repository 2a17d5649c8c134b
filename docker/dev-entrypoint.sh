#!/bin/sh
# dev-entrypoint.sh: entrypoint of the development image (docker/Dockerfile).
#
# Builds the module and tools from the source tree in the image, installs the
# module, then hands over to docker/entrypoint.sh (httpd in the foreground).
# Meanwhile a watcher polls the sources that Skaffold syncs into the container;
# when one changes it rebuilds and, if the build passes, gracefully restarts
# httpd, which reloads the module and re-reads the configuration.
set -eu

src=$(CDPATH='' cd "$(dirname "$0")/.." && pwd)
cd "$src"

stamp=/run/apache2/testobserver-build.stamp
pidfile=/run/apache2/testobserver.pid
interval=${TESTOBSERVER_WATCH_INTERVAL:-2}

rebuild() {
    make build &&
        cp mod_testobserver/.libs/mod_testobserver.so /usr/lib/apache2/modules/.mod_testobserver.so.new &&
        mv -f /usr/lib/apache2/modules/.mod_testobserver.so.new /usr/lib/apache2/modules/mod_testobserver.so
}

changed() {
    find mod_testobserver migrate sql conf docker Makefile -newer "$stamp" -type f \
        \( -name '*.[ch]' -o -name '*.sql' -o -name '*.in' -o -name '*.conf' -o -name '*.mk' \
        -o -name Makefile \) -print 2>/dev/null | head -n 1
}

watch() {
    while sleep "$interval"; do
        [ -n "$(changed)" ] || continue
        sleep 1 # let the rest of a sync land
        echo "dev-entrypoint: sources changed, rebuilding" >&2
        ok=0
        rebuild >&2 || ok=$?
        # Stamp after the build, so files that the build itself writes do not
        # count as changes.
        touch "$stamp"
        if [ "$ok" = 0 ]; then
            echo "dev-entrypoint: build passed, graceful restart" >&2
            kill -USR1 "$(cat "$pidfile")" || true
        else
            echo "dev-entrypoint: build failed, still serving the previous module" >&2
        fi
    done
}

mkdir -p /run/apache2
rebuild
touch "$stamp"
watch &
exec "$src/docker/entrypoint.sh" "$@"
