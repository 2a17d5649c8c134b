/* The SQL of the search filters (model/to_filters.h), as fragments that any
 * statement can embed in a WHERE clause, each with the macro listing the
 * values it binds, in order: write TO_SQL_FILTER_X where the statement
 * filters and pass TO_FILTER_X_ARGS(f) at that place of the values.
 *
 * Aliases: the result fragment filters rows of test_result "r", the
 * execution fragments rows of test_execution "te". Inner aliases all start
 * with "f".
 *
 * How PostgreSQL sees them: apr_dbd prepares every value as varchar, and
 * custom plans (see handlers/to_search.c) fold what is constant. So:
 * - an absent filter is "(%s IS NULL OR ...)" or "(NOT %s::boolean OR ...)"
 *   on the raw value: both fold to true and the filter vanishes from the
 *   plan (no index, no cost); a given one folds to its condition alone;
 * - a list is cast in a scalar subquery, "ANY((SELECT %s::text[])::text[])": the
 *   casts of arrays, enums and timestamps are only stable, so without it
 *   PostgreSQL would cast again for every row; as an InitPlan it is cast
 *   once and stays usable by an index;
 * - dates are microseconds since 1970, turned into a timestamp by immutable
 *   arithmetic, so the planner sees the date itself and estimates ranges;
 * - sets of ids that a filter selects (artefact builds, environments, test
 *   cases, executions, issues, results) are "col = ANY(ARRAY(SELECT ...))":
 *   an InitPlan computed once, driving the index of col. */
#ifndef TO_SQL_FILTERS_H
#define TO_SQL_FILTERS_H

#include "../model/to_filters.h"

#define TO_FILTER_P(f, slot) ((f)->p[slot])

/* The timestamp of a value given in microseconds since 1970. */
#define TO_SQL_FILTER_USEC_ "(timestamp '1970-01-01' + %s::bigint * interval '1 microsecond')"

/* The artefact of the execution's build: family, name, version, stage,
 * track, archived, reviewers (any, none, ids). */
#define TO_SQL_FILTER_ARTEFACT                                                                     \
    "(%s::boolean OR te.artefact_build_id = ANY(ARRAY(SELECT fb.id FROM artefact_build fb"         \
    " JOIN artefact fa ON fa.id = fb.artefact_id WHERE"                                            \
    " (%s IS NULL OR fa.family = ANY((SELECT %s::familyname[])::familyname[]))"                    \
    " AND (%s IS NULL OR fa.name = ANY((SELECT %s::text[])::text[]))"                              \
    " AND (%s IS NULL OR fa.version = ANY((SELECT %s::text[])::text[]))"                           \
    " AND (%s IS NULL OR fa.stage = ANY((SELECT %s::text[])::text[]))"                             \
    " AND (%s IS NULL OR fa.track = ANY((SELECT %s::text[])::text[]))"                             \
    " AND (%s IS NULL OR fa.archived = %s::boolean)"                                               \
    " AND (NOT %s::boolean OR EXISTS (SELECT 1 FROM artefact_reviewers_association fr"             \
    " WHERE fr.artefact_id = fa.id))"                                                              \
    " AND (NOT %s::boolean OR NOT EXISTS (SELECT 1 FROM artefact_reviewers_association fr"         \
    " WHERE fr.artefact_id = fa.id))"                                                              \
    " AND (%s IS NULL OR fa.id = ANY(ARRAY(SELECT fr.artefact_id"                                  \
    " FROM artefact_reviewers_association fr WHERE fr.user_id = ANY((SELECT "                      \
    "%s::int[])::int[])))))))"

#define TO_FILTER_ARTEFACT_ARGS(f)                                                                 \
    TO_FILTER_P(f, TO_FP_SKIP_ARTEFACT), TO_FILTER_P(f, TO_FP_FAMILIES),                           \
        TO_FILTER_P(f, TO_FP_FAMILIES), TO_FILTER_P(f, TO_FP_ARTEFACTS),                           \
        TO_FILTER_P(f, TO_FP_ARTEFACTS), TO_FILTER_P(f, TO_FP_VERSIONS),                           \
        TO_FILTER_P(f, TO_FP_VERSIONS), TO_FILTER_P(f, TO_FP_STAGES),                              \
        TO_FILTER_P(f, TO_FP_STAGES), TO_FILTER_P(f, TO_FP_TRACKS), TO_FILTER_P(f, TO_FP_TRACKS),  \
        TO_FILTER_P(f, TO_FP_ARCHIVED), TO_FILTER_P(f, TO_FP_ARCHIVED),                            \
        TO_FILTER_P(f, TO_FP_REVIEWERS_ANY), TO_FILTER_P(f, TO_FP_REVIEWERS_NONE),                 \
        TO_FILTER_P(f, TO_FP_REVIEWER_IDS), TO_FILTER_P(f, TO_FP_REVIEWER_IDS)

/* A rerun request for the execution's plan, build and environment. */
#define TO_SQL_FILTER_RERUN_                                                                       \
    "SELECT 1 FROM test_execution_rerun_request frr WHERE frr.test_plan_id = te.test_plan_id"      \
    " AND frr.artefact_build_id = te.artefact_build_id AND frr.environment_id = te.environment_id"

/* The latest execution of each plan, build and environment: found in one
 * pass, as probing for a later execution row by row costs far more. */
#define TO_SQL_FILTER_LATEST_                                                                      \
    "SELECT max(fn.id) FROM test_execution fn"                                                     \
    " GROUP BY fn.test_plan_id, fn.artefact_build_id, fn.environment_id"

/* The execution (TestExecutionFilterBase without its dates): status,
 * environment name, rerun requested, latest of its kind, execution metadata
 * (every category given must have one of its values), and the artefact. */
#define TO_SQL_FILTER_EXECUTION                                                                    \
    "(%s IS NULL OR te.status = ANY((SELECT %s::testexecutionstatus[])::testexecutionstatus[]))"   \
    " AND (%s IS NULL OR te.environment_id = ANY(ARRAY(SELECT fe.id FROM environment fe"           \
    " WHERE fe.name = ANY((SELECT %s::text[])::text[]))))"                                         \
    " AND (NOT %s::boolean OR EXISTS (" TO_SQL_FILTER_RERUN_ "))"                                  \
    " AND (NOT %s::boolean OR NOT EXISTS (" TO_SQL_FILTER_RERUN_ "))"                              \
    " AND (NOT %s::boolean OR te.id IN (" TO_SQL_FILTER_LATEST_ "))"                               \
    " AND (NOT %s::boolean OR te.id NOT IN (" TO_SQL_FILTER_LATEST_ "))"                           \
    " AND (%s IS NULL OR te.id = ANY(ARRAY(SELECT fx.test_execution_id"                            \
    " FROM json_each(%s::json) fm CROSS JOIN LATERAL json_array_elements_text(fm.value) fv(v)"     \
    " JOIN test_execution_metadata fmd ON fmd.category = fm.key AND fmd.value = fv.v"              \
    " JOIN test_execution_metadata_association_table fx ON fx.test_execution_metadata_id = fmd.id" \
    " GROUP BY fx.test_execution_id HAVING count(DISTINCT fmd.category)"                           \
    " = (SELECT count(*) FROM json_object_keys(%s::json)))))"                                      \
    " AND " TO_SQL_FILTER_ARTEFACT

#define TO_FILTER_EXECUTION_ARGS(f)                                                                \
    TO_FILTER_P(f, TO_FP_EXECUTION_STATUSES), TO_FILTER_P(f, TO_FP_EXECUTION_STATUSES),            \
        TO_FILTER_P(f, TO_FP_ENVIRONMENTS), TO_FILTER_P(f, TO_FP_ENVIRONMENTS),                    \
        TO_FILTER_P(f, TO_FP_RERUN_YES), TO_FILTER_P(f, TO_FP_RERUN_NO),                           \
        TO_FILTER_P(f, TO_FP_LATEST_YES), TO_FILTER_P(f, TO_FP_LATEST_NO),                         \
        TO_FILTER_P(f, TO_FP_METADATA), TO_FILTER_P(f, TO_FP_METADATA),                            \
        TO_FILTER_P(f, TO_FP_METADATA), TO_FILTER_ARTEFACT_ARGS(f)

/* TestExecution(Search|Rerun)Filters on "te": the above, the dates (on
 * updated_at) and the impossible values. */
#define TO_SQL_FILTER_EXECUTIONS                                                                   \
    "NOT %s::boolean AND " TO_SQL_FILTER_EXECUTION                                                 \
    " AND (%s IS NULL OR te.updated_at >= " TO_SQL_FILTER_USEC_ ")"                                \
    " AND (%s IS NULL OR te.updated_at <= " TO_SQL_FILTER_USEC_ ")"

#define TO_FILTER_EXECUTIONS_ARGS(f)                                                               \
    TO_FILTER_P(f, TO_FP_NOTHING), TO_FILTER_EXECUTION_ARGS(f), TO_FILTER_P(f, TO_FP_FROM),        \
        TO_FILTER_P(f, TO_FP_FROM), TO_FILTER_P(f, TO_FP_UNTIL), TO_FILTER_P(f, TO_FP_UNTIL)

/* What only GET /v1/test-executions has: events (any, none, names) and
 * results (any, none, ids). */
#define TO_SQL_FILTER_EXECUTION_SEARCH                                                             \
    TO_SQL_FILTER_EXECUTIONS                                                                       \
    " AND (NOT %s::boolean OR EXISTS (SELECT 1 FROM test_event fv"                                 \
    " WHERE fv.test_execution_id = te.id))"                                                        \
    " AND (NOT %s::boolean OR NOT EXISTS (SELECT 1 FROM test_event fv"                             \
    " WHERE fv.test_execution_id = te.id))"                                                        \
    " AND (%s IS NULL OR te.id = ANY(ARRAY(SELECT fv.test_execution_id FROM test_event fv"         \
    " WHERE fv.event_name = ANY((SELECT %s::text[])::text[]))))"                                   \
    " AND (NOT %s::boolean OR EXISTS (SELECT 1 FROM test_result fr"                                \
    " WHERE fr.test_execution_id = te.id))"                                                        \
    " AND (NOT %s::boolean OR NOT EXISTS (SELECT 1 FROM test_result fr"                            \
    " WHERE fr.test_execution_id = te.id))"                                                        \
    " AND (%s IS NULL OR te.id = ANY(ARRAY(SELECT fr.test_execution_id FROM test_result fr"        \
    " WHERE fr.id = ANY((SELECT %s::int[])::int[]))))"

#define TO_FILTER_EXECUTION_SEARCH_ARGS(f)                                                         \
    TO_FILTER_EXECUTIONS_ARGS(f), TO_FILTER_P(f, TO_FP_EVENTS_ANY),                                \
        TO_FILTER_P(f, TO_FP_EVENTS_NONE), TO_FILTER_P(f, TO_FP_EVENT_NAMES),                      \
        TO_FILTER_P(f, TO_FP_EVENT_NAMES), TO_FILTER_P(f, TO_FP_RESULTS_ANY),                      \
        TO_FILTER_P(f, TO_FP_RESULTS_NONE), TO_FILTER_P(f, TO_FP_RESULT_IDS),                      \
        TO_FILTER_P(f, TO_FP_RESULT_IDS)

/* TestResultSearchFilters on "r" (without its limit and offset): status,
 * dates (on created_at), issues (any, none, ids), test case name and
 * template, and the execution's filters. The test case and the execution
 * are semi-joins that vanish when none of their filters is given, so the
 * common searches stay on test_result's own indexes. */
#define TO_SQL_FILTER_RESULTS                                                                      \
    "NOT %s::boolean"                                                                              \
    " AND (%s IS NULL OR r.status = ANY((SELECT %s::testresultstatus[])::testresultstatus[]))"     \
    " AND (%s IS NULL OR r.created_at >= " TO_SQL_FILTER_USEC_ ")"                                 \
    " AND (%s IS NULL OR r.created_at <= " TO_SQL_FILTER_USEC_ ")"                                 \
    " AND (NOT %s::boolean OR EXISTS (SELECT 1 FROM issue_test_result_attachment fi"               \
    " WHERE fi.test_result_id = r.id))"                                                            \
    " AND (NOT %s::boolean OR NOT EXISTS (SELECT 1 FROM issue_test_result_attachment fi"           \
    " WHERE fi.test_result_id = r.id))"                                                            \
    " AND (%s IS NULL OR r.id = ANY(ARRAY(SELECT fi.test_result_id"                                \
    " FROM issue_test_result_attachment fi WHERE fi.issue_id = ANY((SELECT %s::int[])::int[]))))"  \
    " AND (%s::boolean OR r.test_case_id = ANY(ARRAY(SELECT fc.id FROM test_case fc WHERE"         \
    " (%s IS NULL OR fc.name = ANY((SELECT %s::text[])::text[]))"                                  \
    " AND (%s IS NULL OR fc.template_id = ANY((SELECT %s::text[])::text[])))))"                    \
    " AND (%s::boolean OR r.test_execution_id = ANY(ARRAY(SELECT te.id FROM test_execution te"     \
    " WHERE " TO_SQL_FILTER_EXECUTION ")))"

#define TO_FILTER_RESULTS_ARGS(f)                                                                  \
    TO_FILTER_P(f, TO_FP_NOTHING), TO_FILTER_P(f, TO_FP_RESULT_STATUSES),                          \
        TO_FILTER_P(f, TO_FP_RESULT_STATUSES), TO_FILTER_P(f, TO_FP_FROM),                         \
        TO_FILTER_P(f, TO_FP_FROM), TO_FILTER_P(f, TO_FP_UNTIL), TO_FILTER_P(f, TO_FP_UNTIL),      \
        TO_FILTER_P(f, TO_FP_ISSUES_ANY), TO_FILTER_P(f, TO_FP_ISSUES_NONE),                       \
        TO_FILTER_P(f, TO_FP_ISSUE_IDS), TO_FILTER_P(f, TO_FP_ISSUE_IDS),                          \
        TO_FILTER_P(f, TO_FP_SKIP_CASE), TO_FILTER_P(f, TO_FP_TEST_CASES),                         \
        TO_FILTER_P(f, TO_FP_TEST_CASES), TO_FILTER_P(f, TO_FP_TEMPLATE_IDS),                      \
        TO_FILTER_P(f, TO_FP_TEMPLATE_IDS), TO_FILTER_P(f, TO_FP_SKIP_EXECUTION),                  \
        TO_FILTER_EXECUTION_ARGS(f)

#endif
