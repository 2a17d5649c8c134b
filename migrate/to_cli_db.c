/* Shared command-line and database helpers: see to_cli_db.h. */
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "to_cli_db.h"

int to_cli_opt(int argc, const char *const *argv, int *i, const char *name, const char **pval)
{
    const char *arg = argv[*i];
    apr_size_t n = strlen(name);

    if (strncmp(arg, name, n)) {
        return 0;
    }
    if (arg[n] == '=') {
        *pval = arg + n + 1;
        return 1;
    }
    if (arg[n]) {
        return 0;
    }
    if (*i + 1 >= argc) {
        return -1;
    }
    *pval = argv[++*i];
    return 1;
}

const char *to_cli_dsn(const char *given)
{
    return given ? given : getenv(TO_CLI_DSN_ENV);
}

/* libpq's messages end with a newline; drop it. */
static const char *chomp(apr_pool_t *p, const char *msg)
{
    apr_size_t n = strlen(msg);

    while (n && apr_isspace(msg[n - 1])) {
        n--;
    }
    return apr_pstrmemdup(p, msg, n);
}

static const char *db_error(to_cli_db_t *db, int rv)
{
    const char *msg = apr_dbd_error(db->driver, db->handle, rv);

    if (!msg || !*msg) {
        return apr_psprintf(db->pool, "database error %d", rv);
    }
    return chomp(db->pool, msg);
}

static apr_status_t db_close(void *data)
{
    to_cli_db_t *db = data;

    return apr_dbd_close(db->driver, db->handle);
}

const char *to_cli_db_open(to_cli_db_t **pdb, apr_pool_t *p, const char *dsn)
{
    to_cli_db_t *db = apr_pcalloc(p, sizeof(*db));
    const char *err = NULL;
    char buf[256];
    apr_status_t rv;

    if (!dsn || !*dsn) {
        return "no database given: use --dsn CONNINFO or set " TO_CLI_DSN_ENV;
    }
    db->pool = p;
    if (APR_SUCCESS != (rv = apr_dbd_init(p)) ||
        APR_SUCCESS != (rv = apr_dbd_get_driver(p, "pgsql", &db->driver))) {
        return apr_psprintf(p, "cannot load apr_dbd's pgsql driver: %s",
                            apr_strerror(rv, buf, sizeof(buf)));
    }
    /* The DSN may hold a password: it is never part of a message. */
    if (APR_SUCCESS != apr_dbd_open_ex(db->driver, p, dsn, &db->handle, &err)) {
        return apr_psprintf(p, "cannot connect to the database: %s",
                            err ? chomp(p, err) : "unknown error");
    }
    apr_pool_cleanup_register(p, db, db_close, apr_pool_cleanup_null);
    *pdb = db;
    return NULL;
}

const char *to_cli_db_exec(to_cli_db_t *db, const char *sql)
{
    int nrows, rv;

    if ((rv = apr_dbd_query(db->driver, db->handle, &nrows, sql))) {
        return db_error(db, rv);
    }
    return NULL;
}

const char *to_cli_db_pexec(to_cli_db_t *db, const char *sql, int nargs, const char **args)
{
    apr_dbd_prepared_t *stmt = NULL;
    int nrows, rv;

    if ((rv = apr_dbd_prepare(db->driver, db->pool, db->handle, sql, NULL, &stmt)) ||
        (rv = apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, stmt, nargs, args))) {
        return db_error(db, rv);
    }
    return NULL;
}

const char *to_cli_db_value(to_cli_db_t *db, const char **pval, const char *sql, int nargs,
                            const char **args)
{
    apr_dbd_prepared_t *stmt = NULL;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *val = NULL;
    int rv;

    if (nargs > 0) {
        if (!(rv = apr_dbd_prepare(db->driver, db->pool, db->handle, sql, NULL, &stmt))) {
            rv = apr_dbd_pselect(db->driver, db->pool, db->handle, &res, stmt, 1, nargs, args);
        }
    }
    else {
        rv = apr_dbd_select(db->driver, db->pool, db->handle, &res, sql, 1);
    }
    if (rv) {
        return db_error(db, rv);
    }
    /* Read to the end, which also releases the result. */
    while (!apr_dbd_get_row(db->driver, db->pool, res, &row, -1)) {
        if (!val) {
            val = apr_pstrdup(db->pool, apr_dbd_get_entry(db->driver, row, 0));
        }
    }
    *pval = val;
    return NULL;
}
