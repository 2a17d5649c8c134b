/* GET /v1/test-executions and GET /v1/test-results: searches. */
#include "to_handlers.h"

const to_sql_t to_sql_search[] = {{NULL, NULL}};

int to_h_executions_search(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_results_search(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
