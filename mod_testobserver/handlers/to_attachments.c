/* POST /v1/issues/{issue_id}/attach and /detach. */
#include "to_handlers.h"

const to_sql_t to_sql_attachments[] = {{NULL, NULL}};

int to_h_issue_attach(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_issue_detach(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
