/* POST, GET and DELETE /v1/test-executions/reruns: rerun requests.
 *
 * A rerun request names a group of executions (test plan, artefact build,
 * environment), one request per group; it is answered with the latest
 * execution of its group. Executions are selected by id, by filters on
 * their results or by filters on themselves (any of them); the selection
 * travels to PostgreSQL as one jsonb parameter:
 *   {"ids": [...], "results": {...}, "executions": {...}, "priority": n}
 * so a request costs a handful of statements whatever its size. */
#include <httpd.h>
#include <http_protocol.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_amr.h"
#include "to_dashboard.h"
#include "to_handlers.h"
#include "to_rerun_filters.h"
#include "to_sql_json.h"

/* clang-format off */

#define F_EXECUTIONS "(SELECT j->'executions' FROM f)"
#define F_RESULTS "(SELECT j->'results' FROM f)"

/* Executions by id. */
#define SQL_BY_IDS                                                                                 \
    "SELECT te.id FROM test_execution te WHERE te.id IN"                                           \
    " (SELECT x::int FROM jsonb_array_elements_text((SELECT j->'ids' FROM f)) x)"

/* Executions by their own filters (TestExecutionRerunFilters). */
#define SQL_BY_EXECUTIONS                                                                          \
    "SELECT te.id FROM test_execution te" TO_SQL_JOIN_EXECUTION                                    \
    " WHERE " F_EXECUTIONS " IS NOT NULL"                                                          \
    TO_SQL_SHARED_FILTERS(F_EXECUTIONS)                                                            \
    TO_SQL_DATE_RANGE(F_EXECUTIONS, "te.updated_at")

/* Executions with results that match (TestResultSearchFilters); offset and
 * limit apply to those executions. */
#define SQL_BY_RESULTS                                                                             \
    "SELECT p.id FROM (SELECT DISTINCT r.test_execution_id AS id FROM test_result r"               \
    " JOIN test_execution te ON te.id = r.test_execution_id" TO_SQL_JOIN_EXECUTION                 \
    " JOIN test_case c ON c.id = r.test_case_id"                                                   \
    " WHERE " F_RESULTS " IS NOT NULL" TO_SQL_RESULT_FILTERS(F_RESULTS)                            \
    " ORDER BY 1 OFFSET (SELECT (j->'results'->>'offset')::bigint FROM f)"                         \
    " LIMIT (SELECT (j->'results'->>'limit')::bigint FROM f)) p"

/* The executions a selection names, as CTEs f (the selection) and hit. */
#define SQL_SELECTED                                                                               \
    "WITH f AS (SELECT %s::jsonb AS j), hit AS (" SQL_BY_IDS " UNION " SQL_BY_EXECUTIONS           \
    " UNION " SQL_BY_RESULTS ")"

/* The groups of the selected executions, in the order of their keys, so
 * that concurrent requests take their row locks in one order. */
#define SQL_GROUPS                                                                                 \
    "SELECT DISTINCT te.test_plan_id, te.artefact_build_id, te.environment_id"                     \
    " FROM test_execution te WHERE te.id IN (SELECT id FROM hit) ORDER BY 1, 2, 3"

/* One request per group (of those where the condition holds): a given
 * priority replaces the old one, an absent one leaves it (new requests
 * get 0). */
#define SQL_INSERT(where)                                                                          \
    " INSERT INTO test_execution_rerun_request (test_plan_id, artefact_build_id,"                  \
    " environment_id, priority, created_at, updated_at)"                                           \
    " SELECT g.*, coalesce((SELECT (j->>'priority')::int FROM f), 0), now(), now()"                \
    " FROM (" SQL_GROUPS ") g" where                                                               \
    " ON CONFLICT ON CONSTRAINT uq_rerun_request_group DO UPDATE"                                  \
    " SET priority = EXCLUDED.priority, updated_at = now()"                                        \
    " WHERE (SELECT j->'priority' FROM f) IS NOT NULL"

#define SQL_REMOVE(where)                                                                          \
    " DELETE FROM test_execution_rerun_request rr"                                                 \
    " USING (" SQL_GROUPS ") g WHERE " TO_SQL_SAME_GROUP("rr", "g") where

#define SQL_CREATE SQL_SELECTED SQL_INSERT("")
#define SQL_DELETE SQL_SELECTED SQL_REMOVE("")

/* The artefacts of the selected executions, as CTE subject. */
#define SQL_SUBJECT                                                                                \
    ", subject AS (SELECT DISTINCT b.artefact_id FROM test_execution te"                           \
    " JOIN artefact_build b ON b.id = te.artefact_build_id WHERE te.id IN (SELECT id FROM hit))"

/* Whether matching rules grant the user the permission on every artefact
 * of the selected executions (for a request refused without a write). */
#define SQL_AMR SQL_SELECTED SQL_SUBJECT TO_SQL_AMR_GRANTED

/* The writes for a user who holds change_rerun only through matching
 * rules: the check and the write are one statement, so they see the same
 * executions; nothing is written unless every artefact is granted, and
 * the one row answers whether it was. */
#define SQL_GRANTED SQL_SELECTED SQL_SUBJECT ", ok(granted) AS (" TO_SQL_AMR_GRANTED ")"
#define SQL_CREATE_GRANTED                                                                         \
    SQL_GRANTED ", w AS (" SQL_INSERT(" WHERE (SELECT granted FROM ok)") ") SELECT granted FROM ok"
#define SQL_DELETE_GRANTED                                                                         \
    SQL_GRANTED ", w AS (" SQL_REMOVE(" AND (SELECT granted FROM ok)") ") SELECT granted FROM ok"

/* PendingRerun of request rr, answered with execution latest (the latest
 * of its group), its build b and artefact a. */
#define SQL_PENDING_JSON                                                                           \
    "json_build_object('test_execution_id', latest.id, 'ci_link', latest.ci_link,"                 \
    " 'family', a.family,"                                                                         \
    " 'test_execution', " TO_SQL_EXECUTION_JSON("latest") ","                                      \
    " 'artefact', " TO_SQL_ARTEFACT_JSON("a") ","                                                  \
    " 'artefact_build', json_build_object('id', b.id, 'architecture', b.architecture,"             \
    " 'revision', b.revision),"                                                                    \
    " 'priority', rr.priority, 'created_at', " TO_SQL_TS("rr.created_at") ")"

#define SQL_LATEST_OF_GROUP                                                                        \
    " CROSS JOIN LATERAL (SELECT * FROM test_execution x WHERE " TO_SQL_SAME_GROUP("x", "rr")      \
    " ORDER BY x.created_at DESC, x.id DESC LIMIT 1) latest"                                       \
    " JOIN artefact_build b ON b.id = rr.artefact_build_id"                                        \
    " JOIN artefact a ON a.id = b.artefact_id"

/* The requests of the given execution ids, in the order of the ids: how
 * many there are, and their answer. */
#define SQL_ANSWER                                                                                 \
    "SELECT count(*), coalesce(json_agg(" SQL_PENDING_JSON " ORDER BY i.n), '[]'::json)"           \
    " FROM jsonb_array_elements_text(%s::jsonb) WITH ORDINALITY AS i(id, n)"                       \
    " JOIN test_execution te ON te.id = i.id::int"                                                 \
    " JOIN test_execution_rerun_request rr ON " TO_SQL_SAME_GROUP("rr", "te")                      \
    SQL_LATEST_OF_GROUP

/* Pending requests, highest priority first, then oldest; a request whose
 * executions are all gone has nothing to rerun and is left out. */
#define SQL_LIST                                                                                   \
    "SELECT coalesce(json_agg(" SQL_PENDING_JSON " ORDER BY rr.priority DESC, rr.created_at,"      \
    " rr.id), '[]'::json) FROM (SELECT rr.* FROM test_execution_rerun_request rr"                  \
    " JOIN artefact_build b ON b.id = rr.artefact_build_id"                                        \
    " JOIN artefact a ON a.id = b.artefact_id"                                                     \
    " JOIN environment e ON e.id = rr.environment_id"                                              \
    " WHERE (%s::familyname IS NULL OR a.family = %s::familyname)"                                 \
    " AND (%s::text IS NULL OR e.name = %s::text)"                                                 \
    " AND (%s::text IS NULL OR e.architecture = %s::text)"                                         \
    " AND (%s::text IS NULL OR b.architecture = %s::text)"                                         \
    " AND EXISTS (SELECT 1 FROM test_execution x WHERE " TO_SQL_SAME_GROUP("x", "rr") ")"          \
    " ORDER BY rr.priority DESC, rr.created_at, rr.id LIMIT %s::bigint) rr" SQL_LATEST_OF_GROUP

/* clang-format on */

const to_sql_t to_sql_reruns[] = {{"reruns_amr", SQL_AMR},
                                  {"reruns_create", SQL_CREATE},
                                  {"reruns_create_granted", SQL_CREATE_GRANTED},
                                  {"reruns_delete", SQL_DELETE},
                                  {"reruns_delete_granted", SQL_DELETE_GRANTED},
                                  {"reruns_answer", SQL_ANSWER},
                                  {"reruns_list", SQL_LIST},
                                  {NULL, NULL}};

#define PRIORITY_LIMIT 1000000

typedef struct {
    json_object *selection; /* the jsonb parameter */
    json_object *ids;       /* distinct valid ids, ascending */
    int nids;               /* distinct ids given */
    int has_filters;
    const char *empty_filters; /* the detail when a filters object selects nothing */
} rerun_body_t;

static int compare_ids(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* test_execution_ids: set[int]. The distinct ids go to the selection in
 * ascending order (the order the answer lists them in). */
static void read_ids(to_req_t *tr, json_object *loc, json_object *v, rerun_body_t *rb)
{
    static const to_field_t id = {"", TO_T_INT, 0, 0, NULL};
    apr_hash_t *seen = apr_hash_make(tr->pool);
    apr_array_header_t *ids = apr_array_make(tr->pool, 16, sizeof(int));
    size_t i, n;
    int k, ok = 1;

    if (!json_object_is_type(v, json_type_array)) {
        to_verr_add(&tr->verr, "set_type", loc, "Input should be a valid set", v, NULL);
        return;
    }
    n = json_object_array_length(v);
    for (i = 0; i < n; i++) {
        json_object *x = json_object_array_get_idx(v, i);
        int *value;

        if (!to_validate_value(&tr->verr, to_loc_index(&tr->verr, loc, (int)i), x, &id)) {
            ok = 0;
            continue;
        }
        value = apr_palloc(tr->pool, sizeof(int));
        *value = json_object_is_type(x, json_type_string)   ? atoi(json_object_get_string(x))
                 : json_object_is_type(x, json_type_double) ? (int)json_object_get_double(x)
                                                            : (int)json_object_get_int64(x);
        if (!apr_hash_get(seen, value, sizeof(int))) {
            apr_hash_set(seen, value, sizeof(int), value);
            APR_ARRAY_PUSH(ids, int) = *value;
        }
    }
    if (!ok) {
        return;
    }
    qsort(ids->elts, (size_t)ids->nelts, sizeof(int), compare_ids);
    for (k = 0; k < ids->nelts; k++) {
        json_object_array_add(rb->ids, json_object_new_int(APR_ARRAY_IDX(ids, k, int)));
    }
    rb->nids = ids->nelts;
}

/* priority: int between -1,000,000 and 1,000,000, or null. */
static void read_priority(to_req_t *tr, json_object *loc, json_object *v, rerun_body_t *rb)
{
    static const to_field_t number = {"", TO_T_INT, 0, 0, NULL};
    long long p;
    json_object *ctx;
    int big = 0;

    if (!v) {
        return;
    }
    if (json_object_is_type(v, json_type_int)) {
        p = json_object_get_int64(v);
    }
    else if (json_object_is_type(v, json_type_string)) {
        const char *type;
        int n;
        if (!to_parse_int32(json_object_get_string(v), &n, &type)) {
            if (!strcmp(type, "int_parsing")) {
                to_validate_value(&tr->verr, loc, v, &number);
                return;
            }
            big = !strcmp(type, "less_than_equal") ? 1 : -1;
        }
        p = big ? big * (PRIORITY_LIMIT + 1LL) : n;
    }
    else if (json_object_is_type(v, json_type_double) &&
             json_object_get_double(v) == (double)(long long)json_object_get_double(v) &&
             json_object_get_double(v) > -9e18 && json_object_get_double(v) < 9e18) {
        p = (long long)json_object_get_double(v); /* a whole number, then the bounds */
    }
    else if (!to_validate_value(&tr->verr, loc, v, &number)) {
        return;
    }
    else {
        p = json_object_get_boolean(v);
    }
    if (p > PRIORITY_LIMIT || p < -PRIORITY_LIMIT) {
        ctx = json_object_new_object();
        json_object_object_add(ctx, p > 0 ? "le" : "ge",
                               json_object_new_int(p > 0 ? PRIORITY_LIMIT : -PRIORITY_LIMIT));
        to_verr_add(&tr->verr, p > 0 ? "less_than_equal" : "greater_than_equal", loc,
                    p > 0 ? "Input should be less than or equal to 1000000"
                          : "Input should be greater than or equal to -1000000",
                    v, ctx);
        return;
    }
    json_object_object_add(rb->selection, "priority", json_object_new_int((int)p));
}

/* One filters object of the body, under key in the selection. */
static void read_filters(to_req_t *tr, json_object *bloc, json_object *body, const char *field,
                         to_filters_kind_t kind, const char *key, rerun_body_t *rb)
{
    json_object *v = to_json_get(body, field, NULL), *filters;
    int selects = 0;

    if (!v) {
        return;
    }
    filters = to_rerun_filters(&tr->verr, to_loc_key(&tr->verr, bloc, field), v, kind, &selects);
    if (!filters) {
        return;
    }
    rb->has_filters = 1;
    if (!selects && !rb->empty_filters) {
        rb->empty_filters =
            apr_pstrcat(tr->pool, "At least one filter must be provided in ", field, NULL);
    }
    json_object_object_add(rb->selection, key, json_object_get(filters));
}

/* RerunRequest (with_priority) or DeleteReruns. Returns OK or a status. */
static int read_body(to_req_t *tr, int with_priority, rerun_body_t *rb)
{
    json_object *body, *bloc = to_loc(&tr->verr, "body"), *v;
    int rv, present;

    memset(rb, 0, sizeof(*rb));
    rb->selection = to_json_own(tr->pool, json_object_new_object());
    rb->ids = json_object_new_array();
    json_object_object_add(rb->selection, "ids", rb->ids);
    if ((rv = to_read_body(tr, &body)) != OK || !body) {
        return rv;
    }
    if (!json_object_is_type(body, json_type_object)) {
        to_verr_add(&tr->verr, "model_attributes_type", bloc,
                    "Input should be a valid dictionary or object to extract fields from", body,
                    NULL);
        return OK;
    }
    v = to_json_get(body, "test_execution_ids", &present);
    if (present) {
        read_ids(tr, to_loc_key(&tr->verr, bloc, "test_execution_ids"), v, rb);
    }
    read_filters(tr, bloc, body, "test_results_filters", TO_FILTERS_RESULTS, "results", rb);
    read_filters(tr, bloc, body, "test_executions_filters", TO_FILTERS_EXECUTIONS, "executions",
                 rb);
    if (with_priority) {
        read_priority(tr, to_loc_key(&tr->verr, bloc, "priority"),
                      to_json_get(body, "priority", NULL), rb);
    }
    return OK;
}

/* Past the route's change_rerun: more than one id, or any filter, also
 * needs change_rerun_bulk. */
static int bulk_checked(to_req_t *tr, const rerun_body_t *rb)
{
    if (rb->nids > 1 || rb->has_filters) {
        return to_check_named_permission(tr, "change_rerun_bulk");
    }
    return OK;
}

/* change_rerun as upstream checks it in the handler: held, or granted by
 * the user's teams' matching rules for every artefact the selection
 * touches; a filters object that selects nothing is refused first. When
 * the request goes on to write (writes), a grant by rules is left to the
 * write itself (*by_rules), which checks it in the same statement. */
static int rerun_permitted(to_req_t *tr, const rerun_body_t *rb, int writes, int *by_rules)
{
    int rv = to_permission_held(tr, "change_rerun");

    *by_rules = 0;
    if (rv != HTTP_FORBIDDEN) {
        return rv;
    }
    if (!tr->user_id) {
        return to_answer_detail(tr, HTTP_FORBIDDEN, "Insufficient permissions");
    }
    if (rb->empty_filters) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY, rb->empty_filters);
    }
    if (!rb->nids && !rb->has_filters) {
        return OK; /* nothing selected, nothing to check */
    }
    if (writes) {
        *by_rules = 1;
        return OK;
    }
    return to_amr_permitted(tr, "change_rerun", "reruns_amr",
                            to_json_text(tr->pool, rb->selection));
}

/* Runs the write named label on the selection; for a caller granted by
 * rules, its variant that checks them: nothing written and 403 unless
 * every artefact is granted. */
static int write_selection(to_req_t *tr, const rerun_body_t *rb, const char *label, int by_rules)
{
    const char *selection = to_json_text(tr->pool, rb->selection), *granted;
    int rv;

    if (!by_rules) {
        return to_db_exec(tr, label, NULL, selection);
    }
    granted = to_db_value(tr, &rv, apr_pstrcat(tr->pool, label, "_granted", NULL), selection,
                          tr->user_id, "change_rerun");
    /* refused: the statement wrote nothing (and to_respond rolls back) */
    return rv == OK ? to_amr_answer(tr, granted) : rv;
}

int to_h_reruns_post(to_req_t *tr)
{
    rerun_body_t rb;
    int silent, rv, by_rules, found = 0;
    const char *answer = NULL;

    if ((rv = read_body(tr, 1, &rb)) != OK) {
        return rv;
    }
    {
        const char *v = to_dash_query_bool(tr, "silent");
        silent = v && !strcmp(v, "true");
    }
    /* upstream checks these permissions in the handler, after validation */
    TO_VALID(tr);
    if ((rv = bulk_checked(tr, &rb)) != OK ||
        (rv = rerun_permitted(tr, &rb, silent || !rb.has_filters, &by_rules)) != OK) {
        return rv;
    }

    if (!silent && rb.has_filters) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY,
                                "Creating rerun requests from filters must be done silently");
    }
    if (silent && rb.empty_filters) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY, rb.empty_filters);
    }
    if (silent && !rb.nids && !rb.has_filters) {
        return HTTP_OK; /* nothing selected */
    }
    if ((rv = to_db_begin(tr)) != OK ||
        (rv = write_selection(tr, &rb, "reruns_create", by_rules)) != OK) {
        return rv;
    }
    if (!silent) {
        apr_dbd_results_t *res;
        apr_dbd_row_t *row = NULL;

        if ((rv = to_db_select(tr, "reruns_answer", &res, to_json_text(tr->pool, rb.ids))) != OK) {
            return rv;
        }
        while (to_db_next(tr, res, &row) == 0) {
            found = atoi(to_db_col(tr, row, 0));
            answer = to_db_col(tr, row, 1);
        }
        if (!found) {
            return to_answer_detail(tr, HTTP_NOT_FOUND,
                                    "Didn't find test executions with provided ids");
        }
    }
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    if (silent) {
        return HTTP_OK;
    }
    /* 207 when some ids named no execution */
    return to_answer_text(tr, found < rb.nids ? HTTP_MULTI_STATUS : HTTP_OK, answer,
                          strlen(answer));
}

int to_h_reruns_delete(to_req_t *tr)
{
    rerun_body_t rb;
    int rv, by_rules;

    if ((rv = read_body(tr, 0, &rb)) != OK) {
        return rv;
    }
    /* upstream checks these permissions in the handler, after validation */
    TO_VALID(tr);
    if ((rv = bulk_checked(tr, &rb)) != OK || (rv = rerun_permitted(tr, &rb, 1, &by_rules)) != OK) {
        return rv;
    }
    if (rb.empty_filters) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY, rb.empty_filters);
    }
    if (!rb.nids && !rb.has_filters) {
        return HTTP_OK; /* nothing selected */
    }
    rv = write_selection(tr, &rb, "reruns_delete", by_rules);
    return rv != OK ? rv : HTTP_OK;
}

/* limit: int | None; a negative one is refused rather than failing in SQL. */
static const char *read_limit(to_req_t *tr)
{
    const char *text = to_query(tr, "limit");
    json_object *loc = to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), "limit");
    json_object *v, *ctx;
    const char *type;
    int n;

    if (!text) {
        return NULL;
    }
    v = to_json_own(tr->pool, to_json_str(text));
    if (!to_parse_int32(text, &n, &type)) {
        if (!strcmp(type, "less_than_equal")) {
            return NULL; /* more than there can be: no limit */
        }
        if (!strcmp(type, "int_parsing")) {
            to_verr_add(&tr->verr, type, loc,
                        "Input should be a valid integer, unable to parse string as an integer", v,
                        NULL);
            return NULL;
        }
        n = -1;
    }
    if (n < 0) {
        ctx = json_object_new_object();
        json_object_object_add(ctx, "ge", json_object_new_int(0));
        to_verr_add(&tr->verr, "greater_than_equal", loc,
                    "Input should be greater than or equal to 0", v, ctx);
        return NULL;
    }
    return apr_itoa(tr->pool, n);
}

int to_h_reruns_get(to_req_t *tr)
{
    const char *family = to_query(tr, "family");
    const char *environment = to_query(tr, "environment");
    const char *env_arch = to_query(tr, "environment_architecture");
    const char *build_arch = to_query(tr, "build_architecture");
    const char *limit;

    /* errors in the order of the parameters: family, then limit */
    if (family && to_enum_index(to_families, family) < 0) {
        to_verr_enum(&tr->verr, to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), "family"),
                     to_json_own(tr->pool, to_json_str(family)), to_families);
    }
    limit = read_limit(tr);
    TO_CHECKED(tr);
    return to_answer_query(tr, "Not Found", "reruns_list", family, family, environment, environment,
                           env_arch, env_arch, build_arch, build_arch, limit);
}
