/* The HTTP glue around handlers: parameters, body, validation, permission,
 * answers and CORS. */
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <httpd.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <util_script.h>

#include <apr_strings.h>

#include "../config/to_config_parse.h"
#include "../db/to_db.h"
#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "../model/to_filters.h"
#include "../model/to_session.h"
#include "../to_private.h"
#include "to_http.h"

int to_path_id(to_req_t *tr, const char *name)
{
    const char *value = to_match_param(&tr->match, name);
    const char *type;
    int id = 0;

    if (value && to_parse_int32(value, &id, &type)) {
        return id;
    }
    {
        /* the same wording as the validation of JSON integers */
        json_object *loc = to_loc_key(&tr->verr, to_loc(&tr->verr, "path"), name);
        json_object *input =
            to_json_own(tr->pool, to_json_str(value ? to_utf8_fix(tr->pool, value) : NULL));
        to_field_t f = {name, TO_T_INT, 0, 0, NULL};
        to_validate_value(&tr->verr, loc, input, &f);
    }
    return 0;
}

apr_table_t *to_http_parse_query(request_rec *r)
{
    apr_table_t *t = apr_table_make(r->pool, 8);
    char *args, *pair, *state;

    if (!r->args) {
        return t;
    }
    args = apr_pstrdup(r->pool, r->args);
    for (pair = apr_strtok(args, "&", &state); pair; pair = apr_strtok(NULL, "&", &state)) {
        char *eq = strchr(pair, '=');
        char *key = pair, *value = "";

        if (eq) {
            *eq = '\0';
            value = eq + 1;
        }
        if (ap_unescape_urlencoded(key) != OK || ap_unescape_urlencoded(value) != OK) {
            continue;
        }
        if (*key) {
            /* bytes that are not UTF-8 read as U+FFFD, as Starlette does */
            apr_table_add(t, to_utf8_fix(r->pool, key), to_utf8_fix(r->pool, value));
        }
    }
    return t;
}

const char *to_query(to_req_t *tr, const char *name)
{
    const apr_array_header_t *all = apr_table_elts(tr->query);
    const apr_table_entry_t *e = (const apr_table_entry_t *)all->elts;
    const char *last = NULL;
    int i;

    for (i = 0; i < all->nelts; i++) {
        if (!strcmp(e[i].key, name)) {
            last = e[i].val;
        }
    }
    return last;
}

apr_array_header_t *to_query_all(to_req_t *tr, const char *name)
{
    const apr_array_header_t *all = apr_table_elts(tr->query);
    const apr_table_entry_t *e = (const apr_table_entry_t *)all->elts;
    apr_array_header_t *out = apr_array_make(tr->pool, 4, sizeof(const char *));
    int i;

    for (i = 0; i < all->nelts; i++) {
        if (!strcmp(e[i].key, name)) {
            APR_ARRAY_PUSH(out, const char *) = e[i].val;
        }
    }
    return out;
}

/* JSON unless a Content-Type says otherwise: older CI clients send none. */
static int is_json_type(const char *ct)
{
    size_t n;

    if (!ct || !*ct) {
        return 1;
    }
    n = strcspn(ct, "; \t");
    if (n == 16 && !strncasecmp(ct, "application/json", 16)) {
        return 1;
    }
    return n > 5 && !strncasecmp(ct + n - 5, "+json", 5) && !strncasecmp(ct, "application/", 12);
}

/* A body this large (a batch of thousands of results) leaves megabytes of
 * freed json-c objects in malloc's free lists; glibc hands free pages back
 * to the system only when asked, so ask once the request's connection is
 * done with them (its pool ends after the request pools). */
#define TO_TRIM_BODY ((apr_size_t)256 * 1024)
/* glibc's default is 8 arenas per core, each kept at its high-water mark:
 * a child of 16 threads then grows by a batch's size per thread. */
#define TO_MALLOC_ARENAS 2

#ifdef __GLIBC__
static apr_status_t trim_heap(void *data)
{
    (void)data;
    malloc_trim(0);
    return APR_SUCCESS;
}
#endif

void to_http_child_init(apr_pool_t *pool, server_rec *s)
{
    (void)pool;
    (void)s;
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, TO_MALLOC_ARENAS);
#endif
}

int to_read_body(to_req_t *tr, json_object **body)
{
    request_rec *r = tr->r;
    apr_off_t limit = to_config_max_body(tr->conf);
    apr_size_t len = 0, cap = 8192;
    char *buf;
    long got;
    int rv;

    *body = NULL;
    if ((rv = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK)) != OK) {
        return to_answer_detail(tr, rv, "Invalid request body");
    }
    if (r->remaining > limit) {
        return to_answer_detail(tr, HTTP_REQUEST_ENTITY_TOO_LARGE, "Request body too large");
    }
    if (r->remaining > 0) {
        cap = (apr_size_t)r->remaining + 1;
    }
    buf = apr_palloc(r->pool, cap);
    if (ap_should_client_block(r)) {
        for (;;) {
            if (len + 8192 + 1 > cap) {
                char *bigger;
                cap = cap * 2 + 8192;
                bigger = apr_palloc(r->pool, cap);
                memcpy(bigger, buf, len);
                buf = bigger;
            }
            got = ap_get_client_block(r, buf + len, cap - len - 1);
            if (got == 0) {
                break;
            }
            if (got < 0) {
                return to_answer_detail(tr, HTTP_BAD_REQUEST, "Error reading request body");
            }
            len += (apr_size_t)got;
            if ((apr_off_t)len > limit) {
                return to_answer_detail(tr, HTTP_REQUEST_ENTITY_TOO_LARGE,
                                        "Request body too large");
            }
        }
    }
    buf[len] = '\0';
#ifdef __GLIBC__
    if (len >= TO_TRIM_BODY) {
        void *set = NULL;
        /* once per connection, however many batches it carries */
        apr_pool_userdata_get(&set, "to_trim_heap", r->connection->pool);
        if (!set) {
            apr_pool_userdata_setn("", "to_trim_heap", NULL, r->connection->pool);
            apr_pool_cleanup_register(r->connection->pool, NULL, trim_heap, apr_pool_cleanup_null);
        }
    }
#endif

    if (len == 0) {
        to_verr_add(&tr->verr, "missing", to_loc(&tr->verr, "body"), "Field required", NULL, NULL);
        return OK;
    }
    if (!is_json_type(apr_table_get(r->headers_in, "Content-Type"))) {
        /* handed to validation as text, which echoes it: keep it UTF-8 */
        *body = to_json_own(tr->pool, to_json_outside_str(tr->pool, buf, len));
        return OK;
    }
    {
        to_json_parse_t parsed;
        apr_status_t rv = to_json_parse(tr->pool, buf, len, &parsed);
        if (rv != APR_SUCCESS) {
            json_object *loc =
                to_loc_index(&tr->verr, to_loc(&tr->verr, "body"), (int)parsed.offset);
            json_object *ctx = json_object_new_object();
            json_object *input = to_json_own(tr->pool, json_object_new_object());
            json_object_object_add(ctx, "error", json_object_new_string(parsed.error));
            to_verr_add(&tr->verr, "json_invalid", loc, "JSON decode error", input, ctx);
            return to_answer_invalid(tr);
        }
        *body = parsed.value;
        if (!*body) {
            /* a JSON null is no body at all */
            to_verr_add(&tr->verr, "missing", to_loc(&tr->verr, "body"), "Field required", NULL,
                        NULL);
        }
    }
    return OK;
}

static void add_permissions(to_req_t *tr, const char *list)
{
    char *copy, *state, *p;

    if (!tr->permissions) {
        tr->permissions = apr_array_make(tr->pool, 16, sizeof(const char *));
    }
    copy = apr_pstrdup(tr->pool, list ? list : "");
    for (p = apr_strtok(copy, ",", &state); p; p = apr_strtok(NULL, ",", &state)) {
        APR_ARRAY_PUSH(tr->permissions, const char *) = p;
    }
}

/* The session cookie's user, when sessions are on and the request carries
 * the CSRF header (a cross-site form cannot set it). */
static int identify_user(to_req_t *tr)
{
    const char *secret = to_config_session_secret(tr->conf);
    const char *cookies, *value;
    apr_int64_t session_id;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    int status;

    if (!secret || !apr_table_get(tr->r->headers_in, "X-CSRF-Token") ||
        !(cookies = apr_table_get(tr->r->headers_in, "Cookie")) ||
        !(value = to_cookie_find(tr->pool, cookies, TO_SESSION_COOKIE)) ||
        !to_session_cookie_read(tr->pool, secret, value, apr_time_sec(apr_time_now()),
                                TO_SESSION_MAX_AGE, &session_id)) {
        return OK;
    }
    if ((status = to_db_select(tr, "auth_session", &res,
                               apr_psprintf(tr->pool, "%" APR_INT64_T_FMT, session_id))) != OK) {
        return status;
    }
    while (to_db_next(tr, res, &row) == 0) {
        const char *admin = to_db_col(tr, row, 1);

        tr->user_id = to_db_col(tr, row, 0);
        tr->is_admin = admin && *admin == 't';
        tr->session_id = to_db_col(tr, row, 3);
        add_permissions(tr, to_db_col(tr, row, 2));
    }
    return OK;
}

int to_identify(to_req_t *tr)
{
    const char *auth, *key;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    int status;

    if (tr->identified) {
        return OK;
    }
    tr->identified = 1;
    if ((status = identify_user(tr)) != OK) {
        return status;
    }
    auth = apr_table_get(tr->r->headers_in, "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) {
        return OK;
    }
    key = auth + 7;
    while (*key == ' ') {
        key++;
    }
    if (!*key) {
        return OK;
    }
    if ((status = to_db_select(tr, "auth_application", &res, key)) != OK) {
        return status;
    }
    while (to_db_next(tr, res, &row) == 0) {
        tr->app_id = to_db_col(tr, row, 0);
        add_permissions(tr, to_db_col(tr, row, 1));
    }
    return OK;
}

static int holds(const to_req_t *tr, const char *permission)
{
    int i;

    if (tr->is_admin) {
        return 1;
    }
    for (i = 0; tr->permissions && i < tr->permissions->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(tr->permissions, i, const char *), permission)) {
            return 1;
        }
    }
    return 0;
}

int to_check_permission(to_req_t *tr)
{
    const char *perm = tr->route->permission;
    int status;

    if (perm == TO_PERM_NONE) {
        return OK;
    }
    if (!strcmp(perm, TO_PERM_AUTHENTICATED)) {
        if (!to_config_require_authentication(tr->conf)) {
            return OK;
        }
        if ((status = to_identify(tr)) != OK) {
            return status;
        }
        return tr->app_id || tr->user_id
                   ? OK
                   : to_answer_detail(tr, HTTP_UNAUTHORIZED, "Not authenticated");
    }
    return to_check_named_permission(tr, perm);
}

int to_permission_held(to_req_t *tr, const char *perm)
{
    int status;

    if (to_config_permission_ignored(tr->conf, perm)) {
        return OK;
    }
    if ((status = to_identify(tr)) != OK) {
        return status;
    }
    return holds(tr, perm) ? OK : HTTP_FORBIDDEN;
}

int to_check_named_permission(to_req_t *tr, const char *perm)
{
    int status = to_permission_held(tr, perm);

    return status == HTTP_FORBIDDEN ? to_answer_detail(tr, status, "Insufficient permissions")
                                    : status;
}

int to_check_valid(to_req_t *tr)
{
    return to_verr_count(&tr->verr) > 0 ? to_answer_invalid(tr) : OK;
}

int to_checked(to_req_t *tr)
{
    /* FastAPI resolves the route's permission dependency before it
     * validates parameters and body: 401/403 come before 422 */
    int status = to_check_permission(tr);
    return status != OK ? status : to_check_valid(tr);
}

int to_answer_json(to_req_t *tr, int status, json_object *obj)
{
    tr->out = to_json_text(tr->pool, obj);
    tr->out_len = strlen(tr->out);
    return status;
}

int to_answer_text(to_req_t *tr, int status, const char *json, apr_size_t len)
{
    char *copy = apr_pstrmemdup(tr->pool, json, len);

    tr->out_len = to_json_compact(copy, len);
    tr->out = copy;
    return status;
}

int to_answer_detail(to_req_t *tr, int status, const char *detail)
{
    tr->detail = detail;
    return status;
}

int to_answer_invalid(to_req_t *tr)
{
    json_object *o = to_json_own(tr->pool, json_object_new_object());

    json_object_object_add(o, "detail", json_object_get(tr->verr.list));
    return to_answer_json(tr, HTTP_UNPROCESSABLE_ENTITY, o);
}

/* CORS as Starlette's middleware does it for upstream: credentials allowed,
 * any request header, the listed methods. */
#define CORS_METHODS "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"

static void cors_simple(to_req_t *tr, const char *origin)
{
    apr_table_t *h = tr->r->err_headers_out;

    apr_table_setn(h, "Access-Control-Allow-Credentials", "true");
    if (to_origin_allowed(to_config_cors_origins(tr->conf), origin)) {
        apr_table_setn(h, "Access-Control-Allow-Origin", origin);
        apr_table_mergen(h, "Vary", "Origin");
    }
}

static int cors_method_allowed(const char *method)
{
    static const char *const methods[] = {"DELETE", "GET",  "HEAD", "OPTIONS",
                                          "PATCH",  "POST", "PUT",  NULL};
    return to_enum_index(methods, method) >= 0;
}

int to_cors(to_req_t *tr)
{
    request_rec *r = tr->r;
    apr_table_t *h = r->err_headers_out;
    const char *origin = apr_table_get(r->headers_in, "Origin");
    const char *req_method = apr_table_get(r->headers_in, "Access-Control-Request-Method");
    const char *req_headers = apr_table_get(r->headers_in, "Access-Control-Request-Headers");
    const char *failures = NULL;

    if (!origin) {
        return DECLINED;
    }
    if (strcmp(r->method, "OPTIONS") || !req_method) {
        cors_simple(tr, origin);
        return DECLINED;
    }
    /* a preflight */
    apr_table_setn(h, "Access-Control-Allow-Methods", CORS_METHODS);
    apr_table_setn(h, "Access-Control-Max-Age", "600");
    apr_table_setn(h, "Access-Control-Allow-Credentials", "true");
    apr_table_mergen(h, "Vary", "Origin");
    if (to_origin_allowed(to_config_cors_origins(tr->conf), origin)) {
        apr_table_setn(h, "Access-Control-Allow-Origin", origin);
    }
    else {
        failures = "origin";
    }
    if (!cors_method_allowed(req_method)) {
        failures = failures ? apr_pstrcat(r->pool, failures, ", method", NULL) : "method";
    }
    if (req_headers) {
        apr_table_setn(h, "Access-Control-Allow-Headers", req_headers);
    }
    if (apr_table_get(r->headers_in, "Access-Control-Request-Private-Network")) {
        failures = failures ? apr_pstrcat(r->pool, failures, ", private-network", NULL)
                            : "private-network";
    }
    r->status = failures ? HTTP_BAD_REQUEST : HTTP_OK;
    ap_set_content_type(r, "text/plain; charset=utf-8");
    ap_rputs(failures ? apr_pstrcat(r->pool, "Disallowed CORS ", failures, NULL) : "OK", r);
    return DONE;
}

int to_respond(to_req_t *tr, int status)
{
    request_rec *r = tr->r;
    const char *body;
    apr_size_t len;

    /* nothing half-done survives a failed request */
    if (tr->in_transaction) {
        to_db_rollback(tr);
    }
    if (tr->out) {
        body = tr->out;
        len = tr->out_len;
    }
    else if (tr->detail) {
        json_object *o = to_json_own(tr->pool, json_object_new_object());
        json_object_object_add(o, "detail", json_object_new_string(tr->detail));
        body = to_json_text(tr->pool, o);
        len = strlen(body);
    }
    else if (status == HTTP_NO_CONTENT) {
        body = NULL;
        len = 0;
    }
    else {
        body = "null";
        len = 4;
    }
    r->status = status;
    if (status == HTTP_UNPROCESSABLE_ENTITY) {
        /* the reason phrase of RFC 9110, as upstream sends it */
        r->status_line = "422 Unprocessable Content";
    }
    if (!body) {
        /* upstream labels even its empty 204 answers as JSON */
        apr_table_setn(r->headers_out, "Content-Type", "application/json");
    }
    else {
        ap_set_content_type(r, tr->content_type ? tr->content_type : "application/json");
        ap_set_content_length(r, (apr_off_t)len);
        if (!r->header_only) {
            ap_rwrite(body, (int)len, r);
        }
    }
    return OK;
}
