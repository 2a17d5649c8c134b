/* GET /v1/reports/test-results and /v1/reports/test-executions. */
#include "to_handlers.h"

const to_sql_t to_sql_reports[] = {{NULL, NULL}};

int to_h_report_results(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_report_executions(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
