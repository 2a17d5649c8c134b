/* SQL fragments that build upstream's JSON shapes inside PostgreSQL, so a
 * whole answer is one statement. Keys are in upstream's order. */
#ifndef TO_SQL_JSON_H
#define TO_SQL_JSON_H

/* A naive timestamp as pydantic writes it: microseconds, or none when zero. */
#define TO_SQL_TS(col)                                                                             \
    "regexp_replace(to_char(" col ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '\\.000000$', '')"

/* The latest build of each architecture of artefact a (highest revision,
 * first created on a tie), with first_id giving upstream's order. */
#define TO_SQL_LATEST_BUILDS(a)                                                                    \
    "(SELECT DISTINCT ON (b.architecture) b.*, min(b.id) OVER (PARTITION BY b.architecture)"       \
    " AS first_id FROM artefact_build b WHERE b.artefact_id = " a                                  \
    " ORDER BY b.architecture, coalesce(b.revision, 0) DESC, b.id)"

/* TestExecutionResponse of test execution te. */
#define TO_SQL_EXECUTION_JSON(te)                                                                  \
    "json_build_object("                                                                           \
    "'id', " te ".id, 'ci_link', " te ".ci_link, 'c3_link', " te ".c3_link,"                       \
    " 'relevant_links', coalesce((SELECT json_agg(json_build_object('label', l.label,"             \
    " 'url', l.url, 'id', l.id) ORDER BY l.id) FROM test_execution_relevant_link l"                \
    " WHERE l.test_execution_id = " te ".id), '[]'::json),"                                        \
    " 'environment', (SELECT json_build_object('id', e.id, 'name', e.name,"                        \
    " 'architecture', e.architecture) FROM environment e WHERE e.id = " te ".environment_id),"     \
    " 'status', " te ".status,"                                                                    \
    " 'test_plan', (SELECT p.name FROM test_plan p WHERE p.id = " te ".test_plan_id),"             \
    " 'created_at', " TO_SQL_TS(                                                                   \
        te                                                                                         \
        ".created_at") ","                                                                         \
                       " 'execution_metadata', coalesce((SELECT json_object_agg(s.category, "      \
                       "s.vals ORDER BY"                                                           \
                       " s.first) FROM (SELECT m.category, json_agg(m.value ORDER BY m.id) AS "    \
                       "vals,"                                                                     \
                       " min(m.id) AS first FROM test_execution_metadata_association_table x"      \
                       " JOIN test_execution_metadata m ON m.id = x.test_execution_metadata_id"    \
                       " WHERE x.test_execution_id = " te                                          \
                       ".id GROUP BY m.category) s), '{}'::json),"                                 \
                       " 'is_triaged', NOT EXISTS (SELECT 1 FROM test_result r WHERE "             \
                       "r.test_execution_id = " te                                                 \
                       ".id AND r.status IN ('FAILED', 'SKIPPED') AND NOT EXISTS (SELECT 1 FROM"   \
                       " issue_test_result_attachment ia WHERE ia.test_result_id = r.id)),"        \
                       " 'is_rerun_requested', EXISTS (SELECT 1 FROM "                             \
                       "test_execution_rerun_request rr"                                           \
                       " WHERE rr.test_plan_id = " te                                              \
                       ".test_plan_id AND rr.artefact_build_id = " te                              \
                       ".artefact_build_id AND rr.environment_id = " te ".environment_id),"        \
                       " 'rerun_priority', (SELECT rr.priority FROM test_execution_rerun_request " \
                       "rr"                                                                        \
                       " WHERE rr.test_plan_id = " te                                              \
                       ".test_plan_id AND rr.artefact_build_id = " te                              \
                       ".artefact_build_id AND rr.environment_id = " te ".environment_id))"

/* ReviewerResponse of user u. */
#define TO_SQL_REVIEWER_JSON(u)                                                                    \
    "json_build_object('id', " u ".id, 'launchpad_handle', " u ".launchpad_handle,"                \
    " 'email', " u ".email, 'launchpad_email', " u ".email, 'name', " u ".name)"

/* ArtefactResponse of artefact a. */
#define TO_SQL_ARTEFACT_JSON(a)                                                                    \
    "json_build_object("                                                                           \
    "'id', " a ".id, 'name', " a ".name, 'version', " a ".version, 'track', " a ".track,"          \
    " 'store', " a ".store, 'branch', " a ".branch, 'series', " a ".series, 'repo', " a            \
    ".repo, 'source', " a ".source, 'os', " a ".os, 'release', " a ".release,"                     \
    " 'owner', " a ".owner, 'sha256', " a ".sha256, 'image_url', " a ".image_url,"                 \
    " 'stage', " a ".stage, 'family', " a ".family, 'status', " a ".status,"                       \
    " 'comment', " a ".comment, 'archived', " a ".archived,"                                       \
    " 'reviewers', coalesce((SELECT json_agg(" TO_SQL_REVIEWER_JSON(                               \
        "u") ")"                                                                                   \
             " FROM artefact_reviewers_association ra JOIN app_user u ON u.id = ra.user_id"        \
             " WHERE ra.artefact_id = " a ".id), '[]'::json),"                                     \
             " 'due_date', " a ".due_date, 'created_at', " TO_SQL_TS(                              \
                 a                                                                                 \
                 ".created_at") ","                                                                \
                                " 'bug_link', " a ".bug_link, 'jira_issue', " a ".jira_issue,"     \
                                " 'all_environment_reviews_count', (SELECT count(*) FROM"          \
                                " artefact_build_environment_review er WHERE "                     \
                                "er.artefact_build_id IN (SELECT lb.id "                           \
                                "FROM " TO_SQL_LATEST_BUILDS(                                      \
                                    a                                                              \
                                    ".id") " lb)),"                                                \
                                           " 'completed_environment_reviews_count', (SELECT "      \
                                           "count(*) FROM"                                         \
                                           " artefact_build_environment_review er WHERE "          \
                                           "cardinality(er.review_decision) > 0 AND"               \
                                           " er.artefact_build_id IN (SELECT lb.id "               \
                                           "FROM " TO_SQL_LATEST_BUILDS(                           \
                                               a                                                   \
                                               ".id") " lb)),"                                     \
                                                      " 'bundled_builds', coalesce((SELECT "       \
                                                      "json_agg(json_build_object('id', bb.id,"    \
                                                      " 'architecture', bb.architecture, "         \
                                                      "'revision', bb.revision) ORDER BY bb.id)"   \
                                                      " FROM artefact_bundled_builds_association " \
                                                      "bba JOIN artefact_build bb"                 \
                                                      " ON bb.id = bba.artefact_build_id WHERE "   \
                                                      "bba.artefact_id = " a ".id), '[]'::json),"  \
                                                      " 'assignee', "                              \
                                                      "(SELECT " TO_SQL_REVIEWER_JSON(             \
                                                          "u") " FROM "                            \
                                                               "artefact_reviewers_association ra" \
                                                               " JOIN app_user u ON u.id = "       \
                                                               "ra.user_id WHERE ra.artefact_id "  \
                                                               "= " a ".id LIMIT 1))"

/* clang-format off */

/* The URL of issue i, rebuilt from its source, project and key. */
#define TO_SQL_ISSUE_URL(i)                                                                        \
    "CASE " i ".source WHEN 'GITHUB' THEN 'https://github.com/' || " i ".project || '/issues/'"    \
    " || " i ".key WHEN 'JIRA' THEN 'https://warthogs.atlassian.net/browse/' || " i ".project"     \
    " || '-' || " i ".key ELSE 'https://bugs.launchpad.net/' || " i ".project || '/+bug/' || "     \
    i ".key END"

/* The fields of issue i that every issue answer starts with. */
#define TO_SQL_ISSUE_FIELDS(i)                                                                     \
    "'id', " i ".id, 'source', lower(" i ".source::text), 'project', " i ".project,"               \
    " 'key', " i ".key, 'title', " i ".title, 'status', lower(" i ".status::text),"                \
    " 'url', " TO_SQL_ISSUE_URL(i) ", 'labels', " i ".labels"

/* MinimalIssueResponse of issue i, with count (an SQL expression) as its
 * test_executions_count. */
#define TO_SQL_MINIMAL_ISSUE_JSON(i, count)                                                        \
    "json_build_object(" TO_SQL_ISSUE_FIELDS(i) ", 'test_executions_count', " count ")"

/* MinimalIssueTestResultAttachmentRuleResponse of rule ru; its metadata
 * grouped by category, in the order they were stored. */
#define TO_SQL_RULE_JSON(ru)                                                                       \
    "json_build_object('id', " ru ".id, 'enabled', " ru ".enabled, 'families', " ru ".families,"   \
    " 'artefacts', " ru ".artefacts, 'artefact_versions', " ru ".artefact_versions,"               \
    " 'artefact_stages', " ru ".artefact_stages, 'artefact_tracks', " ru ".artefact_tracks,"       \
    " 'environment_names', " ru ".environment_names, 'test_case_names', " ru ".test_case_names,"   \
    " 'template_ids', " ru ".template_ids, 'test_result_statuses', " ru ".test_result_statuses,"   \
    " 'execution_metadata', coalesce((SELECT json_object_agg(s.category, s.vals ORDER BY s.first)" \
    " FROM (SELECT m.category, json_agg(m.value ORDER BY m.id) AS vals, min(m.id) AS first"        \
    " FROM issue_test_result_attachment_rule_execution_metadata m"                                 \
    " WHERE m.attachment_rule_id = " ru ".id GROUP BY m.category) s), '{}'::json))"

/* IssueResponse of issue i. Its rules come in the order of their last
 * change, the order upstream reads them from the table in. */
#define TO_SQL_ISSUE_JSON(i)                                                                       \
    "json_build_object(" TO_SQL_ISSUE_FIELDS(i) ","                                                \
    " 'auto_rerun_enabled', " i ".auto_rerun_enabled, 'attachment_rules',"                         \
    " coalesce((SELECT json_agg(" TO_SQL_RULE_JSON("ru")                                           \
    " ORDER BY ru.updated_at, ru.id) FROM issue_test_result_attachment_rule ru"                    \
    " WHERE ru.issue_id = " i ".id), '[]'::json))"

/* The issues attached to test result r (MinimalIssueTestResultAttachment-
 * Response), in the order they were attached; test_executions_count is
 * not counted there, as upstream does not. */
#define TO_SQL_RESULT_ISSUES_JSON(r)                                                               \
    "coalesce((SELECT json_agg(json_build_object('issue', " TO_SQL_MINIMAL_ISSUE_JSON("iss", "0")  \
    ", 'attachment_rule', CASE WHEN aru.id IS NULL THEN NULL ELSE " TO_SQL_RULE_JSON("aru")        \
    " END) ORDER BY ia.id) FROM issue_test_result_attachment ia JOIN issue iss"                    \
    " ON iss.id = ia.issue_id LEFT JOIN issue_test_result_attachment_rule aru"                     \
    " ON aru.id = ia.attachment_rule_id WHERE ia.test_result_id = " r ".id), '[]'::json)"

/* TestResultResponse of result r of test case c, without previous results
 * (as the searches answer it). */
#define TO_SQL_SEARCH_RESULT_JSON(r, c)                                                            \
    "json_build_object('id', " r ".id, 'name', " c ".name, 'created_at', " TO_SQL_TS(              \
        r ".created_at") ", 'category', " c ".category, 'template_id', " c ".template_id,"         \
                         " 'status', " r ".status, 'comment', " r ".comment, 'io_log', " r         \
                         ".io_log, 'previous_results', '[]'::json,"                                \
                         " 'issues', " TO_SQL_RESULT_ISSUES_JSON(r) ")"

/* ArtefactBuildMinimalResponse of build b. */
#define TO_SQL_BUILD_MINIMAL_JSON(b)                                                               \
    "json_build_object('id', " b ".id, 'architecture', " b ".architecture, 'revision', " b         \
    ".revision)"

/* clang-format on */

#endif
