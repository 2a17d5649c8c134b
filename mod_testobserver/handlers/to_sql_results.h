/* SQL shared by the handlers that store test results. */
#ifndef TO_SQL_RESULTS_H
#define TO_SQL_RESULTS_H

/* A batch of results, bound as one json parameter: an array of objects
 * with string members name, status (a testresultstatus), template_id,
 * category, comment and io_log; ord is each result's place in the batch. */
#define TO_SQL_RESULT_BATCH                                                                        \
    "SELECT b.name, b.status, coalesce(b.template_id, '') AS template_id,"                         \
    " coalesce(b.category, '') AS category, coalesce(b.comment, '') AS comment,"                   \
    " coalesce(b.io_log, '') AS io_log, b.ord FROM ROWS FROM (json_to_recordset(%s::json) AS"      \
    " (name text, status text, template_id text, category text, comment text, io_log text))"       \
    " WITH ORDINALITY AS b(name, status, template_id, category, comment, io_log, ord)"

/* clang-format off */

/* Applies the enabled attachment rules to new results: the results r (a
 * condition NEW on test_result r and its test case c) get the issue of
 * every rule they match (its lowest rule when several of one issue do).
 * A rule matches when each of its lists is empty or holds the result's
 * value, and for each category of its metadata, the execution has one of
 * the values. Then each execution of a new result whose results carry an
 * issue with auto_rerun_enabled gets a rerun request. One statement,
 * whatever the number of results and rules. */
#define TO_SQL_APPLY_RULES(NEW)                                                                    \
    "WITH nr AS (SELECT r.id, r.status, r.test_execution_id, c.name, c.template_id, a.family,"     \
    " a.name AS artefact, a.version, a.stage, a.track, e.name AS environment FROM test_result r"   \
    " JOIN test_case c ON c.id = r.test_case_id JOIN test_execution te"                            \
    " ON te.id = r.test_execution_id JOIN artefact_build b ON b.id = te.artefact_build_id"         \
    " JOIN artefact a ON a.id = b.artefact_id JOIN environment e ON e.id = te.environment_id"      \
    " WHERE " NEW "),"                                                                             \
    " att AS (INSERT INTO issue_test_result_attachment (issue_id, test_result_id,"                 \
    " attachment_rule_id, created_at, updated_at)"                                                 \
    " SELECT DISTINCT ON (nr.id, ru.issue_id) ru.issue_id, nr.id, ru.id, now(), now()"             \
    " FROM nr JOIN issue_test_result_attachment_rule ru ON ru.enabled"                             \
    TO_SQL_RULE_HAS(families, family) TO_SQL_RULE_HAS(artefacts, artefact)                         \
    TO_SQL_RULE_HAS(artefact_versions, version) TO_SQL_RULE_HAS(artefact_stages, stage)            \
    TO_SQL_RULE_HAS(artefact_tracks, track) TO_SQL_RULE_HAS(environment_names, environment)        \
    TO_SQL_RULE_HAS(test_case_names, name) TO_SQL_RULE_HAS(template_ids, template_id)              \
    TO_SQL_RULE_HAS(test_result_statuses, status)                                                  \
    " AND NOT EXISTS (SELECT 1 FROM issue_test_result_attachment_rule_execution_metadata m"        \
    " LEFT JOIN (test_execution_metadata_association_table x JOIN test_execution_metadata tm"      \
    " ON tm.id = x.test_execution_metadata_id) ON x.test_execution_id = nr.test_execution_id"      \
    " AND tm.category = m.category AND tm.value = m.value WHERE m.attachment_rule_id = ru.id"      \
    " GROUP BY m.category HAVING count(tm.id) = 0)"                                                \
    " ORDER BY nr.id, ru.issue_id, ru.id"                                                          \
    " ON CONFLICT (issue_id, test_result_id) DO NOTHING RETURNING issue_id, test_result_id)"       \
    " INSERT INTO test_execution_rerun_request (test_plan_id, artefact_build_id, environment_id,"  \
    " priority, created_at, updated_at) SELECT te.test_plan_id, te.artefact_build_id,"             \
    " te.environment_id, 0, now(), now() FROM test_execution te"                                   \
    " WHERE te.id IN (SELECT test_execution_id FROM nr) AND (EXISTS (SELECT 1 FROM att"            \
    " JOIN nr ON nr.id = att.test_result_id JOIN issue i ON i.id = att.issue_id"                   \
    " WHERE nr.test_execution_id = te.id AND i.auto_rerun_enabled)"                                \
    " OR EXISTS (SELECT 1 FROM issue_test_result_attachment ia JOIN test_result r"                 \
    " ON r.id = ia.test_result_id JOIN issue i ON i.id = ia.issue_id"                              \
    " WHERE r.test_execution_id = te.id AND i.auto_rerun_enabled))"                                \
    " ORDER BY 1, 2, 3 ON CONFLICT ON CONSTRAINT uq_rerun_request_group DO NOTHING"

/* A rule's list is empty or holds the new result's value. */
#define TO_SQL_RULE_HAS(list, col)                                                                 \
    " AND (cardinality(ru." #list ") = 0 OR nr." #col " = ANY (ru." #list "))"

/* clang-format on */

#endif
