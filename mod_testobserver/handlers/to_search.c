/* GET /v1/test-executions and GET /v1/test-results: searches.
 *
 * Each search is one statement: the count and the page are two scalar
 * subqueries of one SELECT, planned apart, so the page stops at its LIMIT
 * (results newest first: test_result_created_at_ix read backwards;
 * executions have no index on created_at and are sorted top-N) while the
 * count reads every match. The answer's JSON is built for the page only.
 *
 * Plans. The filters (handlers/to_sql_filters.h) are optional values that
 * fold away only in custom plans, made with the values. PostgreSQL makes
 * custom plans for the first five executions of a prepared statement, then
 * switches to a generic one if it looks cheaper; in a generic plan every
 * "(value IS NULL OR ...)" stays, no index serves it, and searches were 10
 * to 60 times slower in our measures (1M results). These statements' generic
 * plans are estimated far costlier than their custom ones, so PostgreSQL
 * keeps custom plans, but that rests on estimates: the httpd configurations
 * set plan_cache_mode = force_custom_plan (and jit = off: some filters'
 * estimates reach millions and JIT compiling these large statements took
 * seconds) for every connection with DBDInitSQL. Planning costs a few ms. */
#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_filters.h"
#include "to_handlers.h"
#include "to_sql_filters.h"
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

#define SQL_RESULTS_SEARCH                                                                         \
    "SELECT json_build_object('count', (SELECT count(*) FROM test_result r "                       \
    "WHERE " TO_SQL_FILTER_RESULTS "), 'limit', %s::int, 'offset', %s::bigint,"                    \
    " 'test_results', coalesce((SELECT json_agg(" SQL_RESULT_ITEM                                  \
    " ORDER BY r.created_at DESC, r.id DESC)"                                                      \
    " FROM (SELECT r.id FROM test_result r WHERE " TO_SQL_FILTER_RESULTS                           \
    " ORDER BY r.created_at DESC, r.id DESC LIMIT %s::bigint OFFSET %s::bigint) pg"                \
    " JOIN test_result r ON r.id = pg.id JOIN test_case c ON c.id = r.test_case_id"                \
    " JOIN test_execution te ON te.id = r.test_execution_id"                                       \
    " JOIN artefact_build b ON b.id = te.artefact_build_id"                                        \
    " JOIN artefact a ON a.id = b.artefact_id), '[]'::json))"

/* TestExecutionResponseWithContext of execution te, whose own answer is x.j:
 * its keys, with artefact, build and results before the rerun ones. */
#define SQL_EXECUTION_ITEM                                                                         \
    "json_build_object('id', x.j->'id', 'ci_link', x.j->'ci_link', 'c3_link', x.j->'c3_link',"     \
    " 'relevant_links', x.j->'relevant_links', 'environment', x.j->'environment',"                 \
    " 'status', x.j->'status', 'test_plan', x.j->'test_plan', 'created_at', x.j->'created_at',"    \
    " 'execution_metadata', x.j->'execution_metadata', 'is_triaged', x.j->'is_triaged',"           \
    " 'artefact', " ARTEFACT_JSON ", 'artefact_build', " BUILD_JSON ","                            \
    " 'test_results', coalesce((SELECT json_agg(" RESULT_JSON                                      \
    " ORDER BY r.created_at DESC, r.id DESC) FROM test_result r"                                   \
    " JOIN test_case c ON c.id = r.test_case_id WHERE r.test_execution_id = te.id"                 \
    " AND (%s::int[] IS NULL OR r.id = ANY(%s::int[]))), '[]'::json),"                             \
    " 'is_rerun_requested', x.j->'is_rerun_requested', 'rerun_priority', x.j->'rerun_priority')"

#define SQL_EXECUTIONS_SEARCH                                                                      \
    "SELECT json_build_object('count', (SELECT count(*) FROM test_execution te "                   \
    "WHERE " TO_SQL_FILTER_EXECUTION_SEARCH "), 'limit', %s::int, 'offset', %s::bigint,"           \
    " 'test_executions', coalesce((SELECT json_agg(" SQL_EXECUTION_ITEM                            \
    " ORDER BY te.created_at DESC, te.id DESC)"                                                    \
    " FROM (SELECT te.id FROM test_execution te WHERE " TO_SQL_FILTER_EXECUTION_SEARCH             \
    " ORDER BY te.created_at DESC, te.id DESC LIMIT %s::bigint OFFSET %s::bigint) pg"              \
    " JOIN test_execution te ON te.id = pg.id"                                                     \
    " JOIN artefact_build b ON b.id = te.artefact_build_id"                                        \
    " JOIN artefact a ON a.id = b.artefact_id"                                                     \
    " CROSS JOIN LATERAL (SELECT " EXECUTION_JSON " AS j) x), '[]'::json))"

const to_sql_t to_sql_search[] = {{"search_results", SQL_RESULTS_SEARCH},
                                  {"search_executions", SQL_EXECUTIONS_SEARCH},
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

int to_h_results_search(to_req_t *tr)
{
    to_filters_t f;
    int rv;

    to_filters_from_query(&f, tr->pool, TO_FILTERS_RESULTS_QUERY, tr->query, &tr->verr);
    if ((rv = checked(tr, &f)) != OK) {
        return rv;
    }
    return to_answer_query(tr, "Not Found", "search_results", TO_FILTER_RESULTS_ARGS(&f),
                           f.p[TO_FP_LIMIT], f.p[TO_FP_OFFSET], TO_FILTER_RESULTS_ARGS(&f),
                           f.p[TO_FP_LIMIT], f.p[TO_FP_OFFSET]);
}

int to_h_executions_search(to_req_t *tr)
{
    to_filters_t f;
    int rv;

    to_filters_from_query(&f, tr->pool, TO_FILTERS_EXECUTIONS_QUERY, tr->query, &tr->verr);
    if ((rv = checked(tr, &f)) != OK) {
        return rv;
    }
    return to_answer_query(
        tr, "Not Found", "search_executions", TO_FILTER_EXECUTION_SEARCH_ARGS(&f), f.p[TO_FP_LIMIT],
        f.p[TO_FP_OFFSET], f.p[TO_FP_RESULT_IDS], f.p[TO_FP_RESULT_IDS],
        TO_FILTER_EXECUTION_SEARCH_ARGS(&f), f.p[TO_FP_LIMIT], f.p[TO_FP_OFFSET]);
}
