/* POST and GET /v1/test-executions/{id}/test-results. */
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_handlers.h"
#include "to_sql_json.h"
#include "to_sql_results.h"

/* The batch travels as one json parameter; a later result of the same test
 * case replaces an earlier one, in the execution and within the batch. */
#define SQL_BATCH TO_SQL_RESULT_BATCH

/* Each test case keeps the category and template of the result that
 * created it. */
#define SQL_CASES_CREATE                                                                           \
    "INSERT INTO test_case (name, category, template_id, created_at, updated_at)"                  \
    " SELECT DISTINCT ON (b.name) b.name, b.category, b.template_id, now(), now()"                 \
    " FROM (" SQL_BATCH ") b ORDER BY b.name, b.ord ON CONFLICT (name) DO NOTHING"

#define SQL_RESULTS_REPLACE                                                                        \
    "WITH batch AS (SELECT DISTINCT ON (b.name) b.*, c.id AS case_id FROM (" SQL_BATCH ") b"       \
    " JOIN test_case c ON c.name = b.name ORDER BY b.name, b.ord DESC),"                           \
    " gone AS (DELETE FROM test_result r USING batch WHERE r.test_execution_id = %s::int"          \
    " AND r.test_case_id = batch.case_id)"                                                         \
    " INSERT INTO test_result (status, comment, io_log, test_execution_id, test_case_id,"          \
    " created_at, updated_at) SELECT b.status::testresultstatus, b.comment, b.io_log, %s::int,"    \
    " b.case_id, now(), now() FROM batch b ORDER BY b.ord"

/* Earlier results of the same test cases: same environment, architecture
 * and artefact line (name, series, repo, track, os), in this or earlier
 * versions, newest first, at most 10 per case. One pass: the line's earlier
 * executions (hist) are found once through the artefact name and build
 * indexes, their results of this execution's test cases are read once
 * through the test_execution_id index, ranked and aggregated per case, and
 * joined to the results by test case. */
#define SQL_RESULTS_GET                                                                            \
    "WITH te AS (SELECT te.id, te.environment_id, b.architecture, a.id AS artefact_id, a.name,"    \
    " a.series, a.repo, a.track, a.os FROM test_execution te JOIN artefact_build b"                \
    " ON b.id = te.artefact_build_id JOIN artefact a ON a.id = b.artefact_id"                      \
    " WHERE te.id = %s::int),"                                                                     \
    " res AS MATERIALIZED (SELECT r.id, r.test_case_id, r.created_at, r.status, r.comment,"        \
    " r.io_log, c.name, c.category, c.template_id FROM te JOIN test_result r"                      \
    " ON r.test_execution_id = te.id JOIN test_case c ON c.id = r.test_case_id),"                  \
    " hist AS MATERIALIZED (SELECT pte.id AS te_id, pa.id AS artefact_id, pa.version FROM te"      \
    " JOIN artefact pa ON pa.name = te.name AND pa.series = te.series AND pa.repo = te.repo"       \
    " AND pa.track = te.track AND pa.os = te.os AND pa.id <= te.artefact_id"                       \
    " JOIN artefact_build pb ON pb.artefact_id = pa.id AND pb.architecture = te.architecture"      \
    " JOIN test_execution pte ON pte.artefact_build_id = pb.id"                                    \
    " AND pte.environment_id = te.environment_id"                                                  \
    " WHERE pte.id < te.id OR pa.id < te.artefact_id),"                                            \
    " prev AS (SELECT k.test_case_id, json_agg(json_build_object('status', k.status, 'version',"   \
    " k.version, 'artefact_id', k.artefact_id, 'test_execution_id', k.te_id, 'test_result_id',"    \
    " k.result_id) ORDER BY k.artefact_id DESC, k.result_id DESC) AS list"                         \
    " FROM (SELECT p.test_case_id, p.status, h.version, h.artefact_id, h.te_id, p.id AS "          \
    "result_id,"                                                                                   \
    " row_number() OVER (PARTITION BY p.test_case_id ORDER BY h.artefact_id DESC, p.id DESC) AS n" \
    " FROM hist h JOIN test_result p ON p.test_execution_id = h.te_id"                             \
    " WHERE p.test_case_id IN (SELECT test_case_id FROM res)) k WHERE k.n <= 10"                   \
    " GROUP BY k.test_case_id)"                                                                    \
    " SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM te) THEN NULL ELSE coalesce((SELECT"              \
    " json_agg(json_build_object('id', r.id, 'name', r.name,"                                      \
    " 'created_at', " TO_SQL_TS(                                                                   \
        "r.created_at") ", 'category', r.category,"                                                \
                        " 'template_id', r.template_id, 'status', r.status, 'comment', r.comment," \
                        " 'io_log', r.io_log, 'previous_results', coalesce(p.list, '[]'::json),"   \
                        " 'issues', " TO_SQL_RESULT_ISSUES_JSON(                                   \
                            "r") ") ORDER BY r.id)"                                                \
                                 " FROM res r LEFT JOIN prev p ON p.test_case_id = "               \
                                 "r.test_case_id), '[]'::json) END"

/* The batch's results are those of its test cases (named in a json list). */
#define SQL_APPLY_RULES                                                                            \
    TO_SQL_APPLY_RULES("r.test_execution_id = %s::int AND c.name IN"                               \
                       " (SELECT json_array_elements_text(%s::json))")

const to_sql_t to_sql_test_results[] = {{"results_cases_create", SQL_CASES_CREATE},
                                        {"results_replace", SQL_RESULTS_REPLACE},
                                        {"results_apply_rules", SQL_APPLY_RULES},
                                        {"results_get", SQL_RESULTS_GET},
                                        {NULL, NULL}};

#define NOT_FOUND "TestExecution not found"

static const to_field_t result_fields[] = {
    {"name", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"status", TO_T_ENUM, TO_REQUIRED, 0, to_result_statuses},
    {"template_id", TO_T_STR, 0, 0, NULL},
    {"category", TO_T_STR, 0, 0, NULL},
    {"comment", TO_T_STR, 0, 0, NULL},
    {"io_log", TO_T_STR, 0, 0, NULL},
};
#define NRESULT_FIELDS ((int)(sizeof(result_fields) / sizeof(result_fields[0])))

/* Validates the batch and returns it as the JSON text the SQL expects;
 * *names gets the list of its test case names. The text is written as it
 * goes rather than built as a second json-c tree: a batch of 10,000 results
 * would otherwise hold the body, the tree and its text at once. */
static const char *validated_batch(to_req_t *tr, json_object *body, const char **names)
{
    json_object *bloc = to_loc(&tr->verr, "body");
    to_jbuf_t batch, name_list;
    size_t i, n;
    int f;

    if (!json_object_is_type(body, json_type_array)) {
        to_verr_add(&tr->verr, "list_type", bloc, "Input should be a valid list", body, NULL);
        return NULL;
    }
    n = json_object_array_length(body);
    to_jbuf_init(&batch, tr->pool, n * 128);
    to_jbuf_init(&name_list, tr->pool, n * 48);
    to_jbuf_lit(&batch, "[");
    to_jbuf_lit(&name_list, "[");
    for (i = 0; i < n; i++) {
        json_object *item = json_object_array_get_idx(body, i);
        json_object *iloc = to_loc_index_ref(bloc, (int)i);
        to_obj_t obj;

        to_validate_object(&tr->verr, iloc, item, result_fields, NRESULT_FIELDS, &obj);
        json_object_put(iloc);
        if (!obj.ok || to_verr_count(&tr->verr)) {
            continue;
        }
        if (i) {
            to_jbuf_lit(&batch, ",");
        }
        to_jbuf_lit(&batch, "{");
        for (f = 0; f < NRESULT_FIELDS; f++) {
            json_object *v = obj.values[f];
            const char *text = v ? json_object_get_string(v) : "";
            apr_size_t len = v ? (apr_size_t)json_object_get_string_len(v) : 0;

            if (f) {
                to_jbuf_lit(&batch, ",");
            }
            to_jbuf_str(&batch, result_fields[f].name, strlen(result_fields[f].name));
            to_jbuf_lit(&batch, ":");
            to_jbuf_str(&batch, text, len);
            if (f == 0) {
                if (i) {
                    to_jbuf_lit(&name_list, ",");
                }
                to_jbuf_str(&name_list, text, len);
            }
        }
        to_jbuf_lit(&batch, "}");
    }
    to_jbuf_lit(&batch, "]");
    to_jbuf_lit(&name_list, "]");
    *names = name_list.data;
    return to_verr_count(&tr->verr) ? NULL : batch.data;
}

int to_h_results_post(to_req_t *tr)
{
    int id = to_path_id(tr, "id");
    const char *ids, *batch = NULL, *names = NULL;
    json_object *body;
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        batch = validated_batch(tr, body, &names);
        /* the batch is text now: the tree goes before the statements run
         * (errors keep references to what they echo) */
        to_json_release(tr->pool, body);
    }
    TO_CHECKED(tr);

    ids = apr_itoa(tr->pool, id);
    if ((rv = to_db_begin(tr)) != OK) {
        return rv;
    }
    /* the lock serialises batches posted to one execution at once */
    if (!to_db_value(tr, &rv, "te_lock", ids)) {
        return rv != OK ? rv : to_answer_detail(tr, HTTP_NOT_FOUND, NOT_FOUND);
    }
    if ((rv = to_db_exec(tr, "results_cases_create", NULL, batch)) != OK ||
        (rv = to_db_exec(tr, "results_replace", NULL, batch, ids, ids)) != OK ||
        (rv = to_db_exec(tr, "results_apply_rules", NULL, ids, names)) != OK ||
        (rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return HTTP_OK;
}

int to_h_results_get(to_req_t *tr)
{
    int id = to_path_id(tr, "id");

    TO_CHECKED(tr);
    return to_answer_query(tr, NOT_FOUND, "results_get", apr_itoa(tr->pool, id));
}
