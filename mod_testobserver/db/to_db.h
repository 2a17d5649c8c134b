/* mod_dbd glue: labelled statements, prepared once per connection by
 * mod_dbd, run with every value bound; transactions tied to the request. */
#ifndef TO_DB_H
#define TO_DB_H

#include <stdarg.h>

#include <httpd.h>
#include <apr_dbd.h>

#include "../http/to_http.h"

typedef struct {
    const char *label;
    const char *sql; /* apr_dbd syntax: %s for each bound value */
} to_sql_t;

/* Registers every statement of the NULL-terminated sets with mod_dbd for
 * every server; called from post_config, before mod_dbd opens connections. */
void to_db_prepare_all(apr_pool_t *pool, server_rec *s, const to_sql_t *const *sets);

/* Acquires the request's connection. OK, or 503 with a detail. */
int to_db_acquire(to_req_t *tr);

/* Runs a labelled SELECT (or anything RETURNING rows). The variadic values
 * are const char * (NULL binds SQL NULL), as many as the statement has.
 * Returns OK, or an error status with the answer's detail set. */
int to_db_select(to_req_t *tr, const char *label, apr_dbd_results_t **res, ...);

int to_db_vselect(to_req_t *tr, const char *label, apr_dbd_results_t **res, va_list args);

/* Runs sql, text composed at request time (model/to_sql_builder.h) with
 * nargs values for its placeholders, unprepared; what names it in logs. */
int to_db_select_text(to_req_t *tr, const char *what, const char *sql, int nargs,
                      const char **values, apr_dbd_results_t **res);

/* Runs a labelled statement without rows; *nrows may be NULL. */
int to_db_exec(to_req_t *tr, const char *label, int *nrows, ...);

/* Next row of res (-1 at the end, 0 with *row set); *row must start NULL. */
int to_db_next(to_req_t *tr, apr_dbd_results_t *res, apr_dbd_row_t **row);

/* Column n of row, copied into the request pool; NULL for SQL NULL. */
const char *to_db_col(to_req_t *tr, apr_dbd_row_t *row, int n);

/* Columns 0..n-1 of the first row of res into cols (NULL for SQL NULL);
 * returns 0 without rows. Reads every row so the result is released. */
int to_db_first_cols(to_req_t *tr, apr_dbd_results_t *res, int n, const char **cols);

/* Column 0 of the first row of res ("" for NULL), or NULL without rows. */
const char *to_db_first(to_req_t *tr, apr_dbd_results_t *res);

/* First column of the first row of a labelled SELECT, or NULL when it
 * returns no row (*status tells errors apart: OK or an error status). */
const char *to_db_value(to_req_t *tr, int *status, const char *label, ...);

/* Transactions: begin, commit (OK or error status); anything not committed
 * when the request ends is rolled back. */
int to_db_begin(to_req_t *tr);
int to_db_commit(to_req_t *tr);
void to_db_rollback(to_req_t *tr);

#endif
