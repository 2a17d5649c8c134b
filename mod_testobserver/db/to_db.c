/* mod_dbd glue. */
#include <stdarg.h>
#include <string.h>

#include <httpd.h>
#include <http_log.h>
#include <apr_dbd.h>
#include <mod_dbd.h>

#include <apr_hash.h>
#include <apr_optional.h>
#include <apr_strings.h>

#include "../model/to_sql_builder.h"
#include "../to_private.h"
#include "to_db.h"

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) * dbd_acquire_fn;

/* The labelled statements, known at start-up: each label's SQL and how many
 * values it binds, counted as apr_dbd does (to_sqlb_placeholders), so
 * variadic calls can be turned into arrays. */
typedef struct {
    const char *label; /* the registered one: it outlives every request */
    const char *sql;
    int nargs;
} labelled_t;

static apr_hash_t *statements_by_label;

void to_db_prepare_all(apr_pool_t *pool, server_rec *s, const to_sql_t *const *sets)
{
    int i, j;

    statements_by_label = apr_hash_make(pool);
    dbd_acquire_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    if (!dbd_acquire_fn) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     TO_LOGNO(00101) "mod_dbd is not loaded: the API cannot reach its database");
        return;
    }
    for (i = 0; sets[i]; i++) {
        for (j = 0; sets[i][j].label; j++) {
            labelled_t *st = apr_palloc(pool, sizeof(*st));
            st->label = sets[i][j].label;
            st->sql = sets[i][j].sql;
            st->nargs = to_sqlb_placeholders(st->sql);
            apr_hash_set(statements_by_label, sets[i][j].label, APR_HASH_KEY_STRING, st);
        }
    }
}

/* A connection PostgreSQL dropped and libpq re-opened (apr_dbd_check_conn
 * resets it) has lost its prepared statements, and mod_dbd keeps it in its
 * pool: forget them, so each is prepared again when next used. */
static int db_recover(to_req_t *tr)
{
    if (!tr->db || apr_dbd_check_conn(tr->db->driver, tr->pool, tr->db->handle) != APR_SUCCESS) {
        return 0;
    }
    apr_hash_clear(tr->db->prepared);
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, tr->r,
                  TO_LOGNO(00105) "database connection re-opened, statements to prepare again");
    return 1;
}

/* Whether msg says the session was lost rather than the statement refused. */
static int session_lost(const char *msg)
{
    static const char *const signs[] = {"terminating connection",
                                        "server closed the connection",
                                        "no connection to the server",
                                        "connection to server",
                                        "could not receive data",
                                        "could not send data",
                                        "does not exist",
                                        NULL};
    int i;

    for (i = 0; msg && signs[i]; i++) {
        if (strstr(msg, signs[i]) &&
            (strcmp(signs[i], "does not exist") || strstr(msg, "prepared statement"))) {
            return 1;
        }
    }
    return !msg;
}

/* Logs a database failure and chooses the answer: 503 when the connection
 * is gone (it is repaired for the next request when the server is back),
 * 409 for a clash with a unique constraint, 422 for a value PostgreSQL
 * cannot store or index, else 500. */
static int db_failed(to_req_t *tr, const char *label, int rv)
{
    const char *msg = tr->db ? apr_dbd_error(tr->db->driver, tr->db->handle, rv) : NULL;

    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, tr->r, TO_LOGNO(00102) "statement %s failed: %s", label,
                  msg ? msg : "(no message)");
    if (session_lost(msg) ||
        (tr->db && apr_dbd_check_conn(tr->db->driver, tr->pool, tr->db->handle) != APR_SUCCESS)) {
        db_recover(tr);
        tr->detail = "Database unavailable";
        return HTTP_SERVICE_UNAVAILABLE;
    }
    if (msg && strstr(msg, "duplicate key value")) {
        tr->detail = "Conflict with an existing record";
        return HTTP_CONFLICT;
    }
    if (msg && (strstr(msg, "index row") || strstr(msg, "invalid byte sequence") ||
                strstr(msg, "Unicode escape") || strstr(msg, "value too long"))) {
        to_verr_value_error(&tr->verr, to_loc(&tr->verr, "body"),
                            "a value is too long or not valid text for the database", NULL);
        return to_answer_invalid(tr);
    }
    tr->detail = "Internal Server Error";
    return HTTP_INTERNAL_SERVER_ERROR;
}

int to_db_acquire(to_req_t *tr)
{
    if (tr->db) {
        return OK;
    }
    tr->db = dbd_acquire_fn ? dbd_acquire_fn(tr->r) : NULL;
    if (!tr->db) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, tr->r,
                      TO_LOGNO(00103) "no database connection available");
        tr->detail = "Database unavailable";
        return HTTP_SERVICE_UNAVAILABLE;
    }
    return OK;
}

/* The prepared statement of label on this connection, prepared on first
 * use (a new connection costs only the statements it runs), and its values
 * taken from args. Returns OK or an error status. */
static int statement(to_req_t *tr, const char *label, va_list args, apr_dbd_prepared_t **stmt,
                     int *nargs, const char ***values)
{
    const labelled_t *st =
        statements_by_label ? apr_hash_get(statements_by_label, label, APR_HASH_KEY_STRING) : NULL;
    int i, rv;

    if (!st) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, tr->r,
                      TO_LOGNO(00104) "statement %s is not registered", label);
        tr->detail = "Internal Server Error";
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    *stmt = apr_hash_get(tr->db->prepared, label, APR_HASH_KEY_STRING);
    if (!*stmt) {
        /* in the connection's pool: it lives as long as the statement */
        rv =
            apr_dbd_prepare(tr->db->driver, tr->db->pool, tr->db->handle, st->sql, st->label, stmt);
        if (rv != 0) {
            *stmt = NULL;
            return db_failed(tr, label, rv);
        }
        /* keyed by the registered label: the caller's may be the request's */
        apr_hash_set(tr->db->prepared, st->label, APR_HASH_KEY_STRING, *stmt);
    }
    *nargs = st->nargs;
    *values = apr_palloc(tr->pool, sizeof(const char *) * (st->nargs ? st->nargs : 1));
    for (i = 0; i < st->nargs; i++) {
        (*values)[i] = va_arg(args, const char *);
    }
    return OK;
}

int to_db_vselect(to_req_t *tr, const char *label, apr_dbd_results_t **res, va_list args)
{
    apr_dbd_prepared_t *stmt = NULL;
    const char **values = NULL;
    int rv, status, nargs = 0;

    *res = NULL;
    if ((status = to_db_acquire(tr)) != OK) {
        return status;
    }
    if ((status = statement(tr, label, args, &stmt, &nargs, &values)) != OK) {
        return status;
    }
    rv = apr_dbd_pselect(tr->db->driver, tr->pool, tr->db->handle, res, stmt, 1, nargs, values);
    return rv == 0 ? OK : db_failed(tr, label, rv);
}

int to_db_select_text(to_req_t *tr, const char *what, const char *sql, int nargs,
                      const char **values, apr_dbd_results_t **res)
{
    apr_dbd_prepared_t *stmt = NULL;
    int rv, status;

    *res = NULL;
    if ((status = to_db_acquire(tr)) != OK) {
        return status;
    }
    if (to_sqlb_placeholders(sql) != nargs) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, tr->r,
                      TO_LOGNO(00106) "statement %s takes %d values, %d given", what,
                      to_sqlb_placeholders(sql), nargs);
        tr->detail = "Internal Server Error";
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* no label: apr_dbd's pgsql driver sends it unprepared (PQexecParams),
     * planned with its values in the same round trip */
    rv = apr_dbd_prepare(tr->db->driver, tr->pool, tr->db->handle, sql, NULL, &stmt);
    if (rv != 0) {
        return db_failed(tr, what, rv);
    }
    rv = apr_dbd_pselect(tr->db->driver, tr->pool, tr->db->handle, res, stmt, 1, nargs, values);
    return rv == 0 ? OK : db_failed(tr, what, rv);
}

int to_db_select(to_req_t *tr, const char *label, apr_dbd_results_t **res, ...)
{
    va_list args;
    int status;

    va_start(args, res);
    status = to_db_vselect(tr, label, res, args);
    va_end(args);
    return status;
}

int to_db_exec(to_req_t *tr, const char *label, int *nrows, ...)
{
    apr_dbd_prepared_t *stmt = NULL;
    const char **values = NULL;
    va_list args;
    int rv, status, nargs = 0, n = 0;

    if ((status = to_db_acquire(tr)) != OK) {
        return status;
    }
    va_start(args, nrows);
    status = statement(tr, label, args, &stmt, &nargs, &values);
    va_end(args);
    if (status != OK) {
        return status;
    }
    rv = apr_dbd_pquery(tr->db->driver, tr->pool, tr->db->handle, &n, stmt, nargs, values);
    if (nrows) {
        *nrows = n;
    }
    return rv == 0 ? OK : db_failed(tr, label, rv);
}

int to_db_next(to_req_t *tr, apr_dbd_results_t *res, apr_dbd_row_t **row)
{
    return apr_dbd_get_row(tr->db->driver, tr->pool, res, row, -1);
}

const char *to_db_col(to_req_t *tr, apr_dbd_row_t *row, int n)
{
    /* the driver frees the result after its last row: keep a copy */
    const char *value = apr_dbd_get_entry(tr->db->driver, row, n);
    return value ? apr_pstrdup(tr->pool, value) : NULL;
}

int to_db_first_cols(to_req_t *tr, apr_dbd_results_t *res, int n, const char **cols)
{
    apr_dbd_row_t *row = NULL;
    int i, found = 0;

    while (to_db_next(tr, res, &row) == 0) {
        for (i = 0; !found && i < n; i++) {
            cols[i] = to_db_col(tr, row, i);
        }
        found = 1;
    }
    return found;
}

const char *to_db_first(to_req_t *tr, apr_dbd_results_t *res)
{
    const char *value = NULL;

    if (!to_db_first_cols(tr, res, 1, &value)) {
        return NULL;
    }
    return value ? value : "";
}

const char *to_db_value(to_req_t *tr, int *status, const char *label, ...)
{
    apr_dbd_results_t *res;
    va_list args;

    va_start(args, label);
    *status = to_db_vselect(tr, label, &res, args);
    va_end(args);
    return *status == OK ? to_db_first(tr, res) : NULL;
}

static apr_status_t rollback_cleanup(void *data)
{
    to_db_rollback(data);
    return APR_SUCCESS;
}

int to_db_begin(to_req_t *tr)
{
    int status, rv;

    if ((status = to_db_acquire(tr)) != OK) {
        return status;
    }
    /* apr-util 1.6's pgsql driver writes through the transaction pointer
     * even when BEGIN fails: hand it zeroed room (larger than its record)
     * rather than NULL, which it fills in on success */
    tr->txn = apr_pcalloc(tr->pool, 64);
    rv = apr_dbd_transaction_start(tr->db->driver, tr->pool, tr->db->handle, &tr->txn);
    if (rv != 0) {
        return db_failed(tr, "BEGIN", rv);
    }
    tr->in_transaction = 1;
    apr_pool_cleanup_register(tr->pool, tr, rollback_cleanup, apr_pool_cleanup_null);
    return OK;
}

int to_db_commit(to_req_t *tr)
{
    int rv;

    if (!tr->in_transaction) {
        return OK;
    }
    tr->in_transaction = 0;
    apr_pool_cleanup_kill(tr->pool, tr, rollback_cleanup);
    rv = apr_dbd_transaction_end(tr->db->driver, tr->pool, tr->txn);
    if (rv != 0) {
        return db_failed(tr, "COMMIT", rv);
    }
    return OK;
}

void to_db_rollback(to_req_t *tr)
{
    if (!tr->in_transaction) {
        return;
    }
    tr->in_transaction = 0;
    apr_pool_cleanup_kill(tr->pool, tr, rollback_cleanup);
    apr_dbd_transaction_mode_set(tr->db->driver, tr->txn, APR_DBD_TRANSACTION_ROLLBACK);
    apr_dbd_transaction_end(tr->db->driver, tr->pool, tr->txn);
}
