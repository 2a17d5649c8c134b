/* GET and PATCH /v1/test-executions/{id}. */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "../model/to_status.h"
#include "to_handlers.h"
#include "to_sql_json.h"

const to_sql_t to_sql_test_executions[] = {
    {"te_get",
     "SELECT " TO_SQL_EXECUTION_JSON("te") " FROM test_execution te WHERE te.id = %s::int"},
    {"te_lock", "SELECT id FROM test_execution WHERE id = %s::int FOR UPDATE"},
    {"te_set_links",
     "UPDATE test_execution SET c3_link = coalesce(%s, c3_link), ci_link = coalesce(%s, ci_link),"
     " updated_at = now() WHERE id = %s::int"},
    {"te_metadata_create",
     "INSERT INTO test_execution_metadata (category, value, created_at, updated_at)"
     " SELECT e.key, v.value, now(), now() FROM json_each(%s::json) WITH ORDINALITY AS e(key, "
     "vals, i),"
     " json_array_elements_text(e.vals) WITH ORDINALITY AS v(value, j) ORDER BY e.i, v.j"
     " ON CONFLICT (category, value) DO NOTHING"},
    {"te_metadata_attach",
     "INSERT INTO test_execution_metadata_association_table (test_execution_id,"
     " test_execution_metadata_id) SELECT %s::int, m.id FROM json_each(%s::json) AS e(key, vals)"
     " CROSS JOIN LATERAL json_array_elements_text(e.vals) AS v(value) JOIN "
     "test_execution_metadata m"
     " ON m.category = e.key AND m.value = v.value ON CONFLICT DO NOTHING"},
    {"te_result_counts",
     "SELECT count(*), count(*) FILTER (WHERE status = 'FAILED') FROM test_result"
     " WHERE test_execution_id = %s::int"},
    {"te_set_status",
     "UPDATE test_execution SET status = %s::testexecutionstatus, updated_at = now()"
     " WHERE id = %s::int"},
    {NULL, NULL}};

#define NOT_FOUND "TestExecution not found"

int to_h_execution_get(to_req_t *tr)
{
    int id = to_path_id(tr, "id");

    TO_CHECKED(tr);
    return to_answer_query(tr, NOT_FOUND, "te_get", apr_itoa(tr->pool, id));
}

static const to_field_t patch_fields[] = {
    {"c3_link", TO_T_URL, TO_NULLABLE, 0, NULL},
    {"ci_link", TO_T_URL, TO_NULLABLE, 0, NULL},
    {"status", TO_T_ANY, TO_NULLABLE, 0, NULL},
    {"execution_metadata", TO_T_ANY, TO_NULLABLE, 0, NULL},
};

/* status is TestExecutionStatus | Literal["COMPLETED"]: pydantic reports a
 * miss against each member of the union. */
static void check_status(to_req_t *tr, json_object *loc, json_object *status)
{
    const char *s = json_object_get_string(status);
    json_object *ctx;

    if (json_object_is_type(status, json_type_string) &&
        (to_enum_index(to_execution_statuses, s) >= 0 || !strcmp(s, "COMPLETED"))) {
        return;
    }
    to_verr_enum(&tr->verr, to_loc_key(&tr->verr, loc, "str-enum[TestExecutionStatus]"), status,
                 to_execution_statuses);
    ctx = json_object_new_object();
    json_object_object_add(ctx, "expected", json_object_new_string("'COMPLETED'"));
    to_verr_add(&tr->verr, "literal_error", to_loc_key(&tr->verr, loc, "literal['COMPLETED']"),
                "Input should be 'COMPLETED'", status, ctx);
}

/* A link longer than its column gets a 422 rather than a database error. */
static const char *link_value(to_req_t *tr, const to_obj_t *body, json_object *bloc,
                              const char *name)
{
    json_object *v = to_obj_get(body, name);
    const char *url;
    to_field_t limit = {name, TO_T_STR, 0, 200, NULL};

    if (!v) {
        return NULL;
    }
    url = to_normal_http_url(tr->pool, json_object_get_string(v));
    to_validate_value(&tr->verr, to_loc_key(&tr->verr, bloc, name),
                      to_json_own(tr->pool, to_json_str(url)), &limit);
    return url;
}

int to_h_execution_patch(to_req_t *tr)
{
    int id = to_path_id(tr, "id");
    const char *ids, *c3_link = NULL, *ci_link = NULL, *status = NULL, *metadata = NULL;
    json_object *body, *bloc = to_loc(&tr->verr, "body"), *v;
    to_obj_t obj;
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        to_validate_object(&tr->verr, bloc, body, patch_fields, 4, &obj);
        if (json_object_is_type(body, json_type_object)) {
            c3_link = link_value(tr, &obj, bloc, "c3_link");
            ci_link = link_value(tr, &obj, bloc, "ci_link");
            if ((v = to_obj_get(&obj, "status")) != NULL) {
                check_status(tr, to_loc_key(&tr->verr, bloc, "status"), v);
                status = json_object_get_string(v);
            }
            if ((v = to_obj_get(&obj, "execution_metadata")) != NULL &&
                to_validate_metadata(&tr->verr, to_loc_key(&tr->verr, bloc, "execution_metadata"),
                                     v)) {
                metadata = to_json_text(tr->pool, v);
            }
        }
    }
    TO_CHECKED(tr);

    ids = apr_itoa(tr->pool, id);
    if ((rv = to_db_begin(tr)) != OK) {
        return rv;
    }
    if (!to_db_value(tr, &rv, "te_lock", ids)) {
        return rv != OK ? rv : to_answer_detail(tr, HTTP_NOT_FOUND, NOT_FOUND);
    }
    if ((c3_link || ci_link) &&
        (rv = to_db_exec(tr, "te_set_links", NULL, c3_link, ci_link, ids)) != OK) {
        return rv;
    }
    if (metadata && ((rv = to_db_exec(tr, "te_metadata_create", NULL, metadata)) != OK ||
                     (rv = to_db_exec(tr, "te_metadata_attach", NULL, ids, metadata)) != OK)) {
        return rv;
    }
    if (status && !strcmp(status, "COMPLETED")) {
        apr_dbd_results_t *res;
        apr_dbd_row_t *row = NULL;
        long results = 0, failed = 0;

        if ((rv = to_db_select(tr, "te_result_counts", &res, ids)) != OK) {
            return rv;
        }
        while (to_db_next(tr, res, &row) == 0) {
            results = atol(to_db_col(tr, row, 0));
            failed = atol(to_db_col(tr, row, 1));
        }
        status = to_completed_status(results, failed);
    }
    if (status && (rv = to_db_exec(tr, "te_set_status", NULL, status, ids)) != OK) {
        return rv;
    }
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return to_answer_query(tr, NOT_FOUND, "te_get", ids);
}
