# mod_testobserver: the Test Observer API as an Apache httpd module.
#   make            build the module, the tools and the unit tests
#   make run        private PostgreSQL under var/, migrations, httpd on 127.0.0.1:$(PORT)
#   make test       unit tests (cmocka) and API tests (pytest, real httpd + PostgreSQL)
#   make lint       format check, cppcheck, clang-tidy
#   make seed       fill a running instance with realistic data (SIZE=small|large)
#   make bench      load tests on a private PostgreSQL and httpd (SIZE=small|large)
.PHONY: all build deps run test unit api lint format conf clean seed bench bench-deps

PORT ?= 30000
PGPORT ?= 30432
PYTHON ?= /usr/bin/python3
VERSION ?= $(shell git describe --tags 2>/dev/null || echo 0.0.0)

APXS ?= apxs
CC := $(shell $(APXS) -q CC 2>/dev/null || echo cc)
APXS_CFLAGS := $(shell $(APXS) -q CFLAGS 2>/dev/null)
APR_INCLUDES := $(shell apr-1-config --includes 2>/dev/null) $(shell apu-1-config --includes 2>/dev/null)
APR_LIBS := $(shell apu-1-config --link-ld 2>/dev/null) $(shell apr-1-config --link-ld 2>/dev/null)
JSON_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
JSON_LIBS := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)
WARN := -Wall -Wextra
CFLAGS_ALL = $(APXS_CFLAGS) $(WARN) -std=gnu11 $(EXTRA_CFLAGS)

MODDIR := mod_testobserver
# The pure core: APR and json-c only, never httpd's headers (the unit tests
# compile it without them, which keeps it so).
CORE_SRC := $(MODDIR)/json/to_json.c $(MODDIR)/model/to_validate.c $(MODDIR)/model/to_enums.c \
            $(MODDIR)/model/to_status.c $(MODDIR)/http/to_router.c \
            $(MODDIR)/config/to_config_parse.c $(MODDIR)/model/to_events.c
GLUE_SRC := $(MODDIR)/mod_testobserver.c $(MODDIR)/config/to_config.c $(MODDIR)/http/to_http.c \
            $(MODDIR)/http/to_routes.c $(MODDIR)/db/to_db.c $(wildcard $(MODDIR)/handlers/*.c)
MOD_SRC := $(GLUE_SRC) $(CORE_SRC)
MOD_HDR := $(wildcard $(MODDIR)/*.h $(MODDIR)/*/*.h)
MODULE := $(MODDIR)/.libs/mod_testobserver.so

MIGRATE_SRC := migrate/testobserver-migrate.c migrate/to_migrations.c migrate/to_cli_db.c
ADMIN_SRC := migrate/testobserver-admin.c migrate/to_cli_db.c
UNIT_TESTS := $(patsubst t/unit/%.c,t/unit/run_%,$(wildcard t/unit/test_*.c))

DEBS := apache2 apache2-dev libaprutil1-dbd-pgsql libjson-c-dev libcmocka-dev postgresql \
        python3-pytest python3-requests pkg-config
# what make bench needs on top (pgbench comes with postgresql)
BENCH_DEBS := wrk
SIZE ?= small

all: build
build: $(MODULE) testobserver-migrate testobserver-admin $(UNIT_TESTS)

# Installs the Debian packages that are missing (as root, or through sudo).
deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(MODULE): $(MOD_SRC) $(MOD_HDR) Makefile
	cd $(MODDIR) && $(APXS) -c -o mod_testobserver.la \
	    -Wc,-std=gnu11 -Wc,-Wall -Wc,-Wextra $(addprefix -Wc,$(EXTRA_CFLAGS)) $(JSON_CFLAGS) \
	    -DTO_BUILD_VERSION='\"$(VERSION)\"' $(addprefix -Wl,$(EXTRA_LDFLAGS)) \
	    $(patsubst $(MODDIR)/%,%,$(MOD_SRC)) $(JSON_LIBS) >build.log 2>&1 || \
	    { cat build.log; exit 1; }
	@! grep -i 'warning' $(MODDIR)/build.log

testobserver-migrate: $(MIGRATE_SRC) $(wildcard migrate/*.h)
	$(CC) $(CFLAGS_ALL) $(APR_INCLUDES) -Imigrate -o $@ $(MIGRATE_SRC) $(APR_LIBS)

testobserver-admin: $(ADMIN_SRC) $(wildcard migrate/*.h)
	$(CC) $(CFLAGS_ALL) $(APR_INCLUDES) -Imigrate -o $@ $(ADMIN_SRC) $(APR_LIBS)

t/unit/run_test_migrations: t/unit/test_migrations.c migrate/to_migrations.c migrate/to_migrations.h
	$(CC) $(CFLAGS_ALL) $(APR_INCLUDES) -Imigrate -o $@ $< migrate/to_migrations.c $(APR_LIBS) -lcmocka

t/unit/run_%: t/unit/%.c $(CORE_SRC) $(MOD_HDR)
	$(CC) $(CFLAGS_ALL) $(APR_INCLUDES) $(JSON_CFLAGS) -I$(MODDIR) -o $@ $< $(CORE_SRC) \
	    $(APR_LIBS) $(JSON_LIBS) -lcmocka

unit: $(UNIT_TESTS)
	@fail=0; for t in $(UNIT_TESTS); do ./$$t || fail=1; done; exit $$fail

api: build
	$(PYTHON) -m pytest -q t/api $(PYTEST_ARGS)

test: deps build
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory api

run: deps build
	PORT=$(PORT) PGPORT=$(PGPORT) scripts/run

lint:
	scripts/lint

# Seeds the instance at TO_BASE (default: make run's) with the key TO_API_KEY,
# or a key made with testobserver-admin on TO_DSN (default: make run's database).
seed: testobserver-admin
	TO_BASE="$${TO_BASE:-http://127.0.0.1:$(PORT)}" \
	TO_DSN="$${TO_DSN:-$$(scripts/pgctl dsn $(PGPORT))}" \
	    $(PYTHON) scripts/seed.py --size $(SIZE) $(SEED_ARGS)

bench-deps:
	@missing=$$(for p in $(BENCH_DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Writes t/bench/results.md; var/bench/$(SIZE)/ keeps the run's files.
bench: deps bench-deps build
	$(PYTHON) scripts/bench.py --size $(SIZE) $(BENCH_ARGS)

format:
	clang-format -i $(MOD_SRC) $(MOD_HDR) $(wildcard migrate/*.c migrate/*.h t/unit/*.c)

clean:
	rm -rf $(MODDIR)/.libs $(MODDIR)/build.log testobserver-migrate testobserver-admin \
	    t/unit/run_*
	find $(MODDIR) -name '*.lo' -o -name '*.la' -o -name '*.slo' -o -name '*.o' | xargs rm -f
