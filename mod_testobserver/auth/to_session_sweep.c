/* The sweep of expired user_session rows: one mod_watchdog callback in
 * one child at a time (a singleton watchdog), every TestObserverSessionSweep
 * seconds, once per database where sessions are on: virtual hosts that
 * name no database of their own (DBDriver, DBDParams) share the main
 * server's, and its sweep. */
#include <string.h>

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <http_core.h>
#include <util_cfgtree.h>

#include <apr_dbd.h>
#include <apr_optional.h>
#include <mod_dbd.h>
#include <mod_watchdog.h>

#include "../config/to_config.h"
#include "../to_private.h"
#include "to_session_sweep.h"

#define SWEEP_WATCHDOG "testobserver-sessions"

static APR_OPTIONAL_FN_TYPE(ap_dbd_open) * dbd_open_fn;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) * dbd_close_fn;

static apr_status_t sweep(int state, void *data, apr_pool_t *pool)
{
    server_rec *s = data;
    ap_dbd_t *db;
    int nrows = 0, rv;

    if (state != AP_WATCHDOG_STATE_RUNNING || !dbd_open_fn || !dbd_close_fn) {
        return APR_SUCCESS;
    }
    if (!(db = dbd_open_fn(pool, s))) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     TO_LOGNO(00810) "no database connection to delete expired sessions");
        return APR_SUCCESS;
    }
    rv = apr_dbd_query(db->driver, db->handle, &nrows,
                       "DELETE FROM user_session WHERE expires_at < now()");
    if (rv != 0) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     TO_LOGNO(00811) "deleting expired sessions failed: %s",
                     apr_dbd_error(db->driver, db->handle, rv));
    }
    else if (nrows > 0) {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, TO_LOGNO(00812) "deleted %d expired session(s)",
                     nrows);
    }
    dbd_close_fn(s, db);
    return APR_SUCCESS;
}

/* The directive after d in a depth-first walk of the configuration tree,
 * not leaving the section top (NULL: the whole tree); NULL at the end. */
static const ap_directive_t *walk_next(const ap_directive_t *d, const ap_directive_t *top)
{
    if (d->first_child) {
        return d->first_child;
    }
    for (; d && d != top; d = d->parent) {
        if (d->next) {
            return d->next;
        }
    }
    return NULL;
}

/* Whether virtual host s uses the main server's database: its
 * <VirtualHost> section is found and names none of its own. */
static int shares_main_database(const server_rec *s)
{
    const ap_directive_t *d, *section = NULL;

    for (d = ap_conftree; d && !section; d = walk_next(d, NULL)) {
        if (!strcasecmp(d->directive, "<VirtualHost") && s->defn_name && d->filename &&
            d->line_num >= 0 && (unsigned)d->line_num == s->defn_line_number &&
            !strcmp(d->filename, s->defn_name)) {
            section = d;
        }
    }
    if (!section) {
        return 0;
    }
    for (d = section->first_child; d; d = walk_next(d, section)) {
        if (!strcasecmp(d->directive, "DBDriver") || !strcasecmp(d->directive, "DBDParams")) {
            return 0;
        }
    }
    return 1;
}

static int sweep_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *main_s)
{
    APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) * get_instance;
    APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) * register_callback;
    ap_watchdog_t *wd = NULL;
    server_rec *s;
    int main_swept = 0;

    (void)plog;
    (void)ptemp;
    /* the first reading of the configuration only checks it */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    register_callback = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    dbd_open_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    for (s = main_s; s; s = s->next) {
        const to_config_t *c = ap_get_module_config(s->lookup_defaults, &testobserver_module);
        apr_status_t rv;
        int shared;

        if (!c || !to_config_session_secret(c) || !to_config_session_sweep(c)) {
            continue;
        }
        shared = s == main_s || shares_main_database(s);
        if (shared && main_swept) {
            continue; /* that database is swept already */
        }
        if (!get_instance || !register_callback || !dbd_open_fn) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         TO_LOGNO(00813) "mod_watchdog or mod_dbd is missing: expired sessions"
                                         " are not deleted (they count for nothing anyway)");
            return OK;
        }
        if (!wd && (rv = get_instance(&wd, SWEEP_WATCHDOG, 0, 1, pconf)) != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                         TO_LOGNO(00814) "no watchdog for deleting expired sessions");
            return OK;
        }
        rv = register_callback(wd, apr_time_from_sec(to_config_session_sweep(c)), s, sweep);
        if (rv != APR_SUCCESS && rv != APR_EEXIST) {
            ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                         TO_LOGNO(00815) "cannot schedule the deletion of expired sessions");
            continue;
        }
        main_swept = main_swept || shared;
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                     TO_LOGNO(00900) "expired sessions of %s are deleted every %d s (%s database)",
                     s->server_hostname ? s->server_hostname : "-", to_config_session_sweep(c),
                     shared ? "the main server's" : "its own");
    }
    return OK;
}

void to_session_sweep_register_hooks(apr_pool_t *pool)
{
    /* watchdogs are set up in mod_watchdog's post_config: ask before it */
    static const char *const succ[] = {"mod_watchdog.c", NULL};

    (void)pool;
    ap_hook_post_config(sweep_post_config, NULL, succ, APR_HOOK_MIDDLE);
}
