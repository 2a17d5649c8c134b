/* POST /v1/issues/{issue_id}/attach and /detach: an issue attached to (or
 * detached from) test results chosen by id, by the filters of
 * GET /v1/test-results, or both. The choice travels to PostgreSQL as one
 * jsonb parameter {"ids": [...], "results": {filters}}, so a request costs
 * a handful of statements whatever the number of results. Attaching twice
 * or detaching what is not attached changes nothing. */
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "to_handlers.h"
#include "to_rerun_filters.h"
#include "to_sql_json.h"

/* clang-format off */

#define F_RESULTS "(SELECT j->'results' FROM f)"

/* The results the selection names: ids (known or not) and, when filters
 * are given, the results they match; offset and limit apply to those, in
 * the order of their ids. */
#define SQL_SELECTED                                                                               \
    "WITH f AS (SELECT %s::jsonb AS j),"                                                           \
    " ids AS (SELECT DISTINCT x::int AS id FROM jsonb_array_elements_text((SELECT j->'ids' FROM f)) x),"\
    " filtered AS (SELECT r.id FROM test_result r"                                                 \
    " JOIN test_execution te ON te.id = r.test_execution_id" TO_SQL_JOIN_EXECUTION                 \
    " JOIN test_case c ON c.id = r.test_case_id"                                                   \
    " WHERE " F_RESULTS " IS NOT NULL" TO_SQL_RESULT_FILTERS(F_RESULTS)                            \
    " ORDER BY r.id OFFSET (SELECT (j->'results'->>'offset')::bigint FROM f)"                      \
    " LIMIT (SELECT (j->'results'->>'limit')::bigint FROM f)),"                                    \
    " missing AS (SELECT id FROM ids WHERE NOT EXISTS (SELECT 1 FROM test_result r WHERE r.id = ids.id))"

/* Attaches every selected result, unless some id names no result: the
 * answer lists those. */
#define SQL_ATTACH                                                                                 \
    SQL_SELECTED ", ins AS (INSERT INTO issue_test_result_attachment (issue_id, test_result_id,"   \
    " attachment_rule_id, created_at, updated_at) SELECT %s::int, h.id, %s::int, now(), now()"     \
    " FROM (SELECT id FROM ids UNION SELECT id FROM filtered) h"                                   \
    " WHERE NOT EXISTS (SELECT 1 FROM missing) ORDER BY h.id"                                      \
    " ON CONFLICT (issue_id, test_result_id) DO NOTHING)"                                          \
    " SELECT string_agg(id::text, ', ' ORDER BY id) FROM missing"

#define SQL_DETACH                                                                                 \
    SQL_SELECTED " DELETE FROM issue_test_result_attachment ia WHERE ia.issue_id = %s::int"        \
    " AND ia.test_result_id IN (SELECT id FROM ids UNION SELECT id FROM filtered)"

/* The issue (locked against a concurrent change of its rules' use) and
 * the attachment rule, when one is named: whether each exists. */
#define SQL_CHECK                                                                                  \
    "SELECT EXISTS (SELECT 1 FROM issue WHERE id = %s::int FOR KEY SHARE),"                        \
    " %s::int IS NULL OR EXISTS (SELECT 1 FROM issue_test_result_attachment_rule"                  \
    " WHERE id = %s::int FOR KEY SHARE)"

/* clang-format on */

const to_sql_t to_sql_attachments[] = {
    {"att_check", SQL_CHECK},
    {"att_attach", SQL_ATTACH},
    {"att_detach", SQL_DETACH},
    {"att_issue", "SELECT " TO_SQL_ISSUE_JSON("i") " FROM issue i WHERE i.id = %s::int"},
    {NULL, NULL}};

/* IssueAttachmentRequest, read. */
typedef struct {
    json_object *selection; /* the jsonb parameter */
    int nlisted;            /* test_results given, repeats counted */
    int nids;               /* distinct ids */
    int has_filters;        /* test_results_filters given (even empty) */
    int selects;            /* ... and with a filter that counts */
    const char *rule;       /* attachment_rule, or NULL */
} attach_body_t;

/* test_results: list[int] | None; the distinct ids go to the selection. */
static void read_ids(to_req_t *tr, json_object *loc, json_object *v, attach_body_t *ab)
{
    static const to_field_t id = {"", TO_T_INT, 0, 0, NULL};
    apr_hash_t *seen = apr_hash_make(tr->pool);
    json_object *ids = json_object_new_array();
    size_t i, n;

    json_object_object_add(ab->selection, "ids", ids);
    if (!v) {
        return;
    }
    if (!json_object_is_type(v, json_type_array)) {
        to_verr_add(&tr->verr, "list_type", loc, "Input should be a valid list", v, NULL);
        return;
    }
    n = json_object_array_length(v);
    ab->nlisted = (int)n;
    for (i = 0; i < n; i++) {
        json_object *x = json_object_array_get_idx(v, i);
        const char *text;

        if (!to_validate_value(&tr->verr, to_loc_index(&tr->verr, loc, (int)i), x, &id)) {
            continue;
        }
        text = apr_itoa(tr->pool, to_lax_int(x));
        if (!apr_hash_get(seen, text, APR_HASH_KEY_STRING)) {
            apr_hash_set(seen, text, APR_HASH_KEY_STRING, text);
            json_object_array_add(ids, json_object_new_int(atoi(text)));
            ab->nids++;
        }
    }
}

/* Returns OK or a status (a body that cannot be read). */
static int read_attach_body(to_req_t *tr, attach_body_t *ab)
{
    static const to_field_t rule = {"attachment_rule", TO_T_INT, 0, 0, NULL};
    json_object *body, *bloc = to_loc(&tr->verr, "body"), *v;
    int rv;

    memset(ab, 0, sizeof(*ab));
    ab->selection = to_json_own(tr->pool, json_object_new_object());
    if ((rv = to_read_body(tr, &body)) != OK || !body) {
        return rv;
    }
    if (!json_object_is_type(body, json_type_object)) {
        to_verr_add(&tr->verr, "model_attributes_type", bloc,
                    "Input should be a valid dictionary or object to extract fields from", body,
                    NULL);
        return OK;
    }
    read_ids(tr, to_loc_key(&tr->verr, bloc, "test_results"),
             to_json_get(body, "test_results", NULL), ab);
    if ((v = to_json_get(body, "test_results_filters", NULL)) != NULL) {
        json_object *filters =
            to_rerun_filters(&tr->verr, to_loc_key(&tr->verr, bloc, "test_results_filters"), v,
                             TO_FILTERS_RESULTS, &ab->selects);
        ab->has_filters = 1;
        if (filters) {
            json_object_object_add(ab->selection, "results", json_object_get(filters));
        }
    }
    v = to_json_get(body, "attachment_rule", NULL);
    if (v &&
        to_validate_value(&tr->verr, to_loc_key(&tr->verr, bloc, "attachment_rule"), v, &rule)) {
        ab->rule = apr_itoa(tr->pool, to_lax_int(v));
    }
    return OK;
}

/* Attach or detach: the checks upstream makes, in its order, then one
 * statement for every result; the answer is the issue. */
static int modify(to_req_t *tr, int detach)
{
    int id = to_path_id(tr, "issue_id");
    const char *ids, *selection;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    int rv, issue_found = 0, rule_found = 0;
    attach_body_t ab;

    if ((rv = read_attach_body(tr, &ab)) != OK) {
        return rv;
    }
    TO_CHECKED(tr);
    /* more than one result, filters or a rule also take the bulk permission */
    if ((ab.nlisted > 1 || ab.has_filters || ab.rule) &&
        (rv = to_check_named_permission(tr, "change_issue_attachment_bulk")) != OK) {
        return rv;
    }

    ids = apr_itoa(tr->pool, id);
    if ((rv = to_db_begin(tr)) != OK ||
        (rv = to_db_select(tr, "att_check", &res, ids, ab.rule, ab.rule)) != OK) {
        return rv;
    }
    while (to_db_next(tr, res, &row) == 0) {
        issue_found = !strcmp(to_db_col(tr, row, 0), "t");
        rule_found = !strcmp(to_db_col(tr, row, 1), "t");
    }
    if (!issue_found) {
        return to_answer_detail(tr, HTTP_NOT_FOUND, "Issue not found");
    }
    if (!rule_found) {
        return to_answer_detail(tr, HTTP_NOT_FOUND, "Attachment rule not found");
    }
    if (ab.has_filters && !ab.selects) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY,
                                "At least one filter must be provided in test_results_filters");
    }
    if (ab.nids || ab.has_filters) {
        selection = to_json_text(tr->pool, ab.selection);
        if (detach) {
            rv = to_db_exec(tr, "att_detach", NULL, selection, ids);
        }
        else {
            const char *missing = to_db_value(tr, &rv, "att_attach", selection, ids, ab.rule);
            if (rv == OK && missing && *missing) {
                /* upstream fails on the foreign key here */
                return to_answer_detail(
                    tr, HTTP_NOT_FOUND,
                    apr_pstrcat(tr->pool, "Test results not found: ", missing, NULL));
            }
        }
        if (rv != OK) {
            return rv;
        }
    }
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return to_answer_query(tr, "Issue not found", "att_issue", ids);
}

int to_h_issue_attach(to_req_t *tr)
{
    return modify(tr, 0);
}

int to_h_issue_detach(to_req_t *tr)
{
    return modify(tr, 1);
}
