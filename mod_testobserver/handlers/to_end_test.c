/* PUT /v1/test-executions/end-test: a C3 submission ends the execution
 * started with the same ci_link. Its results replace the old ones, and the
 * status becomes FAILED or PASSED, in one transaction. */
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_handlers.h"
#include "to_sql_results.h"

/* A test case is found by name or created with the category of its first
 * result; a non-empty template_id (the last one given for the name) is
 * written onto the case, new or not. */
#define SQL_CASES                                                                                  \
    "INSERT INTO test_case (name, category, template_id, created_at, updated_at)"                  \
    " SELECT b.name, (array_agg(b.category ORDER BY b.ord))[1],"                                   \
    " coalesce((array_agg(b.template_id ORDER BY b.ord DESC) FILTER (WHERE b.template_id <> ''))"  \
    "[1], ''), now(), now() FROM (" TO_SQL_RESULT_BATCH ") b GROUP BY b.name ORDER BY b.name"      \
    " ON CONFLICT (name) DO UPDATE SET template_id = EXCLUDED.template_id, updated_at = now()"     \
    " WHERE EXCLUDED.template_id <> '' AND test_case.template_id <> EXCLUDED.template_id"

/* Every earlier result goes; every result of the batch is stored, in order. */
#define SQL_RESULTS                                                                                \
    "WITH gone AS (DELETE FROM test_result WHERE test_execution_id = %s::int)"                     \
    " INSERT INTO test_result (status, comment, io_log, test_execution_id, test_case_id,"          \
    " created_at, updated_at) SELECT b.status::testresultstatus, b.comment, b.io_log, %s::int,"    \
    " c.id, now(), now() FROM (" TO_SQL_RESULT_BATCH ") b JOIN test_case c ON c.name = b.name"     \
    " ORDER BY b.ord"

const to_sql_t to_sql_end_test[] = {
    {"et_lock", "SELECT id FROM test_execution WHERE ci_link = %s FOR UPDATE"},
    {"et_cases", SQL_CASES},
    {"et_results", SQL_RESULTS},
    {"et_apply_rules", TO_SQL_APPLY_RULES("r.test_execution_id = %s::int")},
    {"et_finish",
     "UPDATE test_execution SET status = %s::testexecutionstatus, c3_link = coalesce(%s, c3_link),"
     " checkbox_version = %s, updated_at = now() WHERE id = %s::int"},
    {NULL, NULL}};

/* C3's statuses and the result statuses they are stored as. */
static const char *const c3_statuses[] = {"pass", "fail", "skip", NULL};
static const char *const c3_stored[] = {"PASSED", "FAILED", "SKIPPED"};

/* ci_link and c3_link are strings annotated as URLs, which pydantic checks
 * for being strings only; their type errors speak of URLs. */
static const to_field_t link_fields[] = {
    {"ci_link", TO_T_ANY, TO_REQUIRED, 0, NULL},
    {"c3_link", TO_T_ANY, TO_NULLABLE, 0, NULL},
};
static const to_field_t rest_fields[] = {
    {"checkbox_version", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"test_results", TO_T_LIST, TO_REQUIRED, 0, NULL},
};
static const to_field_t result_fields[] = {
    {"name", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"template_id", TO_T_STR, TO_NULLABLE, 0, NULL},
    {"status", TO_T_ENUM, TO_REQUIRED, 0, c3_statuses},
    {"category", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"comment", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"io_log", TO_T_STR, TO_REQUIRED, 0, NULL},
};

typedef struct {
    const char *ci_link;
    const char *c3_link;          /* NULL: keep the stored one */
    const char *checkbox_version; /* NULL: cleared */
    const char *batch;            /* JSON text for TO_SQL_RESULT_BATCH */
    int failed;                   /* some result failed */
} end_test_t;

static const char *url_string(to_req_t *tr, const to_obj_t *o, json_object *bloc, const char *name,
                              int nullable, int max_len)
{
    json_object *v = to_obj_get(o, name);
    json_object *loc;

    if (!to_obj_given(o, name) || (!v && nullable)) {
        return NULL;
    }
    loc = to_loc_key(&tr->verr, bloc, name);
    if (!json_object_is_type(v, json_type_string)) {
        to_verr_add(&tr->verr, "url_type", loc, "URL input should be a string or URL", v, NULL);
        return NULL;
    }
    if (max_len) {
        /* the column's limit: a 422 rather than upstream's database error */
        to_field_t limit = {name, TO_T_STR, 0, max_len, NULL};
        to_validate_value(&tr->verr, loc, v, &limit);
    }
    return json_object_get_string(v);
}

/* The results as the batch SQL reads them, C3 statuses mapped. */
static const char *checked_results(to_req_t *tr, json_object *loc, json_object *list, int *failed)
{
    json_object *batch = to_json_own(tr->pool, json_object_new_array());
    size_t i, n = json_object_array_length(list);
    int f;

    for (i = 0; i < n; i++) {
        json_object *row;
        to_obj_t r;
        int status;

        to_validate_object(&tr->verr, to_loc_index(&tr->verr, loc, (int)i),
                           json_object_array_get_idx(list, i), result_fields,
                           TO_NELTS(result_fields), &r);
        if (!r.ok) {
            continue;
        }
        status = to_enum_index(c3_statuses, to_obj_str(&r, "status", ""));
        *failed |= status == 1;
        row = json_object_new_object();
        for (f = 0; f < TO_NELTS(result_fields); f++) {
            const char *name = result_fields[f].name;
            const char *value = f == 2 ? c3_stored[status] : to_obj_str(&r, name, "");
            json_object_object_add(row, name, to_json_str(value));
        }
        json_object_array_add(batch, row);
    }
    return to_json_text(tr->pool, batch);
}

static void validate(to_req_t *tr, json_object *body, end_test_t *et)
{
    json_object *bloc = to_loc(&tr->verr, "body");
    to_obj_t links, rest;
    json_object *results;

    /* fields in pydantic's order: the links, then the rest */
    to_validate_object(&tr->verr, bloc, body, link_fields, TO_NELTS(link_fields), &links);
    if (!json_object_is_type(body, json_type_object)) {
        return;
    }
    et->ci_link = url_string(tr, &links, bloc, "ci_link", 0, 0);
    et->c3_link = url_string(tr, &links, bloc, "c3_link", 1, 200);
    to_validate_object(&tr->verr, bloc, body, rest_fields, TO_NELTS(rest_fields), &rest);
    et->checkbox_version = to_obj_str(&rest, "checkbox_version", NULL);
    if ((results = to_obj_get(&rest, "test_results")) != NULL) {
        et->batch =
            checked_results(tr, to_loc_key(&tr->verr, bloc, "test_results"), results, &et->failed);
    }
}

int to_h_end_test(to_req_t *tr)
{
    end_test_t et = {NULL, NULL, NULL, NULL, 0};
    const char *id;
    json_object *body;
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        validate(tr, body, &et);
    }
    TO_CHECKED(tr);

    if ((rv = to_db_begin(tr)) != OK) {
        return rv;
    }
    /* the lock serialises submissions for one execution */
    if (!(id = to_db_value(tr, &rv, "et_lock", et.ci_link))) {
        return rv != OK ? rv
                        : to_answer_detail(tr, HTTP_NOT_FOUND, "Related TestExecution not found");
    }
    if ((rv = to_db_exec(tr, "et_cases", NULL, et.batch)) != OK ||
        (rv = to_db_exec(tr, "et_results", NULL, id, id, et.batch)) != OK ||
        (rv = to_db_exec(tr, "et_apply_rules", NULL, id)) != OK ||
        (rv = to_db_exec(tr, "et_finish", NULL, et.failed ? "FAILED" : "PASSED", et.c3_link,
                         et.checkbox_version, id)) != OK ||
        (rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return HTTP_OK;
}
