# mod_testobserver: the Test Observer API as an Apache httpd module.
#   make            build the module, the tools and the unit tests
#   make run        private PostgreSQL under var/, migrations, httpd on 127.0.0.1:$(PORT)
#   make test       unit tests (cmocka) and API tests (pytest, real httpd + PostgreSQL);
#                   make api API_TESTS=t/api/test_XX.py PYTEST_ARGS=-x runs some of them
#   make lint       format check, cppcheck, clang-tidy
#   make seed       fill a running instance with realistic data (SIZE=small|medium|large)
#   make bench      load tests on a private PostgreSQL and httpd (SIZE=small|medium|large)
#   make test-asan  API tests against a build with AddressSanitizer and UBSan
#   make fuzz       libFuzzer targets of the pure core, FUZZ_SECONDS each
#   make fuzz-regress  the fuzz targets over their committed corpus, no fuzzing
.PHONY: all build deps deps-fuzz deps-fuzz-install run test unit api lint format conf clean test-asan fuzz \
        fuzz-regress fuzz-regress-if-clang docs-assets seed bench bench-deps

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
# libcurl: the issue sync's requests to the trackers (glue only)
CURL_CFLAGS := $(shell pkg-config --cflags libcurl 2>/dev/null)
CURL_LIBS := $(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl)
WARN := -Wall -Wextra
CFLAGS_ALL = $(APXS_CFLAGS) $(WARN) -std=gnu11 $(EXTRA_CFLAGS)

MODDIR := mod_testobserver
# The pure core: APR and json-c only, never httpd's headers (the unit tests
# compile it without them, which keeps it so).
CORE_SRC := $(MODDIR)/json/to_json.c $(MODDIR)/model/to_validate.c $(MODDIR)/model/to_enums.c \
            $(MODDIR)/model/to_status.c $(MODDIR)/http/to_router.c \
            $(MODDIR)/config/to_config_parse.c $(MODDIR)/model/to_events.c \
            $(MODDIR)/model/to_csv.c $(MODDIR)/model/to_filters.c $(MODDIR)/model/to_api_key.c \
            $(MODDIR)/model/to_issue_url.c $(MODDIR)/model/to_session.c \
            $(MODDIR)/http/to_openapi.c $(MODDIR)/model/to_return_to.c $(MODDIR)/sync/to_sync_track.c \
            $(MODDIR)/model/to_review_share.c $(MODDIR)/model/to_sql_builder.c \
            $(MODDIR)/model/to_filters_sql.c
GLUE_SRC := $(MODDIR)/mod_testobserver.c $(MODDIR)/config/to_config.c $(MODDIR)/http/to_http.c \
            $(MODDIR)/http/to_routes.c $(MODDIR)/db/to_db.c $(wildcard $(MODDIR)/handlers/*.c) \
            $(wildcard $(MODDIR)/auth/*.c) $(MODDIR)/sync/to_sync.c
MOD_SRC := $(GLUE_SRC) $(CORE_SRC)
MOD_HDR := $(wildcard $(MODDIR)/*.h $(MODDIR)/*/*.h)
MODULE := $(MODDIR)/.libs/mod_testobserver.so

MIGRATE_SRC := migrate/testobserver-migrate.c migrate/to_migrations.c migrate/to_cli_db.c
ADMIN_SRC := migrate/testobserver-admin.c migrate/to_cli_db.c $(MODDIR)/model/to_api_key.c
UNIT_TESTS := $(patsubst t/unit/%.c,t/unit/run_%,$(wildcard t/unit/test_*.c))

DEBS := apache2 apache2-dev libaprutil1-dbd-pgsql libjson-c-dev libcmocka-dev postgresql \
        python3-pytest python3-requests python3-itsdangerous pkg-config libcurl4-openssl-dev
# SAML sign-in through mod_auth_mellon, and what its API test runs as the
# IdP (simplesamlphp in an httpd with mod_php) and makes keys with
SAML_DEBS := libapache2-mod-auth-mellon simplesamlphp libapache2-mod-php php-xml php-mbstring openssl
# libclang-rt-dev is Debian's name for the default clang's runtimes
# (libclang-rt-14-dev on Debian 12)
FUZZ_DEBS := clang libclang-rt-dev
# what make bench needs on top (pgbench comes with postgresql)
BENCH_DEBS := wrk
SIZE ?= small

all: build
build: $(MODULE) testobserver-migrate testobserver-admin $(UNIT_TESTS)

# Installs the Debian packages of a list that are missing (as root, or
# through sudo).
define install_missing
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install_missing,$(DEBS))
	$(call install_missing,$(SAML_DEBS))
	@command -v npm >/dev/null || { SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm; }

# clang and its runtimes (libFuzzer, sanitizers) for the fuzz targets,
# unless the clang at hand already builds a fuzz target
deps-fuzz:
	@$(FUZZ_PROBE) || $(MAKE) --no-print-directory deps-fuzz-install
deps-fuzz-install:
	$(call install_missing,$(FUZZ_DEBS))

$(MODULE): $(MOD_SRC) $(MOD_HDR) Makefile
	cd $(MODDIR) && $(APXS) -c -o mod_testobserver.la \
	    -Wc,-std=gnu11 -Wc,-Wall -Wc,-Wextra $(addprefix -Wc,$(EXTRA_CFLAGS)) $(JSON_CFLAGS) $(CURL_CFLAGS) \
	    -DTO_BUILD_VERSION='\"$(VERSION)\"' $(addprefix -Wl,$(EXTRA_LDFLAGS)) \
	    $(patsubst $(MODDIR)/%,%,$(MOD_SRC)) $(JSON_LIBS) $(CURL_LIBS) >build.log 2>&1 || \
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

api: build docs-assets
	$(PYTHON) -m pytest -q $(or $(API_TESTS),t/api) $(PYTEST_ARGS)

test: deps build
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory fuzz-regress-if-clang
	$(MAKE) --no-print-directory api

# The module with AddressSanitizer and UBSan, in a folder of its own (apxs
# would build next to the sources and clobber the normal build). httpd is
# not instrumented: the API tests preload libasan into it (TO_ASAN=1) and
# have the sanitizers write their reports under build/asan/reports, which
# must stay empty; the error logs are checked for reports as well (gcc's
# UBSan writes to stderr, which is httpd's error log). float-cast-overflow
# is one of clang's "undefined" checks that gcc leaves out. Known defects
# not fixed yet are suppressed in t/api/sanitizer.supp; the reports of a
# known crash an xfail test provokes are moved to build/asan/reports-known.
ASAN_DIR := build/asan
ASAN_MODULE := $(ASAN_DIR)/mod_testobserver.so
ASAN_FLAGS := -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -g -O1
APXS_INCLUDEDIR := $(shell $(APXS) -q INCLUDEDIR 2>/dev/null)

$(ASAN_MODULE): $(MOD_SRC) $(MOD_HDR) Makefile
	@mkdir -p $(ASAN_DIR)
	$(CC) -shared -fPIC $(ASAN_FLAGS) -std=gnu11 $(WARN) -DLINUX -D_REENTRANT -D_GNU_SOURCE \
	    -I$(APXS_INCLUDEDIR) $(APR_INCLUDES) $(JSON_CFLAGS) $(CURL_CFLAGS) -DTO_BUILD_VERSION='"$(VERSION)"' \
	    -o $@ $(MOD_SRC) $(JSON_LIBS) $(CURL_LIBS)

test-asan: deps build $(ASAN_MODULE)
	@lib=$$($(CC) -print-file-name=libasan.so); [ -f "$$lib" ] || \
	    { echo "test-asan: libasan.so not found for $(CC)" >&2; exit 1; }
	@rm -rf $(ASAN_DIR)/reports $(ASAN_DIR)/reports-known && mkdir -p $(ASAN_DIR)/reports
	@start=$$(date +%s); \
	TO_ASAN=1 TO_ASAN_LIB=$$($(CC) -print-file-name=libasan.so) \
	    TO_MODULE=$(abspath $(ASAN_MODULE)) TO_SANITIZER_DIR=$(abspath $(ASAN_DIR)/reports) \
	    $(PYTHON) -m pytest -q $(or $(API_TESTS),t/api) $(PYTEST_ARGS); rc=$$?; \
	echo "test-asan: pytest took $$(( $$(date +%s) - start ))s"; \
	[ ! -d $(ASAN_DIR)/reports-known ] || \
	    echo "test-asan: reports of known crashes (xfail) set aside in $(ASAN_DIR)/reports-known"; \
	if [ -n "$$(ls -A $(ASAN_DIR)/reports)" ]; then \
	    for f in $(ASAN_DIR)/reports/*; do echo "== $$f"; grep -E -B2 -A30 \
	        'ERROR: AddressSanitizer|runtime error:|exit signal' "$$f" | head -80; done; \
	    echo "test-asan: sanitizer reports in $(ASAN_DIR)/reports" >&2; exit 1; \
	fi; \
	exit $$rc

# libFuzzer targets of the pure core, one per parser of outside input
# (t/fuzz/fuzz_<name>.c), built with clang into build/fuzz. The committed
# seeds are t/fuzz/corpus/<name>/, its dictionary t/fuzz/<name>.dict (fuzzing reads them but writes what it
# finds to build/fuzz/scratch/<name>/); a crash is saved as
# build/fuzz/crashes/<name>-crash-* and belongs in the corpus afterwards, so
# fuzz-regress replays it.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_DIR := build/fuzz
FUZZ_NAMES := json validate scalar router config sync filters $(if $(wildcard $(MODDIR)/model/to_events.c),events)
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer -std=gnu11 $(WARN)
FUZZ_OPTS := -timeout=10 -rss_limit_mb=2048 -print_final_stats=0
FUZZ_PROBE := echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' | \
              $(FUZZ_CC) -fsanitize=fuzzer,address,undefined -x c - -o /dev/null >/dev/null 2>&1

$(FUZZ_DIR)/routes.inc: $(MODDIR)/http/to_routes.c
	@mkdir -p $(FUZZ_DIR)
	sed -n 's/^ *{\("[A-Z]*", "[^"]*"\).*/{\1, NULL, NULL},/p' $< >$@

$(FUZZ_DIR)/fuzz_%: t/fuzz/fuzz_%.c t/fuzz/fuzz_common.h $(CORE_SRC) $(MOD_HDR) $(FUZZ_DIR)/routes.inc
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(APR_INCLUDES) $(JSON_CFLAGS) -I$(MODDIR) -I$(FUZZ_DIR) -o $@ \
	    $< $(CORE_SRC) $(APR_LIBS) $(JSON_LIBS)

fuzz: deps deps-fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@rm -rf $(FUZZ_DIR)/crashes; start=$$(date +%s); failed=; \
	for n in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_DIR)/scratch/$$n $(FUZZ_DIR)/crashes t/fuzz/corpus/$$n; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	    dict=; [ ! -f t/fuzz/$$n.dict ] || dict=-dict=t/fuzz/$$n.dict; \
	    $(FUZZ_DIR)/fuzz_$$n $(FUZZ_OPTS) $$dict -max_total_time=$(FUZZ_SECONDS) \
	        -artifact_prefix=$(FUZZ_DIR)/crashes/$$n- $(FUZZ_DIR)/scratch/$$n t/fuzz/corpus/$$n \
	        >$(FUZZ_DIR)/$$n.log 2>&1 || { failed="$$failed $$n"; tail -40 $(FUZZ_DIR)/$$n.log; }; \
	done; \
	echo "fuzz: $$(( $$(date +%s) - start ))s"; \
	if [ -n "$$failed" ]; then \
	    echo "fuzz: crashes in$$failed (inputs in $(FUZZ_DIR)/crashes)" >&2; exit 1; fi

fuzz-regress: deps-fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@failed=; for n in $(FUZZ_NAMES); do \
	    files=$$(find t/fuzz/corpus/$$n -type f 2>/dev/null | sort); \
	    [ -n "$$files" ] || continue; \
	    $(FUZZ_DIR)/fuzz_$$n $(FUZZ_OPTS) $$files >$(FUZZ_DIR)/$$n-regress.log 2>&1 || \
	        { failed="$$failed $$n"; tail -40 $(FUZZ_DIR)/$$n-regress.log; }; \
	    echo "fuzz-regress: $$n: $$(echo "$$files" | wc -l) inputs"; \
	done; \
	for f in $$(find t/fuzz/known -mindepth 2 -type f 2>/dev/null | sort); do \
	    n=$$(basename $$(dirname $$f)); \
	    if TO_FUZZ_KNOWN=1 $(FUZZ_DIR)/fuzz_$$n $(FUZZ_OPTS) $$f >$(FUZZ_DIR)/known.log 2>&1; then \
	        failed="$$failed $$f(fixed: move it to t/fuzz/corpus/$$n)"; \
	    else echo "fuzz-regress: known defect still there: $$f"; fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz-regress: failed:$$failed" >&2; exit 1; fi

# make test replays the fuzz corpus only where clang can build the targets
fuzz-regress-if-clang:
	@if $(FUZZ_PROBE); then \
	    $(MAKE) --no-print-directory fuzz-regress; \
	else \
	    echo "fuzz-regress: skipped, $(FUZZ_CC) with libFuzzer is not installed (make deps-fuzz)"; \
	fi

run: deps build docs-assets
	PORT=$(PORT) PGPORT=$(PGPORT) scripts/run

# Swagger UI for /docs, from the npm registry (web/package-lock.json pins it)
docs-assets: web/node_modules/swagger-ui-dist/swagger-ui-bundle.js
web/node_modules/swagger-ui-dist/swagger-ui-bundle.js: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

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
	clang-format -i $(MOD_SRC) $(MOD_HDR) $(wildcard migrate/*.c migrate/*.h t/unit/*.c t/fuzz/*.c t/fuzz/*.h)

clean:
	rm -rf $(MODDIR)/.libs $(MODDIR)/build.log testobserver-migrate testobserver-admin \
	    t/unit/run_* build
	find $(MODDIR) -name '*.lo' -o -name '*.la' -o -name '*.slo' -o -name '*.o' | xargs rm -f
