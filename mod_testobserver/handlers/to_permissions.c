/* GET /v1/permissions. */
#include "to_handlers.h"

const to_sql_t to_sql_permissions[] = {{NULL, NULL}};

int to_h_permissions_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
