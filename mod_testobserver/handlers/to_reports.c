/* GET /v1/reports/test-results and /v1/reports/test-executions: CSV files
 * of what was created in a date range (start_date from the beginning of
 * time, end_date now, both included), one query each, with the columns and
 * the cell texts upstream's Python writes. */
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_csv.h"
#include "../model/to_events.h"
#include "to_handlers.h"

/* clang-format off */

/* A naive timestamp as Python's str(datetime) writes it. */
#define PY_TS(col)                                                                                 \
    "regexp_replace(to_char(" col ", 'YYYY-MM-DD HH24:MI:SS.US'), '\\.000000$', '')"

#define SQL_RANGE(col)                                                                             \
    col " >= %s::timestamp AND " col " <= coalesce(%s::timestamp, localtimestamp)"

/* One row per test result of the artefacts created in the range (the
 * artefact's series is a column twice upstream). */
#define SQL_RESULTS_REPORT                                                                         \
    "SELECT a.family, a.id, a.name, a.version, a.status, a.track, a.stage, a.series, a.repo,"      \
    " a.os, a.series, " PY_TS("a.created_at") ", te.id, te.status, te.c3_link,"                    \
    " te.checkbox_version, p.name, e.name, e.architecture, c.template_id, c.name, c.category,"     \
    " r.status, " PY_TS("r.created_at")                                                            \
    " FROM artefact a"                                                                             \
    " JOIN artefact_build b ON b.artefact_id = a.id"                                               \
    " JOIN test_execution te ON te.artefact_build_id = b.id"                                       \
    " JOIN environment e ON e.id = te.environment_id"                                              \
    " JOIN test_plan p ON p.id = te.test_plan_id"                                                  \
    " JOIN test_result r ON r.test_execution_id = te.id"                                           \
    " JOIN test_case c ON c.id = r.test_case_id"                                                   \
    " WHERE " SQL_RANGE("a.created_at") " ORDER BY a.id, te.id, r.id"

/* One row per execution created in the range, with its environment review
 * (decisions as a JSON array) and its events (a JSON array of objects). */
#define SQL_EXECUTIONS_REPORT                                                                      \
    "SELECT a.family, a.id, a.name, a.version, a.status, a.track, a.stage, a.series, a.repo,"      \
    " a.os, te.id, te.status, te.ci_link, te.c3_link, te.checkbox_version, p.name,"                \
    " " PY_TS("te.created_at") ", e.name, e.architecture, array_to_json(rv.review_decision),"      \
    " rv.review_comment,"                                                                          \
    " coalesce((SELECT json_agg(json_build_object('event_name', ev.event_name,"                    \
    " 'timestamp', to_char(ev.\"timestamp\", 'YYYY-MM-DD HH24:MI:SS:MS'), 'detail', ev.detail)"    \
    " ORDER BY ev.id) FROM test_event ev WHERE ev.test_execution_id = te.id), '[]'::json)"         \
    " FROM test_execution te"                                                                      \
    " JOIN environment e ON e.id = te.environment_id"                                              \
    " JOIN test_plan p ON p.id = te.test_plan_id"                                                  \
    " JOIN artefact_build b ON b.id = te.artefact_build_id"                                        \
    " JOIN artefact a ON a.id = b.artefact_id"                                                     \
    " JOIN artefact_build_environment_review rv ON rv.artefact_build_id = b.id"                    \
    " AND rv.environment_id = e.id"                                                                \
    " WHERE " SQL_RANGE("te.created_at") " ORDER BY te.id"

/* clang-format on */

const to_sql_t to_sql_reports[] = {{"report_results", SQL_RESULTS_REPORT},
                                   {"report_executions", SQL_EXECUTIONS_REPORT},
                                   {NULL, NULL}};

/* Upstream's header rows: str() of its SQLAlchemy columns, and its list. */
static const char *const results_header[] = {"Artefact.family",
                                             "Artefact.id",
                                             "Artefact.name",
                                             "Artefact.version",
                                             "Artefact.status",
                                             "Artefact.track",
                                             "Artefact.stage",
                                             "Artefact.series",
                                             "Artefact.repo",
                                             "Artefact.os",
                                             "Artefact.series",
                                             "Artefact.created_at",
                                             "TestExecution.id",
                                             "TestExecution.status",
                                             "TestExecution.c3_link",
                                             "TestExecution.checkbox_version",
                                             "TestPlan.name",
                                             "Environment.name",
                                             "Environment.architecture",
                                             "TestCase.template_id",
                                             "TestCase.name",
                                             "TestCase.category",
                                             "TestResult.status",
                                             "TestResult.created_at",
                                             NULL};

static const char *const executions_header[] = {"Artefact.family",
                                                "Artefact.id",
                                                "Artefact.name",
                                                "Artefact.version",
                                                "Artefact.status",
                                                "Artefact.track",
                                                "Artefact.stage",
                                                "Artefact.series",
                                                "Artefact.repo",
                                                "Artefact.os",
                                                "TestExecution.id",
                                                "TestExecution.status",
                                                "TestExecution.ci_link",
                                                "TestExecution.c3_link",
                                                "TestExecution.checkbox_version",
                                                "TestExecution.test_plan",
                                                "TestExecution.created_at",
                                                "Environment.name",
                                                "Environment.architecture",
                                                "ArtefactBuildEnvironmentReview.review_decision",
                                                "ArtefactBuildEnvironmentReview.review_comment",
                                                "TestEvents",
                                                NULL};

/* Columns of the executions report that hold JSON to write as Python does. */
#define COL_DECISIONS 19
#define COL_EVENTS 21

/* str() of the list of review decisions: the reprs of enum members. */
static const char *py_decisions(apr_pool_t *pool, const char *json)
{
    json_object *list = json_tokener_parse(json ? json : "[]");
    const char *text = "[";
    size_t i, n;

    n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    for (i = 0; i < n; i++) {
        const char *d = json_object_get_string(json_object_array_get_idx(list, i));
        text = apr_pstrcat(pool, text, i ? ", " : "", "<ArtefactBuildEnvironmentReviewDecision.", d,
                           ": ", to_csv_pyrepr(pool, d), ">", NULL);
    }
    json_object_put(list);
    return apr_pstrcat(pool, text, "]", NULL);
}

/* str() of the list of event dicts. */
static const char *py_events(apr_pool_t *pool, const char *json)
{
    static const char *const keys[] = {"event_name", "timestamp", "detail"};
    json_object *list = json_tokener_parse(json ? json : "[]");
    apr_array_header_t *parts = apr_array_make(pool, 16, sizeof(const char *));
    size_t i, n, k;

    n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    APR_ARRAY_PUSH(parts, const char *) = "[";
    for (i = 0; i < n; i++) {
        json_object *event = json_object_array_get_idx(list, i);
        APR_ARRAY_PUSH(parts, const char *) = i ? ", {" : "{";
        for (k = 0; k < 3; k++) {
            json_object *v = to_json_get(event, keys[k], NULL);
            APR_ARRAY_PUSH(parts, const char *) = apr_pstrcat(
                pool, k ? ", '" : "'", keys[k],
                "': ", v ? to_csv_pyrepr(pool, json_object_get_string(v)) : "None", NULL);
        }
        APR_ARRAY_PUSH(parts, const char *) = "}";
    }
    APR_ARRAY_PUSH(parts, const char *) = "]";
    json_object_put(list);
    return apr_array_pstrcat(pool, parts, 0);
}

/* start_date and end_date (query), as the SQL's bounds. */
static void read_range(to_req_t *tr, const char **start, const char **end)
{
    static const char *const names[] = {"start_date", "end_date"};
    const char **out[] = {start, end};
    int i;

    *start = "0001-01-01 00:00:00";
    *end = NULL; /* now */
    for (i = 0; i < 2; i++) {
        const char *text = to_query(tr, names[i]);
        json_object *loc = to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), names[i]);
        to_datetime_t dt;

        if (text &&
            to_validate_datetime(&tr->verr, loc, to_json_own(tr->pool, to_json_str(text)), &dt)) {
            /* compared with naive UTC columns */
            *out[i] = to_datetime_utc_text(tr->pool, &dt);
        }
    }
}

static int report(to_req_t *tr, const char *label, const char *const *header, const char *filename)
{
    const char *start, *end;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    to_csv_t csv;
    int rv, i, executions = !strcmp(label, "report_executions");

    read_range(tr, &start, &end);
    TO_CHECKED(tr);

    if ((rv = to_db_select(tr, label, &res, start, end)) != OK) {
        return rv;
    }
    to_csv_init(&csv, tr->pool);
    for (i = 0; header[i]; i++) {
        to_csv_field(&csv, header[i]);
    }
    to_csv_end_row(&csv);
    while (to_db_next(tr, res, &row) == 0) {
        for (i = 0; header[i]; i++) {
            const char *value = to_db_col(tr, row, i);
            if (executions && i == COL_DECISIONS) {
                value = py_decisions(tr->pool, value);
            }
            else if (executions && i == COL_EVENTS) {
                value = py_events(tr->pool, value);
            }
            to_csv_field(&csv, value);
        }
        to_csv_end_row(&csv);
    }
    tr->out = to_csv_text(&csv, &tr->out_len);
    tr->content_type = "text/csv; charset=utf-8";
    apr_table_setn(tr->r->headers_out, "Content-Disposition",
                   apr_psprintf(tr->pool, "attachment; filename=\"%s\"", filename));
    return HTTP_OK;
}

int to_h_report_results(to_req_t *tr)
{
    return report(tr, "report_results", results_header, "testresults_report.csv");
}

int to_h_report_executions(to_req_t *tr)
{
    return report(tr, "report_executions", executions_header, "test_executions_report.csv");
}
