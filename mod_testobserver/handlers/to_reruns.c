/* /v1/test-executions/reruns: rerun requests. */
#include "to_handlers.h"

const to_sql_t to_sql_reruns[] = {{NULL, NULL}};

int to_h_reruns_post(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_reruns_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_reruns_delete(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
