/* The filters a rerun request may select executions by: upstream's
 * TestResultSearchFilters and TestExecutionRerunFilters, read from a JSON
 * body with pydantic's errors. */
#ifndef TO_RERUN_FILTERS_H
#define TO_RERUN_FILTERS_H

#include <json-c/json.h>

#include "../model/to_validate.h"

typedef enum {
    TO_FILTERS_RESULTS,   /* test_results_filters */
    TO_FILTERS_EXECUTIONS /* test_executions_filters */
} to_filters_kind_t;

/* Validates the filters object v at loc, adding errors to e. Returns the
 * filters that are set, as the object the SQL reads (key -> list of
 * strings or ints, boolean, "any"/"none", naive UTC timestamp text, int,
 * metadata object), owned by e->pool; NULL after errors. *selects tells
 * whether a filter that counts for upstream's "at least one filter" rule
 * was given. */
json_object *to_rerun_filters(to_verr_t *e, json_object *loc, json_object *v,
                              to_filters_kind_t kind, int *selects);

/* SQL of the filters, as conditions on the object to_rerun_filters returns,
 * given as the jsonb expression F (each one starts with " AND "). */
/* clang-format off */

/* A filter of the selection, given as jsonb expression F: unset, or the
 * column's value among the listed ones. */
#define TO_SQL_IN_LIST(F, key, col)                                                                \
    " AND (" F "->'" key "' IS NULL"                                                               \
    " OR " col " IN (SELECT jsonb_array_elements_text(" F "->'" key "')))"
#define TO_SQL_BOOL_IS(F, key, expr)                                                               \
    " AND (" F "->'" key "' IS NULL OR (" expr ") = (" F "->>'" key "')::boolean)"
#define TO_SQL_DATE_RANGE(F, col)                                                                  \
    " AND (" F "->'from_date' IS NULL OR " col " >= (" F "->>'from_date')::timestamp)"             \
    " AND (" F "->'until_date' IS NULL OR " col " <= (" F "->>'until_date')::timestamp)"
/* ids or "any" / "none": whether rows of table t match key (column c). */
#define TO_SQL_IDS_OR_WORD(F, key, t, match, c)                                                    \
    " AND (" F "->'" key "' IS NULL OR CASE " F "->>'" key "'"                                     \
    " WHEN 'any' THEN EXISTS (SELECT 1 FROM " t " WHERE " match ")"                                \
    " WHEN 'none' THEN NOT EXISTS (SELECT 1 FROM " t " WHERE " match ")"                           \
    " ELSE EXISTS (SELECT 1 FROM " t " WHERE " match " AND " c " IN"                               \
    " (SELECT k::int FROM jsonb_array_elements_text(" F "->'" key "') k)) END)"

/* Executions of the same group as te. */
#define TO_SQL_SAME_GROUP(x, te)                                                                   \
    x ".test_plan_id = " te ".test_plan_id"                                                        \
    " AND " x ".artefact_build_id = " te ".artefact_build_id"                                      \
    " AND " x ".environment_id = " te ".environment_id"

/* Conditions both kinds of filters share, on test_execution te, its build
 * b, artefact a and environment e. */
#define TO_SQL_SHARED_FILTERS(F)                                                                   \
    TO_SQL_IN_LIST(F, "families", "a.family::text")                                                \
    TO_SQL_IN_LIST(F, "artefacts", "a.name")                                                       \
    TO_SQL_IN_LIST(F, "artefact_versions", "a.version")                                            \
    TO_SQL_IN_LIST(F, "artefact_stages", "a.stage")                                                \
    TO_SQL_IN_LIST(F, "artefact_tracks", "a.track")                                                \
    TO_SQL_BOOL_IS(F, "artefact_is_archived", "a.archived")                                        \
    TO_SQL_IN_LIST(F, "environments", "e.name")                                                    \
    TO_SQL_IN_LIST(F, "test_execution_statuses", "te.status::text")                                \
    " AND (" F "->'execution_metadata' IS NULL OR NOT EXISTS (SELECT 1"                            \
    " FROM jsonb_each(" F "->'execution_metadata') md(category, vals) WHERE NOT EXISTS (SELECT 1"  \
    " FROM test_execution_metadata_association_table x JOIN test_execution_metadata m"             \
    " ON m.id = x.test_execution_metadata_id WHERE x.test_execution_id = te.id"                    \
    " AND m.category = md.category AND m.value IN (SELECT jsonb_array_elements_text(md.vals)))))"  \
    TO_SQL_IDS_OR_WORD(F, "reviewer_ids", "artefact_reviewers_association ra",                     \
                       "ra.artefact_id = a.id", "ra.user_id")                                      \
    TO_SQL_BOOL_IS(F, "rerun_is_requested", "EXISTS (SELECT 1 FROM test_execution_rerun_request q" \
            " WHERE " TO_SQL_SAME_GROUP("q", "te") ")")                                            \
    TO_SQL_BOOL_IS(F, "execution_is_latest", "NOT EXISTS (SELECT 1 FROM test_execution n"          \
            " WHERE " TO_SQL_SAME_GROUP("n", "te") " AND n.id > te.id)")

/* The build b, artefact a and environment e of test_execution te. */
#define TO_SQL_JOIN_EXECUTION                                                                      \
    " JOIN artefact_build b ON b.id = te.artefact_build_id"                                        \
    " JOIN artefact a ON a.id = b.artefact_id"                                                     \
    " JOIN environment e ON e.id = te.environment_id"

/* Every condition of TestResultSearchFilters but paging, on test_result
 * r, its test case c and its execution te (TO_SQL_JOIN_EXECUTION). */
#define TO_SQL_RESULT_FILTERS(F)                                                                   \
    TO_SQL_SHARED_FILTERS(F)                                                                       \
    TO_SQL_IN_LIST(F, "test_cases", "c.name")                                                      \
    TO_SQL_IN_LIST(F, "template_ids", "c.template_id")                                             \
    TO_SQL_IN_LIST(F, "test_result_statuses", "r.status::text")                                    \
    TO_SQL_IDS_OR_WORD(F, "issues", "issue_test_result_attachment ia",                             \
                       "ia.test_result_id = r.id", "ia.issue_id")                                  \
    TO_SQL_DATE_RANGE(F, "r.created_at")

/* clang-format on */

#endif
