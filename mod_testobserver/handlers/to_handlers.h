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
extern const to_sql_t to_sql_artefacts[];

/* Answers the JSON text in column 0 of the first row of a labelled SELECT
 * with status 200, or 404 with not_found when there is no row or it is NULL. */
int to_answer_query(to_req_t *tr, const char *not_found, const char *label, ...);

#endif
