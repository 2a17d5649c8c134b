/* The SQL of the search filters (model/to_filters.h), as fragments that any
 * statement can embed in a WHERE clause, each with the macro listing the
 * values it binds, in order: write TO_SQL_FILTER_X where the statement
 * filters and pass TO_FILTER_X_ARGS(f) at that place of the values.
 *
 * Aliases: the result fragment filters rows of test_result "r", the
 * execution fragments rows of test_execution "te". Inner aliases all start
 * with "f".
 *
 * Every optional filter is written so that PostgreSQL removes it when its
 * value is absent: "(NULL IS NULL OR ...)" and "(NOT false OR ...)" fold to
 * true once the values are known, leaving only the given filters, which
 * then use their indexes. That happens in custom plans, which PostgreSQL
 * makes for the first five executions of a prepared statement and keeps
 * making while a generic plan does not look cheaper; see the notes in
 * handlers/to_search.c. */
#ifndef TO_SQL_FILTERS_H
#define TO_SQL_FILTERS_H

#include "../model/to_filters.h"

#define TO_FILTER_P(f, slot) ((f)->p[slot])

/* The artefact of the execution's build: family, name, version, stage,
 * track, archived, reviewers (any, none, ids). */
#define TO_SQL_FILTER_ARTEFACT                                                                     \
    "(%s::boolean OR te.artefact_build_id IN (SELECT fb.id FROM artefact_build fb"                 \
    " JOIN artefact fa ON fa.id = fb.artefact_id WHERE"                                            \
    " (%s::familyname[] IS NULL OR fa.family = ANY(%s::familyname[]))"                             \
    " AND (%s::text[] IS NULL OR fa.name = ANY(%s::text[]))"                                       \
    " AND (%s::text[] IS NULL OR fa.version = ANY(%s::text[]))"                                    \
    " AND (%s::text[] IS NULL OR fa.stage = ANY(%s::text[]))"                                      \
    " AND (%s::text[] IS NULL OR fa.track = ANY(%s::text[]))"                                      \
    " AND (%s::boolean IS NULL OR fa.archived = %s::boolean)"                                      \
    " AND (NOT %s::boolean OR EXISTS (SELECT 1 FROM artefact_reviewers_association fr"             \
    " WHERE fr.artefact_id = fa.id))"                                                              \
    " AND (NOT %s::boolean OR NOT EXISTS (SELECT 1 FROM artefact_reviewers_association fr"         \
    " WHERE fr.artefact_id = fa.id))"                                                              \
    " AND (%s::int[] IS NULL OR EXISTS (SELECT 1 FROM artefact_reviewers_association fr"           \
    " WHERE fr.artefact_id = fa.id AND fr.user_id = ANY(%s::int[])))))"

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

/* A later execution of the same plan, build and environment. */
#define TO_SQL_FILTER_NEWER_                                                                       \
    "SELECT 1 FROM test_execution fn WHERE fn.test_plan_id = te.test_plan_id"                      \
    " AND fn.artefact_build_id = te.artefact_build_id AND fn.environment_id = te.environment_id"   \
    " AND fn.id > te.id"

/* The execution (TestExecutionFilterBase without its dates): status,
 * environment name, rerun requested, latest of its kind, execution metadata
 * (every category given must have one of its values), and the artefact. */
#define TO_SQL_FILTER_EXECUTION                                                                    \
    "(%s::testexecutionstatus[] IS NULL OR te.status = ANY(%s::testexecutionstatus[]))"            \
    " AND (%s::text[] IS NULL OR te.environment_id IN (SELECT fe.id FROM environment fe"           \
    " WHERE fe.name = ANY(%s::text[])))"                                                           \
    " AND (NOT %s::boolean OR EXISTS (" TO_SQL_FILTER_RERUN_ "))"                                  \
    " AND (NOT %s::boolean OR NOT EXISTS (" TO_SQL_FILTER_RERUN_ "))"                              \
    " AND (NOT %s::boolean OR NOT EXISTS (" TO_SQL_FILTER_NEWER_ "))"                              \
    " AND (NOT %s::boolean OR EXISTS (" TO_SQL_FILTER_NEWER_ "))"                                  \
    " AND (%s::json IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(%s::json) fm"                   \
    " WHERE NOT EXISTS (SELECT 1 FROM test_execution_metadata_association_table fx"                \
    " JOIN test_execution_metadata fmd ON fmd.id = fx.test_execution_metadata_id"                  \
    " WHERE fx.test_execution_id = te.id AND fmd.category = fm.key"                                \
    " AND fmd.value IN (SELECT json_array_elements_text(fm.value)))))"                             \
    " AND " TO_SQL_FILTER_ARTEFACT

#define TO_FILTER_EXECUTION_ARGS(f)                                                                \
    TO_FILTER_P(f, TO_FP_EXECUTION_STATUSES), TO_FILTER_P(f, TO_FP_EXECUTION_STATUSES),            \
        TO_FILTER_P(f, TO_FP_ENVIRONMENTS), TO_FILTER_P(f, TO_FP_ENVIRONMENTS),                    \
        TO_FILTER_P(f, TO_FP_RERUN_YES), TO_FILTER_P(f, TO_FP_RERUN_NO),                           \
        TO_FILTER_P(f, TO_FP_LATEST_YES), TO_FILTER_P(f, TO_FP_LATEST_NO),                         \
        TO_FILTER_P(f, TO_FP_METADATA), TO_FILTER_P(f, TO_FP_METADATA), TO_FILTER_ARTEFACT_ARGS(f)

/* TestExecution(Search|Rerun)Filters on "te": the above, the dates (on
 * updated_at) and the impossible values. */
#define TO_SQL_FILTER_EXECUTIONS                                                                   \
    "NOT %s::boolean AND " TO_SQL_FILTER_EXECUTION                                                 \
    " AND (%s::timestamp IS NULL OR te.updated_at >= %s::timestamp)"                               \
    " AND (%s::timestamp IS NULL OR te.updated_at <= %s::timestamp)"

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
    " AND (%s::text[] IS NULL OR EXISTS (SELECT 1 FROM test_event fv"                              \
    " WHERE fv.test_execution_id = te.id AND fv.event_name = ANY(%s::text[])))"                    \
    " AND (NOT %s::boolean OR EXISTS (SELECT 1 FROM test_result fr"                                \
    " WHERE fr.test_execution_id = te.id))"                                                        \
    " AND (NOT %s::boolean OR NOT EXISTS (SELECT 1 FROM test_result fr"                            \
    " WHERE fr.test_execution_id = te.id))"                                                        \
    " AND (%s::int[] IS NULL OR te.id IN (SELECT fr.test_execution_id FROM test_result fr"         \
    " WHERE fr.id = ANY(%s::int[])))"

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
    " AND (%s::testresultstatus[] IS NULL OR r.status = ANY(%s::testresultstatus[]))"              \
    " AND (%s::timestamp IS NULL OR r.created_at >= %s::timestamp)"                                \
    " AND (%s::timestamp IS NULL OR r.created_at <= %s::timestamp)"                                \
    " AND (NOT %s::boolean OR EXISTS (SELECT 1 FROM issue_test_result_attachment fi"               \
    " WHERE fi.test_result_id = r.id))"                                                            \
    " AND (NOT %s::boolean OR NOT EXISTS (SELECT 1 FROM issue_test_result_attachment fi"           \
    " WHERE fi.test_result_id = r.id))"                                                            \
    " AND (%s::int[] IS NULL OR r.id IN (SELECT fi.test_result_id"                                 \
    " FROM issue_test_result_attachment fi WHERE fi.issue_id = ANY(%s::int[])))"                   \
    " AND (%s::boolean OR r.test_case_id IN (SELECT fc.id FROM test_case fc WHERE"                 \
    " (%s::text[] IS NULL OR fc.name = ANY(%s::text[]))"                                           \
    " AND (%s::text[] IS NULL OR fc.template_id = ANY(%s::text[]))))"                              \
    " AND (%s::boolean OR r.test_execution_id IN (SELECT te.id FROM test_execution te "            \
    "WHERE " TO_SQL_FILTER_EXECUTION "))"

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
