/* testobserver-migrate: applies the SQL migrations of sql/ to a
 * PostgreSQL database and records the revision in alembic_version, the
 * way upstream's alembic does, so databases migrated by either agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_strings.h>

#include "to_cli_db.h"
#include "to_migrations.h"

#define PROG "testobserver-migrate"
#define SQL_DIR_ENV "TESTOBSERVER_SQL_DIR"
/* Advisory lock held while upgrading; the bytes of "to_migra". */
#define LOCK_KEY "8390029554338984545"

typedef struct {
    apr_pool_t *pool;
    const char *dsn;
    const char *dir;
    const char *message;
} migrate_t;

static void usage(FILE *out)
{
    fprintf(out, "usage: " PROG " [--dsn CONNINFO] [--dir SQLDIR] COMMAND\n"
                 "  upgrade          apply pending migrations\n"
                 "  current          print the database's revision\n"
                 "  history          list migrations, marking the applied ones\n"
                 "  revision -m MSG  write a new, empty migration file\n"
                 "CONNINFO defaults to $" TO_CLI_DSN_ENV ", SQLDIR to $" SQL_DIR_ENV " or sql.\n");
}

static const char *read_text(const char **ptext, apr_pool_t *p, const char *path)
{
    apr_file_t *f = NULL;
    apr_finfo_t fi;
    apr_size_t got = 0;
    apr_status_t rv;
    char *buf, ebuf[256];

    if (APR_SUCCESS == (rv = apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT, p)) &&
        APR_SUCCESS == (rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f))) {
        buf = apr_palloc(p, fi.size + 1);
        rv = fi.size ? apr_file_read_full(f, buf, fi.size, &got) : APR_SUCCESS;
        buf[got] = '\0';
        *ptext = buf;
    }
    if (f) {
        apr_file_close(f);
    }
    if (rv != APR_SUCCESS) {
        return apr_psprintf(p, "cannot read %s: %s", path, apr_strerror(rv, ebuf, sizeof(ebuf)));
    }
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Parse every migration file of dir and order them into a chain. */
static const char *load_chain(apr_array_header_t **pchain, apr_pool_t *p, const char *dir)
{
    apr_array_header_t *names = apr_array_make(p, 8, sizeof(const char *));
    apr_array_header_t *migs = apr_array_make(p, 8, sizeof(to_migration_t *));
    to_migration_t *m;
    apr_dir_t *d;
    apr_finfo_t fi;
    apr_status_t rv;
    const char *name, *text = NULL, *err;
    char ebuf[256];
    int i;

    if (APR_SUCCESS != (rv = apr_dir_open(&d, dir, p))) {
        return apr_psprintf(p, "cannot open migrations folder %s: %s", dir,
                            apr_strerror(rv, ebuf, sizeof(ebuf)));
    }
    while (APR_SUCCESS == (rv = apr_dir_read(&fi, APR_FINFO_NAME, d)) || rv == APR_INCOMPLETE) {
        if (to_migration_is_file_name(fi.name)) {
            APR_ARRAY_PUSH(names, const char *) = apr_pstrdup(p, fi.name);
        }
    }
    apr_dir_close(d);
    qsort(names->elts, names->nelts, sizeof(const char *), by_name);

    for (i = 0; i < names->nelts; i++) {
        name = APR_ARRAY_IDX(names, i, const char *);
        if ((err = read_text(&text, p, apr_pstrcat(p, dir, "/", name, NULL))) ||
            (err = to_migration_parse(&m, p, name, text))) {
            return err;
        }
        APR_ARRAY_PUSH(migs, to_migration_t *) = m;
    }
    return to_migrations_order(pchain, p, migs);
}

/* The database's revision; NULL when nothing was ever applied. */
static const char *read_current(const char **pcur, to_cli_db_t *db)
{
    const char *exists, *revs, *err;

    *pcur = NULL;
    if ((err = to_cli_db_value(db, &exists,
                               "SELECT to_regclass('alembic_version')"
                               " IS NOT NULL",
                               0, NULL))) {
        return err;
    }
    if (strcmp(exists, "t")) {
        return NULL;
    }
    if ((err = to_cli_db_value(db, &revs,
                               "SELECT coalesce(string_agg("
                               "version_num, ' '), '') FROM alembic_version",
                               0, NULL))) {
        return err;
    }
    if (strchr(revs, ' ')) {
        return apr_psprintf(db->pool,
                            "alembic_version holds several revisions "
                            "(%s); only a single chain is supported",
                            revs);
    }
    *pcur = *revs ? revs : NULL;
    return NULL;
}

static const char *apply(to_cli_db_t *db, const to_migration_t *m)
{
    const char *args[1] = {m->revision}, *err;

    if ((err = to_cli_db_exec(db, "BEGIN"))) {
        return err;
    }
    if ((err = to_cli_db_exec(db, m->text)) ||
        (err = to_cli_db_exec(db, "DELETE FROM alembic_version")) ||
        (err = to_cli_db_pexec(db,
                               "INSERT INTO alembic_version (version_num)"
                               " VALUES (%s)",
                               1, args)) ||
        (err = to_cli_db_exec(db, "COMMIT"))) {
        to_cli_db_exec(db, "ROLLBACK");
        return apr_psprintf(db->pool, "%s failed and was rolled back: %s", m->name, err);
    }
    return NULL;
}

static const char *cmd_upgrade(migrate_t *mg)
{
    apr_array_header_t *chain, *pending;
    to_cli_db_t *db;
    const char *cur, *err;
    int i;

    if ((err = load_chain(&chain, mg->pool, mg->dir)) ||
        (err = to_cli_db_open(&db, mg->pool, mg->dsn))
        /* Concurrent runs wait here, then find nothing left to do. */
        || (err = to_cli_db_exec(db, "SELECT pg_advisory_lock(" LOCK_KEY ")")) ||
        (err = read_current(&cur, db)) ||
        (err = to_migrations_pending(&pending, mg->pool, chain, cur))) {
        return err;
    }
    for (i = 0; i < pending->nelts; i++) {
        const to_migration_t *m = TO_MIG_AT(pending, i);

        if ((err = apply(db, m))) {
            return err;
        }
        printf("applied %s: %s (%s)\n", m->revision, m->message, m->name);
        fflush(stdout);
    }
    if (!pending->nelts) {
        printf("nothing to apply: database is at %s\n", cur ? cur : "(none)");
    }
    return to_cli_db_exec(db, "SELECT pg_advisory_unlock(" LOCK_KEY ")");
}

static const char *cmd_current(migrate_t *mg)
{
    to_cli_db_t *db;
    const char *cur, *err;

    if ((err = to_cli_db_open(&db, mg->pool, mg->dsn)) || (err = read_current(&cur, db))) {
        return err;
    }
    printf("%s\n", cur ? cur : "(none)");
    return NULL;
}

/* Lists the chain; with a database, "[x]" marks what it has applied. */
static const char *cmd_history(migrate_t *mg)
{
    apr_array_header_t *chain, *pending = NULL;
    to_cli_db_t *db;
    const char *cur = NULL, *mark = "", *err;
    int i, applied = -1;

    if ((err = load_chain(&chain, mg->pool, mg->dir))) {
        return err;
    }
    if (mg->dsn && *mg->dsn) {
        if ((err = to_cli_db_open(&db, mg->pool, mg->dsn)) || (err = read_current(&cur, db)) ||
            (err = to_migrations_pending(&pending, mg->pool, chain, cur))) {
            return err;
        }
        applied = chain->nelts - pending->nelts;
    }
    for (i = 0; i < chain->nelts; i++) {
        const to_migration_t *m = TO_MIG_AT(chain, i);

        if (applied >= 0) {
            mark = i < applied ? "[x] " : "[ ] ";
        }
        printf("%s%s  %s%s%s\n", mark, m->revision, m->message,
               i == applied - 1 ? "  (current)" : "", i == chain->nelts - 1 ? "  (head)" : "");
    }
    if (!chain->nelts) {
        printf("no migrations in %s\n", mg->dir);
    }
    return NULL;
}

static const char *cmd_revision(migrate_t *mg)
{
    apr_array_header_t *chain;
    apr_file_t *f;
    apr_status_t rv;
    const char *rev, *name, *text, *path, *err;
    char ebuf[256];

    if (!mg->message) {
        return "revision needs -m MESSAGE";
    }
    if ((err = load_chain(&chain, mg->pool, mg->dir))) {
        return err;
    }
    if (APR_SUCCESS != (rv = to_migration_new_revision(&rev, mg->pool))) {
        return apr_psprintf(mg->pool, "no random bytes: %s", apr_strerror(rv, ebuf, sizeof(ebuf)));
    }
    if ((err = to_migration_new(&name, &text, mg->pool, chain, rev, mg->message))) {
        return err;
    }
    path = apr_pstrcat(mg->pool, mg->dir, "/", name, NULL);
    if (APR_SUCCESS !=
            (rv = apr_file_open(&f, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_EXCL,
                                APR_OS_DEFAULT, mg->pool)) ||
        APR_SUCCESS != (rv = apr_file_puts(text, f)) || APR_SUCCESS != (rv = apr_file_close(f))) {
        return apr_psprintf(mg->pool, "cannot write %s: %s", path,
                            apr_strerror(rv, ebuf, sizeof(ebuf)));
    }
    printf("%s\n", path);
    return NULL;
}

int main(int argc, const char *const *argv)
{
    migrate_t mg = {0};
    const char *cmd = NULL, *err;
    int i, got;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS) {
        return 1;
    }
    atexit(apr_terminate);
    apr_pool_create(&mg.pool, NULL);

    for (i = 1; i < argc; i++) {
        if ((got = to_cli_opt(argc, argv, &i, "--dsn", &mg.dsn)) ||
            (got = to_cli_opt(argc, argv, &i, "--dir", &mg.dir)) ||
            (got = to_cli_opt(argc, argv, &i, "-m", &mg.message)) ||
            (got = to_cli_opt(argc, argv, &i, "--message", &mg.message))) {
            if (got < 0) {
                fprintf(stderr, PROG ": %s needs a value\n", argv[i]);
                return 2;
            }
        }
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
        else if (argv[i][0] == '-' || cmd) {
            fprintf(stderr, PROG ": unexpected argument %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
        else {
            cmd = argv[i];
        }
    }
    mg.dsn = to_cli_dsn(mg.dsn);
    if (!mg.dir && !(mg.dir = getenv(SQL_DIR_ENV))) {
        mg.dir = "sql";
    }

    if (!cmd) {
        usage(stderr);
        return 2;
    }
    else if (!strcmp(cmd, "upgrade")) {
        err = cmd_upgrade(&mg);
    }
    else if (!strcmp(cmd, "current")) {
        err = cmd_current(&mg);
    }
    else if (!strcmp(cmd, "history")) {
        err = cmd_history(&mg);
    }
    else if (!strcmp(cmd, "revision")) {
        err = cmd_revision(&mg);
    }
    else {
        fprintf(stderr, PROG ": unknown command %s\n", cmd);
        usage(stderr);
        return 2;
    }
    if (err) {
        fprintf(stderr, PROG ": %s\n", err);
    }
    apr_pool_destroy(mg.pool);
    return err ? 1 : 0;
}
