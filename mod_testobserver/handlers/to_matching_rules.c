/* /v1/artefact-matching-rules. */
#include "to_handlers.h"

const to_sql_t to_sql_matching_rules[] = {{NULL, NULL}};

int to_h_amr_post(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_amr_list(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_amr_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_amr_patch(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_amr_delete(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
