/* GET /v1/execution-metadata. */
#include "to_handlers.h"

const to_sql_t to_sql_execution_metadata[] = {{NULL, NULL}};

int to_h_execution_metadata_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
