/* /v1/test-cases and /v1/test-cases/reported-issues. */
#include "to_handlers.h"

const to_sql_t to_sql_test_cases[] = {{NULL, NULL}};

int to_h_test_cases_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_case_issues_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_case_issues_post(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_case_issue_put(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_case_issue_delete(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
