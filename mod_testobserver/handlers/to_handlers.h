/* Handlers, one file per resource, and the SQL each one prepares. */
#ifndef TO_HANDLERS_H
#define TO_HANDLERS_H

#include "../db/to_db.h"
#include "../http/to_http.h"

/* to_misc.c: /, version, health */
int to_h_root(to_req_t *tr);
int to_h_version(to_req_t *tr);
int to_h_health_live(to_req_t *tr);
int to_h_health_ready(to_req_t *tr);
int to_h_sentry_debug(to_req_t *tr);
extern const to_sql_t to_sql_misc[];

/* to_start_test.c */
int to_h_start_test(to_req_t *tr);
extern const to_sql_t to_sql_start_test[];

/* to_reviewers.c: reviewer assignment (to_reviewers.h) */
extern const to_sql_t to_sql_reviewers[];

/* to_test_executions.c */
int to_h_execution_get(to_req_t *tr);
int to_h_execution_patch(to_req_t *tr);
extern const to_sql_t to_sql_test_executions[];

/* to_test_results.c */
int to_h_results_post(to_req_t *tr);
int to_h_results_get(to_req_t *tr);
extern const to_sql_t to_sql_test_results[];

/* to_artefacts.c */
int to_h_artefacts_list(to_req_t *tr);
int to_h_artefact_get(to_req_t *tr);
int to_h_artefact_builds(to_req_t *tr);
int to_h_artefact_patch(to_req_t *tr);
int to_h_artefact_versions(to_req_t *tr);
int to_h_artefacts_search(to_req_t *tr);
int to_h_artefacts_history(to_req_t *tr);
extern const to_sql_t to_sql_artefacts[];

/* to_environment_reviews.c: /v1/artefacts/{artefact_id}/environment-reviews */
int to_h_env_reviews_get(to_req_t *tr);
int to_h_env_reviews_patch(to_req_t *tr);
int to_h_env_review_patch(to_req_t *tr);
extern const to_sql_t to_sql_environment_reviews[];

/* to_environments.c: /v1/environments and its reported issues */
int to_h_environments_get(to_req_t *tr);
int to_h_env_issues_get(to_req_t *tr);
int to_h_env_issues_post(to_req_t *tr);
int to_h_env_issue_put(to_req_t *tr);
int to_h_env_issue_delete(to_req_t *tr);
extern const to_sql_t to_sql_environments[];

/* to_test_cases.c: /v1/test-cases and its reported issues */
int to_h_test_cases_get(to_req_t *tr);
int to_h_case_issues_get(to_req_t *tr);
int to_h_case_issues_post(to_req_t *tr);
int to_h_case_issue_put(to_req_t *tr);
int to_h_case_issue_delete(to_req_t *tr);
extern const to_sql_t to_sql_test_cases[];

/* to_end_test.c: PUT /v1/test-executions/end-test */
int to_h_end_test(to_req_t *tr);
extern const to_sql_t to_sql_end_test[];

/* to_status_update.c: /v1/test-executions/{id}/status_update */
int to_h_status_update_put(to_req_t *tr);
int to_h_status_update_post(to_req_t *tr);
int to_h_status_update_get(to_req_t *tr);
extern const to_sql_t to_sql_status_update[];

/* to_links.c: /v1/test-executions/{id}/links */
int to_h_links_post(to_req_t *tr);
int to_h_links_delete(to_req_t *tr);
extern const to_sql_t to_sql_links[];

/* to_reruns.c: /v1/test-executions/reruns */
int to_h_reruns_post(to_req_t *tr);
int to_h_reruns_get(to_req_t *tr);
int to_h_reruns_delete(to_req_t *tr);
extern const to_sql_t to_sql_reruns[];

/* to_search.c: GET /v1/test-executions, GET /v1/test-results */
int to_h_executions_search(to_req_t *tr);
int to_h_results_search(to_req_t *tr);
extern const to_sql_t to_sql_search[];

/* to_execution_metadata.c: GET /v1/execution-metadata */
int to_h_execution_metadata_get(to_req_t *tr);
extern const to_sql_t to_sql_execution_metadata[];

/* to_reports.c: GET /v1/reports/test-results, /v1/reports/test-executions */
int to_h_report_results(to_req_t *tr);
int to_h_report_executions(to_req_t *tr);
extern const to_sql_t to_sql_reports[];

/* to_docs.c: GET /openapi.json, GET /docs */
int to_h_openapi(to_req_t *tr);
int to_h_docs(to_req_t *tr);
extern const to_sql_t to_sql_docs[];

/* to_issues.c: GET/PUT /v1/issues and GET/PATCH /v1/issues/{issue_id}. */
int to_h_issues_get(to_req_t *tr);
int to_h_issues_put(to_req_t *tr);
int to_h_issue_get(to_req_t *tr);
int to_h_issue_patch(to_req_t *tr);
extern const to_sql_t to_sql_issues[];

/* to_attachments.c: POST /v1/issues/{issue_id}/attach and /detach. */
int to_h_issue_attach(to_req_t *tr);
int to_h_issue_detach(to_req_t *tr);
extern const to_sql_t to_sql_attachments[];

/* to_attachment_rules.c: /v1/issues/{issue_id}/attachment-rules. */
int to_h_rule_post(to_req_t *tr);
int to_h_rule_patch(to_req_t *tr);
int to_h_rule_delete(to_req_t *tr);
extern const to_sql_t to_sql_attachment_rules[];

/* to_auth_saml.c: /v1/auth/saml: sign-in through mod_auth_mellon. */
int to_h_saml_login(to_req_t *tr);
int to_h_saml_logout(to_req_t *tr);
int to_h_saml_acs(to_req_t *tr);
int to_h_saml_sls_get(to_req_t *tr);
int to_h_saml_sls_post(to_req_t *tr);
extern const to_sql_t to_sql_auth_saml[];

/* to_users.c: /v1/users: users. */
int to_h_users_me(to_req_t *tr);
int to_h_users_get(to_req_t *tr);
int to_h_user_get(to_req_t *tr);
int to_h_user_delete(to_req_t *tr);
int to_h_user_patch(to_req_t *tr);
extern const to_sql_t to_sql_users[];

/* to_teams.c: /v1/teams: teams and their members. */
int to_h_teams_get(to_req_t *tr);
int to_h_teams_post(to_req_t *tr);
int to_h_team_get(to_req_t *tr);
int to_h_team_patch(to_req_t *tr);
int to_h_team_member_add(to_req_t *tr);
int to_h_team_member_remove(to_req_t *tr);
extern const to_sql_t to_sql_teams[];

/* to_permissions.c: GET /v1/permissions. */
int to_h_permissions_get(to_req_t *tr);
extern const to_sql_t to_sql_permissions[];

/* to_applications.c: /v1/applications: API keys. */
int to_h_apps_get(to_req_t *tr);
int to_h_apps_post(to_req_t *tr);
int to_h_app_me_rotate(to_req_t *tr);
int to_h_app_rotate(to_req_t *tr);
int to_h_app_me(to_req_t *tr);
int to_h_app_get(to_req_t *tr);
int to_h_app_delete(to_req_t *tr);
int to_h_app_patch(to_req_t *tr);
extern const to_sql_t to_sql_applications[];

/* to_notifications.c: /v1/users/.../notifications. */
int to_h_notes_me(to_req_t *tr);
int to_h_notes_me_count(to_req_t *tr);
int to_h_note_me_dismiss(to_req_t *tr);
int to_h_notes_user(to_req_t *tr);
int to_h_notes_user_count(to_req_t *tr);
int to_h_note_user_dismiss(to_req_t *tr);
extern const to_sql_t to_sql_notifications[];

/* to_matching_rules.c: /v1/artefact-matching-rules. */
int to_h_amr_post(to_req_t *tr);
int to_h_amr_list(to_req_t *tr);
int to_h_amr_get(to_req_t *tr);
int to_h_amr_patch(to_req_t *tr);
int to_h_amr_delete(to_req_t *tr);
extern const to_sql_t to_sql_matching_rules[];

/* The answer of an operation that is routed but not built yet: 501. */
int to_answer_not_built(to_req_t *tr);

/* Answers the JSON text in column 0 of the first row of a labelled SELECT
 * with status 200, or 404 with not_found when there is no row or it is NULL. */
int to_answer_query(to_req_t *tr, const char *not_found, const char *label, ...);

#endif
