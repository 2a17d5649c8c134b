/* /v1/issues/{issue_id}/attachment-rules. */
#include "to_handlers.h"

const to_sql_t to_sql_attachment_rules[] = {{NULL, NULL}};

int to_h_rule_post(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_rule_patch(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_rule_delete(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
