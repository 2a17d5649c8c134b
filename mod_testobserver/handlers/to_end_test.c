/* PUT /v1/test-executions/end-test: C3 submissions. */
#include "to_handlers.h"

const to_sql_t to_sql_end_test[] = {{NULL, NULL}};

int to_h_end_test(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
