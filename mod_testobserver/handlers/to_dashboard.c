/* Query parameters and checks shared by the dashboard lookups. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_dashboard.h"
#include "to_handlers.h"

static json_object *query_loc(to_req_t *tr, const char *name)
{
    return to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), name);
}

static json_object *str_input(to_req_t *tr, const char *s)
{
    return to_json_own(tr->pool, to_json_str(s));
}

const char *to_dash_query_int(to_req_t *tr, const char *name, long long dflt, long long min,
                              long long max)
{
    const char *s = to_query(tr, name);
    long long v = dflt;

    if (s && !to_query_int(&tr->verr, query_loc(tr, name), s, min, max, &v)) {
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

const char *to_dash_query_bool(to_req_t *tr, const char *name)
{
    const char *s = to_query(tr, name);
    static const to_field_t f = {"", TO_T_BOOL, 0, 0, NULL};
    json_object *input;

    if (!s) {
        return NULL;
    }
    input = str_input(tr, s);
    if (!to_validate_value(&tr->verr, query_loc(tr, name), input, &f)) {
        return NULL;
    }
    return to_lax_bool(input) ? "true" : "false";
}

int to_dash_issue_host_ok(apr_pool_t *pool, const char *url)
{
    static const char *const hosts[] = {"github.com", "warthogs.atlassian.net",
                                        "bugs.launchpad.net", NULL};
    const char *host = to_url_host(pool, url);

    return host && to_enum_index(hosts, host) >= 0;
}

int to_reported_issue_create(to_req_t *tr, const to_reported_kind_t *kind)
{
    const char *v[4] = {NULL, NULL, NULL, NULL};
    int rv;

    if ((rv = kind->read(tr, v)) != OK) {
        return rv;
    }
    TO_CHECKED(tr);
    return to_answer_query(tr, "Not Found", kind->create, v[0], v[1], v[2], v[3]);
}

static const char *reported_not_found(to_req_t *tr, const to_reported_kind_t *kind, int id)
{
    return apr_psprintf(tr->pool, "%s %d not found", kind->what, id);
}

int to_reported_issue_replace(to_req_t *tr, const to_reported_kind_t *kind)
{
    int id = to_path_id(tr, "issue_id");
    const char *v[4] = {NULL, NULL, NULL, NULL};
    int rv;

    if ((rv = kind->read(tr, v)) != OK) {
        return rv;
    }
    TO_CHECKED(tr);
    return to_answer_query(tr, reported_not_found(tr, kind, id), kind->update, v[0], v[1], v[2],
                           v[3], apr_itoa(tr->pool, id));
}

int to_reported_issue_delete(to_req_t *tr, const to_reported_kind_t *kind)
{
    int id = to_path_id(tr, "issue_id");
    int rv;

    TO_CHECKED(tr);
    if (!to_db_value(tr, &rv, kind->remove, apr_itoa(tr->pool, id))) {
        return rv != OK ? rv
                        : to_answer_detail(tr, HTTP_NOT_FOUND, reported_not_found(tr, kind, id));
    }
    return to_answer_text(tr, HTTP_OK, "null", 4);
}
