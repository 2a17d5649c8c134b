/* /v1/environments and /v1/environments/reported-issues. */
#include "to_handlers.h"

const to_sql_t to_sql_environments[] = {{NULL, NULL}};

int to_h_environments_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_env_issues_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_env_issues_post(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_env_issue_put(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_env_issue_delete(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
