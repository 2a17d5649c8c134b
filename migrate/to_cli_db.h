/* What testobserver-migrate and testobserver-admin share: option
 * matching, the DSN default and a small layer over apr_dbd (pgsql). */
#ifndef TO_CLI_DB_H
#define TO_CLI_DB_H

#include <apr_pools.h>
#include <apr_dbd.h>

#define TO_CLI_DSN_ENV "TESTOBSERVER_DSN"

typedef struct to_cli_db_t {
    apr_pool_t *pool;
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
} to_cli_db_t;

/* Match argv[*i] against option name, as "NAME VALUE" or "NAME=VALUE".
 * Returns 0 when it is another argument, 1 with *pval set (and *i moved
 * past a separate value), -1 when the value is missing. */
int to_cli_opt(int argc, const char *const *argv, int *i, const char *name, const char **pval);

/* The DSN given on the command line, else $TESTOBSERVER_DSN, else NULL. */
const char *to_cli_dsn(const char *given);

/* Connect with a libpq conninfo string; closed when p is cleared. */
const char *to_cli_db_open(to_cli_db_t **pdb, apr_pool_t *p, const char *dsn);

/* Run SQL text as it is, one or more statements (no '%' processing). */
const char *to_cli_db_exec(to_cli_db_t *db, const char *sql);

/* Run a statement with nargs values bound to its %s placeholders. */
const char *to_cli_db_pexec(to_cli_db_t *db, const char *sql, int nargs, const char **args);

/* First column of the first row of a query, NULL when there is no row.
 * With nargs > 0, values are bound to %s placeholders; otherwise the
 * text is sent as it is. */
const char *to_cli_db_value(to_cli_db_t *db, const char **pval, const char *sql, int nargs,
                            const char **args);

#endif /* TO_CLI_DB_H */
