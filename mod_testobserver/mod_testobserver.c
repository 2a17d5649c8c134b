/* mod_testobserver: the Test Observer API as an httpd handler. */
#include <string.h>

#include <apr_strings.h>

#include <httpd.h>
#include <http_protocol.h>
#include <http_request.h>

#include "auth/to_session_sweep.h"
#include "config/to_config.h"
#include "db/to_db.h"
#include "http/to_http.h"
#include "handlers/to_handlers.h"
#include "http/to_routes.h"
#include "sync/to_sync.h"
#include "to_private.h"

#define TO_HANDLER_NAME "testobserver"

static int to_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    (void)plog;
    (void)ptemp;
    /* mod_dbd prepares registered statements on each new connection */
    to_db_prepare_all(pconf, s, to_sql_sets);
    return OK;
}

static int to_handler(request_rec *r)
{
    to_req_t *tr;
    int status;

    if (!r->handler || strcmp(r->handler, TO_HANDLER_NAME)) {
        return DECLINED;
    }
    tr = apr_pcalloc(r->pool, sizeof(*tr));
    tr->r = r;
    tr->pool = r->pool;
    tr->conf = to_config_get(r);
    to_verr_init(&tr->verr, r->pool);

    if (to_cors(tr) == DONE) {
        return OK;
    }
    switch (to_route_match(r->pool, to_routes, to_nroutes, r->method, r->uri, &tr->match)) {
    case TO_ROUTE_NONE:
        status = to_answer_detail(tr, HTTP_NOT_FOUND, "Not Found");
        break;
    case TO_ROUTE_METHOD:
        apr_table_setn(r->err_headers_out, "Allow", tr->match.route->method);
        status = to_answer_detail(tr, HTTP_METHOD_NOT_ALLOWED, "Method Not Allowed");
        break;
    default:
        tr->route = tr->match.route;
        tr->query = to_http_parse_query(r);
        if (!tr->route->handler) {
            status = to_answer_not_built(tr);
            break;
        }
        status = tr->route->handler(tr);
        break;
    }
    return to_respond(tr, status);
}

static void to_register_hooks(apr_pool_t *pool)
{
    ap_hook_post_config(to_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(to_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(to_http_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    to_session_sweep_register_hooks(pool);
    to_sync_register_hooks(pool);
}

module AP_MODULE_DECLARE_DATA testobserver_module = {STANDARD20_MODULE_STUFF,
                                                     to_config_create,  /* per-directory config */
                                                     to_config_merge,   /* merge per-directory */
                                                     NULL,              /* server config */
                                                     NULL,              /* merge server */
                                                     to_config_cmds,    /* directives */
                                                     to_register_hooks, /* hooks */
                                                     AP_MODULE_FLAG_ALWAYS_MERGE};
