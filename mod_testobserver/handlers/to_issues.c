/* GET/PUT /v1/issues and GET/PATCH /v1/issues/{issue_id}. */
#include "to_handlers.h"

const to_sql_t to_sql_issues[] = {{NULL, NULL}};

int to_h_issues_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_issues_put(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_issue_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_issue_patch(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
