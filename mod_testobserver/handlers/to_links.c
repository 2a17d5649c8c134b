/* /v1/test-executions/{id}/links: relevant links. */
#include "to_handlers.h"

const to_sql_t to_sql_links[] = {{NULL, NULL}};

int to_h_links_post(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_links_delete(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
