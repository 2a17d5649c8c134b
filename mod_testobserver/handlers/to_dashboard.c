/* Query parameters and checks shared by the dashboard lookups. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_dashboard.h"

static json_object *query_loc(to_req_t *tr, const char *name)
{
    return to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), name);
}

static json_object *str_input(to_req_t *tr, const char *s)
{
    return to_json_own(tr->pool, to_json_str(s));
}

/* "less_than_equal" / "greater_than_equal" with the bound in ctx */
static void bound_error(to_req_t *tr, const char *name, const char *s, int upper, long long bound)
{
    json_object *ctx = json_object_new_object();

    json_object_object_add(ctx, upper ? "le" : "ge", json_object_new_int64(bound));
    to_verr_add(&tr->verr, upper ? "less_than_equal" : "greater_than_equal", query_loc(tr, name),
                apr_psprintf(tr->pool, "Input should be %s than or equal to %" APR_INT64_T_FMT,
                             upper ? "less" : "greater", (apr_int64_t)bound),
                str_input(tr, s), ctx);
}

const char *to_dash_query_int(to_req_t *tr, const char *name, long long dflt, long long min,
                              long long max)
{
    const char *s = to_query(tr, name), *p;
    char *end;
    long long v;

    if (!s) {
        return apr_psprintf(tr->pool, "%" APR_INT64_T_FMT, (apr_int64_t)dflt);
    }
    for (p = s; apr_isspace(*p); p++) {
    }
    errno = 0;
    v = strtoll(p, &end, 10);
    if (end != p) {
        while (apr_isspace(*end)) {
            end++;
        }
    }
    if (end == p || *end) {
        to_verr_add(&tr->verr, "int_parsing", query_loc(tr, name),
                    "Input should be a valid integer, unable to parse string as an integer",
                    str_input(tr, s), NULL);
        return NULL;
    }
    /* past the 64-bit range: refused rather than handed to the database */
    if ((errno == ERANGE && v > 0) || v > max) {
        bound_error(tr, name, s, 1, max);
        return NULL;
    }
    if (v < min) {
        bound_error(tr, name, s, 0, min);
        return NULL;
    }
    return apr_psprintf(tr->pool, "%" APR_INT64_T_FMT, (apr_int64_t)v);
}

const char *to_dash_families(to_req_t *tr)
{
    apr_array_header_t *all = to_query_all(tr, "families");
    json_object *list, *loc;
    int i;

    if (all->nelts == 0) {
        return NULL;
    }
    list = to_json_own(tr->pool, json_object_new_array());
    loc = query_loc(tr, "families");
    for (i = 0; i < all->nelts; i++) {
        const char *f = APR_ARRAY_IDX(all, i, const char *);

        if (to_enum_index(to_families, f) < 0) {
            to_verr_enum(&tr->verr, to_loc_index(&tr->verr, loc, i), str_input(tr, f), to_families);
            continue;
        }
        json_object_array_add(list, json_object_new_string(f));
    }
    return to_json_text(tr->pool, list);
}

const char *to_dash_search(to_req_t *tr)
{
    const char *q = to_query(tr, "q"), *end;

    if (!q) {
        return NULL;
    }
    while (apr_isspace(*q)) {
        q++;
    }
    end = q + strlen(q);
    while (end > q && apr_isspace(end[-1])) {
        end--;
    }
    if (end == q) {
        return NULL;
    }
    /* the pattern is bound as a value: SQL text never holds a '%' */
    return apr_pstrcat(tr->pool, "%", apr_pstrmemdup(tr->pool, q, (apr_size_t)(end - q)), "%",
                       NULL);
}

static const char *const bool_true[] = {"true", "1", "yes", "on", "t", "y", NULL};

const char *to_dash_query_bool(to_req_t *tr, const char *name)
{
    const char *s = to_query(tr, name);
    static const to_field_t f = {"", TO_T_BOOL, 0, 0, NULL};
    int i;

    if (!s || !to_validate_value(&tr->verr, query_loc(tr, name), str_input(tr, s), &f)) {
        return NULL;
    }
    for (i = 0; bool_true[i]; i++) {
        if (!strcasecmp(s, bool_true[i])) {
            return "true";
        }
    }
    return "false";
}

void to_dash_body_required(to_req_t *tr, json_object *body)
{
    size_t i, n = json_object_array_length(tr->verr.list);

    if (body) {
        return;
    }
    /* an empty body was already reported as missing */
    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(tr->verr.list, i), *type, *loc;

        if (json_object_object_get_ex(e, "type", &type) &&
            !strcmp(json_object_get_string(type), "missing") &&
            json_object_object_get_ex(e, "loc", &loc) && json_object_array_length(loc) == 1) {
            return;
        }
    }
    to_verr_add(&tr->verr, "missing", to_loc(&tr->verr, "body"), "Field required", NULL, NULL);
}

/* The parts of an http(s) URL that pydantic normalises. */
typedef struct {
    const char *scheme, *userinfo, *host, *port, *rest;
    apr_size_t scheme_len, userinfo_len, host_len, port_len;
} url_parts_t;

static int split_url(const char *url, url_parts_t *u)
{
    const char *auth, *at, *p, *end;

    memset(u, 0, sizeof(*u));
    auth = strstr(url, "://");
    if (!auth) {
        return 0;
    }
    u->scheme = url;
    u->scheme_len = (apr_size_t)(auth - url);
    auth += 3;
    end = auth + strcspn(auth, "/?#\\");
    u->rest = end;
    /* user information ends at the last '@' of the authority */
    for (at = NULL, p = auth; p < end; p++) {
        if (*p == '@') {
            at = p;
        }
    }
    if (at) {
        u->userinfo = auth;
        u->userinfo_len = (apr_size_t)(at + 1 - auth);
        auth = at + 1;
    }
    u->host = auth;
    if (*auth == '[') {
        p = memchr(auth, ']', (apr_size_t)(end - auth));
        p = p ? p + 1 : end;
    }
    else {
        p = memchr(auth, ':', (apr_size_t)(end - auth));
        p = p ? p : end;
    }
    u->host_len = (apr_size_t)(p - auth);
    if (p < end && *p == ':') {
        u->port = p + 1;
        u->port_len = (apr_size_t)(end - p - 1);
    }
    return 1;
}

int to_dash_issue_host_ok(const char *url)
{
    static const char *const hosts[] = {"github.com", "warthogs.atlassian.net",
                                        "bugs.launchpad.net", NULL};
    url_parts_t u;
    int i;

    if (!split_url(url, &u)) {
        return 0;
    }
    for (i = 0; hosts[i]; i++) {
        if (u.host_len == strlen(hosts[i]) && !strncasecmp(u.host, hosts[i], u.host_len)) {
            return 1;
        }
    }
    return 0;
}

static char *lower(apr_pool_t *pool, const char *s, apr_size_t len)
{
    char *out = apr_pstrmemdup(pool, s, len);
    char *p;

    for (p = out; *p; p++) {
        *p = (char)apr_tolower(*p);
    }
    return out;
}

const char *to_dash_normal_url(apr_pool_t *pool, const char *url)
{
    url_parts_t u;
    const char *scheme, *port = "";
    char *rest, *p;

    if (!split_url(url, &u)) {
        return url;
    }
    scheme = lower(pool, u.scheme, u.scheme_len);
    if (u.port) {
        const char *digits = apr_pstrmemdup(pool, u.port, u.port_len);
        int dflt = (!strcmp(scheme, "http") && !strcmp(digits, "80")) ||
                   (!strcmp(scheme, "https") && !strcmp(digits, "443"));
        port = (dflt || !*digits) ? "" : apr_pstrcat(pool, ":", digits, NULL);
    }
    /* the path starts with '/', and a backslash in it is a '/' */
    rest = (*u.rest == '/' || *u.rest == '\\') ? apr_pstrdup(pool, u.rest)
                                               : apr_pstrcat(pool, "/", u.rest, NULL);
    for (p = rest; *p && *p != '?' && *p != '#'; p++) {
        if (*p == '\\') {
            *p = '/';
        }
    }
    return apr_pstrcat(pool, scheme, "://",
                       apr_pstrmemdup(pool, u.userinfo ? u.userinfo : "", u.userinfo_len),
                       lower(pool, u.host, u.host_len), port, rest, NULL);
}
