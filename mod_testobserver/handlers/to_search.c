/* GET /v1/test-executions and GET /v1/test-results: searches.
 *
 * Two statements. The first finds the matches: their count and the ids of
 * the page, two subqueries planned apart, so the page stops at its LIMIT
 * when it can while the count reads every match. The second, prepared,
 * builds the answer's JSON for the page's ids.
 *
 * The first is composed for the filters the request gives
 * (model/to_filters_sql.c) and sent unprepared: PostgreSQL plans it with
 * its values every time, and sees only the filters given, each a semi-join
 * it estimates from statistics. So a broad filter (a family holding 40% of
 * the results) walks test_result_created_at_ix backwards and stops at the
 * page, and a narrow one (an environment's few executions) starts from its
 * own index and sorts its few matches. Earlier, one prepared statement held
 * every filter as "(value IS NULL OR ...)" with id sets built as arrays,
 * which the planner could not estimate: at 5 million results a family
 * filter was taken for 319 executions where it held 18,862, and the page
 * sorted 2 million rows. It is kept small, as it is planned for every
 * request: the JSON, whose many subqueries took most of the planning, is
 * the second statement's. Executions have no index on created_at: their
 * matches are found once (a MATERIALIZED CTE) for both the count and the
 * page, a top-N sort. */
#include <httpd.h>
#include <http_protocol.h>

#include "../db/to_db.h"
#include "../model/to_filters.h"
#include "../model/to_filters_sql.h"
#include "to_handlers.h"
#include "to_sql_json.h"

/* The answers' pieces, for the aliases used below. */
#define RESULT_JSON TO_SQL_SEARCH_RESULT_JSON("r", "c")
#define EXECUTION_JSON TO_SQL_EXECUTION_JSON("te")
#define ARTEFACT_JSON TO_SQL_ARTEFACT_JSON("a")
#define BUILD_JSON TO_SQL_BUILD_MINIMAL_JSON("b")

/* TestResultResponseWithContext of result r. */
#define SQL_RESULT_ITEM                                                                            \
    "json_build_object('test_result', " RESULT_JSON ", 'test_execution', " EXECUTION_JSON ","      \
    " 'artefact', " ARTEFACT_JSON ", 'artefact_build', " BUILD_JSON ")"

/* TestExecutionResponseWithContext of execution te, whose own answer is x.j:
 * its keys, with artefact, build and results before the rerun ones. x is
 * computed once per execution ("OFFSET 0" keeps PostgreSQL from inlining
 * it, which would build the whole answer again for each key taken). */
#define SQL_EXECUTION_ITEM_HEAD                                                                    \
    "json_build_object('id', x.j->'id', 'ci_link', x.j->'ci_link', 'c3_link', x.j->'c3_link',"     \
    " 'relevant_links', x.j->'relevant_links', 'environment', x.j->'environment',"                 \
    " 'status', x.j->'status', 'test_plan', x.j->'test_plan', 'created_at', x.j->'created_at',"    \
    " 'execution_metadata', x.j->'execution_metadata', 'is_triaged', x.j->'is_triaged',"           \
    " 'artefact', " ARTEFACT_JSON ", 'artefact_build', " BUILD_JSON ","                            \
    " 'test_results', coalesce((SELECT json_agg(" RESULT_JSON                                      \
    " ORDER BY r.created_at DESC, r.id DESC) FROM test_result r"                                   \
    " JOIN test_case c ON c.id = r.test_case_id WHERE r.test_execution_id = te.id"

#define SQL_EXECUTION_ITEM_TAIL                                                                    \
    "), '[]'::json),"                                                                              \
    " 'is_rerun_requested', x.j->'is_rerun_requested', 'rerun_priority', x.j->'rerun_priority')"

/* The answer of a search, given its count and the ids of its page in
 * order ({id,...}): prepared, as it depends on no filter. */
#define SQL_RESULTS_PAGE                                                                           \
    "SELECT json_build_object('count', %s::bigint, 'limit', %s::int, 'offset', %s::bigint,"        \
    " 'test_results', coalesce((SELECT json_agg(" SQL_RESULT_ITEM                                  \
    " ORDER BY r.created_at DESC, r.id DESC) FROM test_result r"                                   \
    " JOIN test_case c ON c.id = r.test_case_id JOIN test_execution te"                            \
    " ON te.id = r.test_execution_id JOIN artefact_build b ON b.id = te.artefact_build_id"         \
    " JOIN artefact a ON a.id = b.artefact_id WHERE r.id = ANY(%s::int[])), '[]'::json))"

/* The same for executions; the results they embed are those searched for,
 * when test_result lists ids. */
#define SQL_EXECUTIONS_PAGE                                                                        \
    "SELECT json_build_object('count', %s::bigint, 'limit', %s::int, 'offset', %s::bigint,"        \
    " 'test_executions', coalesce((SELECT json_agg(" SQL_EXECUTION_ITEM_HEAD                       \
    " AND (%s::int[] IS NULL OR r.id = ANY(%s::int[]))" SQL_EXECUTION_ITEM_TAIL                    \
    " ORDER BY te.created_at DESC, te.id DESC) FROM test_execution te"                             \
    " JOIN artefact_build b ON b.id = te.artefact_build_id JOIN artefact a"                        \
    " ON a.id = b.artefact_id CROSS JOIN LATERAL (SELECT " EXECUTION_JSON " AS j OFFSET 0) x"      \
    " WHERE te.id = ANY(%s::int[])), '[]'::json))"

const to_sql_t to_sql_search[] = {{"search_results_page", SQL_RESULTS_PAGE},
                                  {"search_executions_page", SQL_EXECUTIONS_PAGE},
                                  {NULL, NULL}};

/* Validation, then upstream's order of answers: the execution metadata
 * format (a dependency, run before anything else is validated), the
 * parameters, then what the operation itself refuses. */
static int checked(to_req_t *tr, const to_filters_t *f)
{
    if (f->detail_first) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY, f->detail_first);
    }
    TO_CHECKED(tr);
    if (f->detail_last) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY, f->detail_last);
    }
    return OK;
}

/* Runs the match statement b holds: one row, the count and the page's ids
 * ({id,...}), for the page statement to answer. */
static int matches(to_req_t *tr, const char *what, const to_sqlb_t *b, const char **count,
                   const char **ids)
{
    apr_dbd_results_t *res;
    const char *cols[2] = {NULL, NULL};
    int status;

    status = to_db_select_text(tr, what, to_sqlb_sql(b), to_sqlb_nargs(b), to_sqlb_args(b), &res);
    if (status != OK) {
        return status;
    }
    if (!to_db_first_cols(tr, res, 2, cols) || !cols[0] || !cols[1]) {
        tr->detail = "Internal Server Error";
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    *count = cols[0];
    *ids = cols[1];
    return OK;
}

int to_h_results_search(to_req_t *tr)
{
    const char *count, *ids;
    to_filters_t f;
    to_sqlb_t b;
    int rv;

    to_filters_from_query(&f, tr->pool, TO_FILTERS_RESULTS_QUERY, tr->query, &tr->verr);
    if ((rv = checked(tr, &f)) != OK) {
        return rv;
    }
    to_sqlb_init(&b, tr->pool);
    to_sqlb_add(&b, "SELECT (SELECT count(*) FROM test_result r");
    to_filters_sql_results(&b, &f);
    to_sqlb_add(&b, "), ARRAY(SELECT r.id FROM test_result r");
    to_filters_sql_results(&b, &f);
    to_sqlb_add(&b, " ORDER BY r.created_at DESC, r.id DESC LIMIT %s::bigint OFFSET %s::bigint)",
                f.p[TO_FP_LIMIT], f.p[TO_FP_OFFSET]);
    if ((rv = matches(tr, "search_results", &b, &count, &ids)) != OK) {
        return rv;
    }
    return to_answer_query(tr, "Not Found", "search_results_page", count, f.p[TO_FP_LIMIT],
                           f.p[TO_FP_OFFSET], ids);
}

int to_h_executions_search(to_req_t *tr)
{
    const char *count, *ids;
    to_filters_t f;
    to_sqlb_t b;
    int rv;

    to_filters_from_query(&f, tr->pool, TO_FILTERS_EXECUTIONS_QUERY, tr->query, &tr->verr);
    if ((rv = checked(tr, &f)) != OK) {
        return rv;
    }
    to_sqlb_init(&b, tr->pool);
    to_sqlb_add(&b, "WITH m AS MATERIALIZED (SELECT te.id, te.created_at FROM test_execution te");
    to_filters_sql_executions(&b, &f);
    to_sqlb_add(&b,
                ") SELECT (SELECT count(*) FROM m), ARRAY(SELECT m.id FROM m"
                " ORDER BY m.created_at DESC, m.id DESC LIMIT %s::bigint OFFSET %s::bigint)",
                f.p[TO_FP_LIMIT], f.p[TO_FP_OFFSET]);
    if ((rv = matches(tr, "search_executions", &b, &count, &ids)) != OK) {
        return rv;
    }
    return to_answer_query(tr, "Not Found", "search_executions_page", count, f.p[TO_FP_LIMIT],
                           f.p[TO_FP_OFFSET], f.p[TO_FP_RESULT_IDS], f.p[TO_FP_RESULT_IDS], ids);
}
