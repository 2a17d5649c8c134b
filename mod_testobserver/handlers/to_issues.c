/* GET/PUT /v1/issues and GET/PATCH /v1/issues/{issue_id}.
 *
 * An issue is known by its tracker (source), project and key, read from
 * its URL by model/to_issue_url; its URL is rebuilt from them. The source
 * and status are stored as upstream's enumerations name them (GITHUB,
 * OPEN) and answered in lower case. */
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "../model/to_issue_url.h"
#include "to_handlers.h"
#include "to_sql_json.h"

/* clang-format off */

/* A new issue gets an empty title, status unknown and no auto-rerun; a
 * known one keeps what the request leaves out. */
#define SQL_PUT                                                                                    \
    "WITH up AS (INSERT INTO issue (source, project, key, title, status, auto_rerun_enabled,"      \
    " created_at, updated_at) VALUES (upper(%s)::issuesource, %s, %s, coalesce(%s, ''),"           \
    " coalesce(upper(%s)::issuestatus, 'UNKNOWN'), coalesce(%s::boolean, false), now(), now())"    \
    " ON CONFLICT (project, source, key) DO UPDATE SET title = coalesce(%s, issue.title),"         \
    " status = coalesce(upper(%s)::issuestatus, issue.status),"                                    \
    " auto_rerun_enabled = coalesce(%s::boolean, issue.auto_rerun_enabled), updated_at = now()"    \
    " RETURNING *) SELECT " TO_SQL_ISSUE_JSON("up") " FROM up"

#define SQL_PATCH                                                                                  \
    "WITH up AS (UPDATE issue SET title = coalesce(%s, title),"                                    \
    " status = coalesce(upper(%s)::issuestatus, status),"                                          \
    " auto_rerun_enabled = coalesce(%s::boolean, auto_rerun_enabled), updated_at = now()"          \
    " WHERE id = %s::int RETURNING *) SELECT " TO_SQL_ISSUE_JSON("up") " FROM up"

/* Every search term (a LIKE pattern) must match one of the fields. */
#define SQL_TERMS_MATCH                                                                            \
    "NOT EXISTS (SELECT 1 FROM json_array_elements_text(%s::json) t(p) WHERE NOT ("                \
    "i.id::text LIKE t.p OR i.source::text ILIKE t.p OR i.project ILIKE t.p OR i.key ILIKE t.p"    \
    " OR i.title ILIKE t.p OR i.status::text ILIKE t.p OR " TO_SQL_ISSUE_URL("i") " ILIKE t.p))"

/* Issues with a result of one of the families attached. */
#define SQL_FAMILIES_MATCH                                                                         \
    "i.id IN (SELECT ia.issue_id FROM issue_test_result_attachment ia"                             \
    " JOIN test_result r ON r.id = ia.test_result_id"                                              \
    " JOIN test_execution te ON te.id = r.test_execution_id"                                       \
    " JOIN artefact_build b ON b.id = te.artefact_build_id JOIN artefact a ON a.id = b.artefact_id"\
    " WHERE a.family::text IN (SELECT json_array_elements_text(%s::json)))"

/* A page of the matching issues by source (in the enumeration's order),
 * project and key, each with the number of executions its results are
 * in, and how many match in all. */
#define SQL_LIST                                                                                   \
    "WITH hit AS (SELECT i.* FROM issue i"                                                         \
    " WHERE (%s::text IS NULL OR i.source = upper(%s)::issuesource)"                               \
    " AND (%s::text IS NULL OR i.project = %s)"                                                    \
    " AND (%s::json IS NULL OR lower(i.status::text) IN (SELECT json_array_elements_text(%s::json)))"\
    " AND (%s::json IS NULL OR " SQL_FAMILIES_MATCH ") AND " SQL_TERMS_MATCH "),"                  \
    " page AS (SELECT * FROM hit ORDER BY source, project, key LIMIT %s::int OFFSET %s::int)"      \
    " SELECT json_build_object('issues', coalesce((SELECT json_agg("                               \
    TO_SQL_MINIMAL_ISSUE_JSON("p", "(SELECT count(DISTINCT r.test_execution_id)"                   \
    " FROM issue_test_result_attachment ia JOIN test_result r ON r.id = ia.test_result_id"         \
    " WHERE ia.issue_id = p.id)") " ORDER BY p.source, p.project, p.key) FROM page p), '[]'::json),"\
    " 'count', (SELECT count(*) FROM hit), 'limit', %s::int, 'offset', %s::int)"

/* clang-format on */

const to_sql_t to_sql_issues[] = {
    {"issues_get", "SELECT " TO_SQL_ISSUE_JSON("i") " FROM issue i WHERE i.id = %s::int"},
    {"issues_put", SQL_PUT},
    {"issues_patch", SQL_PATCH},
    {"issues_list", SQL_LIST},
    {NULL, NULL}};

#define NOT_FOUND "Issue not found"

static const char *const sources[] = {"jira", "github", "launchpad", NULL};
static const char *const statuses[] = {"unknown", "open", "closed", NULL};

/* IssuePatchRequest, and IssuePutRequest which adds the URL after it. */
static const to_field_t issue_fields[] = {
    {"title", TO_T_STR, TO_NULLABLE, 0, NULL},
    {"status", TO_T_ENUM, TO_NULLABLE, 0, statuses},
    {"auto_rerun_enabled", TO_T_BOOL, TO_NULLABLE, 0, NULL},
    {"url", TO_T_URL, TO_REQUIRED, 0, NULL},
};
#define NPATCH_FIELDS 3

typedef struct {
    const char *title;
    const char *status;
    const char *auto_rerun; /* "true", "false" or NULL */
    const char *url;
} issue_body_t;

static void read_issue_body(to_req_t *tr, json_object *body, int with_url, issue_body_t *ib)
{
    to_obj_t obj;

    memset(ib, 0, sizeof(*ib));
    if (!body) {
        return;
    }
    to_validate_object(&tr->verr, to_loc(&tr->verr, "body"), body, issue_fields,
                       with_url ? TO_NELTS(issue_fields) : NPATCH_FIELDS, &obj);
    if (!obj.ok) {
        return;
    }
    ib->title = to_obj_str(&obj, "title", NULL);
    ib->status = to_obj_str(&obj, "status", NULL);
    if (to_obj_get(&obj, "auto_rerun_enabled")) {
        ib->auto_rerun = to_obj_bool(&obj, "auto_rerun_enabled", 0) ? "true" : "false";
    }
    if (with_url) {
        ib->url = to_obj_str(&obj, "url", NULL);
    }
}

/* Turning auto-rerun on or off also takes change_auto_rerun. */
static int auto_rerun_checked(to_req_t *tr, const char *auto_rerun)
{
    return auto_rerun ? to_check_named_permission(tr, "change_auto_rerun") : OK;
}

/* Characters of a UTF-8 string. */
static size_t utf8_len(const char *s)
{
    size_t n = 0;

    for (; *s; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

int to_h_issues_put(to_req_t *tr)
{
    issue_body_t ib;
    to_issue_ref_t ref;
    json_object *body;
    const char *err;
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    read_issue_body(tr, body, 1, &ib);
    TO_CHECKED(tr);
    if ((rv = auto_rerun_checked(tr, ib.auto_rerun)) != OK) {
        return rv;
    }
    err = to_issue_url_parse(tr->pool, to_normal_http_url(tr->pool, ib.url), &ref);
    if (err) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY, err);
    }
    /* the columns hold 200 characters */
    if (utf8_len(ref.project) > 200 || utf8_len(ref.key) > 200) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY,
                                "The issue's project and key must have at most 200 characters");
    }
    return to_answer_query(tr, NOT_FOUND, "issues_put", ref.source, ref.project, ref.key, ib.title,
                           ib.status, ib.auto_rerun, ib.title, ib.status, ib.auto_rerun);
}

int to_h_issue_get(to_req_t *tr)
{
    int id = to_path_id(tr, "issue_id");

    TO_CHECKED(tr);
    return to_answer_query(tr, NOT_FOUND, "issues_get", apr_itoa(tr->pool, id));
}

/* Upstream also reads title, status and auto_rerun_enabled from the query
 * string (only to decide on change_auto_rerun): they are validated, and a
 * given auto_rerun_enabled takes the permission too. */
static const char *patch_query(to_req_t *tr)
{
    static const to_field_t query_fields[] = {
        {"status", TO_T_ENUM, 0, 0, statuses},
        {"auto_rerun_enabled", TO_T_BOOL, 0, 0, NULL},
    };
    json_object *qloc = to_loc(&tr->verr, "query");
    const char *auto_rerun = NULL;
    int i;

    for (i = 0; i < TO_NELTS(query_fields); i++) {
        const char *v = to_query(tr, query_fields[i].name);
        if (v &&
            to_validate_value(&tr->verr, to_loc_key(&tr->verr, qloc, query_fields[i].name),
                              to_json_own(tr->pool, to_json_str(v)), &query_fields[i]) &&
            i == 1) {
            auto_rerun = v;
        }
    }
    return auto_rerun;
}

int to_h_issue_patch(to_req_t *tr)
{
    const char *query_auto_rerun = patch_query(tr);
    int id = to_path_id(tr, "issue_id");
    issue_body_t ib;
    json_object *body;
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    read_issue_body(tr, body, 0, &ib);
    TO_CHECKED(tr);
    if ((rv = auto_rerun_checked(tr, ib.auto_rerun ? ib.auto_rerun : query_auto_rerun)) != OK) {
        return rv;
    }
    return to_answer_query(tr, NOT_FOUND, "issues_patch", ib.title, ib.status, ib.auto_rerun,
                           apr_itoa(tr->pool, id));
}

/* An integer query parameter between min and max (max < 0: unbounded),
 * as text; dflt when absent, NULL after an error. */
static const char *query_int(to_req_t *tr, const char *name, const char *dflt, int min, int max)
{
    const char *s = to_query(tr, name), *type;
    json_object *loc, *input, *ctx;
    int v;

    if (!s) {
        return dflt;
    }
    loc = to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), name);
    input = to_json_own(tr->pool, to_json_str(s));
    if (!to_parse_int32(s, &v, &type)) {
        if (!strcmp(type, "int_parsing") || max < 0) {
            to_validate_value(&tr->verr, loc, input, &(to_field_t){name, TO_T_INT, 0, 0, NULL});
            return NULL;
        }
        v = !strcmp(type, "less_than_equal") ? max + 1 : min - 1;
    }
    if (v < min) {
        ctx = json_object_new_object();
        json_object_object_add(ctx, "ge", json_object_new_int(min));
        to_verr_add(&tr->verr, "greater_than_equal", loc,
                    apr_psprintf(tr->pool, "Input should be greater than or equal to %d", min),
                    input, ctx);
        return NULL;
    }
    if (max >= 0 && v > max) {
        ctx = json_object_new_object();
        json_object_object_add(ctx, "le", json_object_new_int(max));
        to_verr_add(&tr->verr, "less_than_equal", loc,
                    apr_psprintf(tr->pool, "Input should be less than or equal to %d", max), input,
                    ctx);
        return NULL;
    }
    return apr_itoa(tr->pool, v);
}

/* Every value of a repeated enumeration parameter, as a JSON list; NULL
 * when the parameter is absent. */
static const char *query_enum_list(to_req_t *tr, const char *name, const char *const *choices)
{
    apr_array_header_t *all = to_query_all(tr, name);
    json_object *loc = to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), name);
    json_object *list = to_json_own(tr->pool, json_object_new_array());
    int i;

    for (i = 0; i < all->nelts; i++) {
        const char *v = APR_ARRAY_IDX(all, i, const char *);
        if (to_enum_index(choices, v) < 0) {
            to_verr_enum(&tr->verr, to_loc_index(&tr->verr, loc, i),
                         to_json_own(tr->pool, to_json_str(v)), choices);
        }
        else {
            json_object_array_add(list, json_object_new_string(v));
        }
    }
    return all->nelts ? to_json_text(tr->pool, list) : NULL;
}

/* The search terms: q split at white space, each as "%term%", lower-case
 * as upstream makes them (the id is compared with LIKE, the rest with
 * ILIKE). */
static const char *search_terms(to_req_t *tr, const char *q)
{
    json_object *terms = to_json_own(tr->pool, json_object_new_array());
    const char *p = q;

    while (p && *p) {
        const char *start;
        char *term;
        size_t i;

        while (*p && (apr_isspace(*p) || (*p >= 0x1c && *p <= 0x1f))) {
            p++;
        }
        start = p;
        while (*p && !(apr_isspace(*p) || (*p >= 0x1c && *p <= 0x1f))) {
            p++;
        }
        if (p == start) {
            break;
        }
        term = apr_pstrmemdup(tr->pool, start, (apr_size_t)(p - start));
        for (i = 0; term[i]; i++) {
            term[i] = (char)apr_tolower(term[i]);
        }
        json_object_array_add(terms,
                              json_object_new_string(apr_pstrcat(tr->pool, "%", term, "%", NULL)));
    }
    return to_json_text(tr->pool, terms);
}

int to_h_issues_get(to_req_t *tr)
{
    const char *source = to_query(tr, "source");
    const char *project = to_query(tr, "project");
    const char *status, *families, *limit, *offset, *terms;

    /* errors in the order of the parameters */
    if (source && to_enum_index(sources, source) < 0) {
        to_verr_enum(&tr->verr, to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), "source"),
                     to_json_own(tr->pool, to_json_str(source)), sources);
    }
    status = query_enum_list(tr, "status", statuses);
    families = query_enum_list(tr, "families", to_families);
    limit = query_int(tr, "limit", "50", 1, 1000);
    offset = query_int(tr, "offset", "0", 0, -1);
    terms = search_terms(tr, to_query(tr, "q"));
    TO_CHECKED(tr);

    /* empty values filter nothing, as upstream tests them for truth */
    if (source && !*source) {
        source = NULL;
    }
    if (project && !*project) {
        project = NULL;
    }
    return to_answer_query(tr, "Not Found", "issues_list", source, source, project, project, status,
                           status, families, families, terms, limit, offset, limit, offset);
}
