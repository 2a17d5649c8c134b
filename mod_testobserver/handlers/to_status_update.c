/* /v1/test-executions/{id}/status_update: Testflinger events. */
#include "to_handlers.h"

const to_sql_t to_sql_status_update[] = {{NULL, NULL}};

int to_h_status_update_put(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_status_update_post(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_status_update_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
