/* The request context every handler works with, and the HTTP glue around
 * it: parameters, body, validation, permission, answers, CORS. */
#ifndef TO_HTTP_H
#define TO_HTTP_H

#include <httpd.h>
#include <apr_dbd.h>
#include <mod_dbd.h>
#include <json-c/json.h>

#include "../config/to_config.h"
#include "../model/to_validate.h"
#include "to_router.h"

typedef struct to_req_t {
    request_rec *r;
    apr_pool_t *pool;
    const to_config_t *conf;
    const to_route_t *route;
    to_match_t match;
    apr_table_t *query; /* query string, every repeated key kept */
    to_verr_t verr;     /* 422 errors found so far */
    ap_dbd_t *db;       /* acquired on first use */
    int in_transaction;
    apr_dbd_transaction_t *txn;
    /* who is calling */
    int identified;
    const char *app_id;              /* NULL: no application */
    const char *user_id;             /* NULL: no signed-in user */
    const char *session_id;          /* the user's user_session row */
    int is_admin;                    /* the user is an administrator */
    apr_array_header_t *permissions; /* of the application and the user's teams */
    /* the answer */
    const char *detail; /* {"detail": ...} */
    const char *out;    /* JSON text */
    apr_size_t out_len;
    const char *content_type;
} to_req_t;

/* The query string with every repeated key kept, decoded. */
apr_table_t *to_http_parse_query(request_rec *r);

/* Path parameter as a 32-bit id; a bad one adds a 422 error and gives 0. */
int to_path_id(to_req_t *tr, const char *name);

/* Query parameters: the last value, or every value of a repeated key. */
const char *to_query(to_req_t *tr, const char *name);
apr_array_header_t *to_query_all(to_req_t *tr, const char *name);

/* Reads the body as JSON into *body. An empty body or a JSON null leaves
 * *body NULL with a "missing" error recorded. Malformed JSON gives 422 at
 * once (before the permission check, as FastAPI); a body over TestObserverMaxBodySize 413. A body
 * sent with a Content-Type other than JSON is handed over as a JSON string, so the model's
 * validation refuses it as FastAPI does. Returns OK or a status. */
int to_read_body(to_req_t *tr, json_object **body);

/* Each child, before its threads start: at most TO_MALLOC_ARENAS glibc
 * malloc arenas, so what one thread frees after a large batch serves the
 * next request on any thread instead of staying in an arena of its own. */
void to_http_child_init(apr_pool_t *pool, server_rec *s);

/* Finds who is calling, once: the application behind "Authorization:
 * Bearer <key>" (tr->app_id) and the user of a live session (tr->user_id,
 * tr->is_admin), whose signed cookie counts only with an X-CSRF-Token
 * header, as upstream's; tr->permissions holds both's permissions (the
 * user's through their teams). OK, or the status of a database failure. */
int to_identify(to_req_t *tr);

/* The route's permission check: OK, 403, or 401 when authentication is
 * required and absent. */
int to_check_permission(to_req_t *tr);

/* 422 with every validation error found so far, or OK. */
int to_check_valid(to_req_t *tr);

/* Both, in FastAPI's order for a route whose permission is a dependency of
 * the route: permission first, then validation. OK when the handler may go
 * on. (A route that checks its permission in its body, like PATCH
 * /v1/artefacts/{id}, calls TO_VALID then TO_PERMITTED.) */
int to_checked(to_req_t *tr);

#define TO_RETURN_UNLESS_OK(expr)                                                                  \
    do {                                                                                           \
        int to_status_ = (expr);                                                                   \
        if (to_status_ != OK) {                                                                    \
            return to_status_;                                                                     \
        }                                                                                          \
    } while (0)
#define TO_CHECKED(tr) TO_RETURN_UNLESS_OK(to_checked(tr))
#define TO_VALID(tr) TO_RETURN_UNLESS_OK(to_check_valid(tr))
#define TO_PERMITTED(tr) TO_RETURN_UNLESS_OK(to_check_permission(tr))

/* A permission beyond the route's, for rules that depend on the request:
 * OK, or 403 with the answer set. */
int to_check_named_permission(to_req_t *tr, const char *perm);

/* Whether the caller holds perm (or it is ignored), without answering:
 * OK, HTTP_FORBIDDEN, or the status of a database failure. */
int to_permission_held(to_req_t *tr, const char *perm);

/* Answers. Each returns the status, for "return to_answer_...(...)". */
int to_answer_json(to_req_t *tr, int status, json_object *obj);
int to_answer_text(to_req_t *tr, int status, const char *json, apr_size_t len);
int to_answer_detail(to_req_t *tr, int status, const char *detail);
int to_answer_invalid(to_req_t *tr);

/* Writes the answer a handler left in tr for status, with CORS headers. */
int to_respond(to_req_t *tr, int status);

/* CORS: answers a preflight (returns DONE) or decorates an actual request
 * (returns DECLINED). */
int to_cors(to_req_t *tr);

#endif
