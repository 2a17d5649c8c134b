/* /v1/artefacts/{artefact_id}/environment-reviews: review decisions. */
#include "to_handlers.h"

const to_sql_t to_sql_environment_reviews[] = {{NULL, NULL}};

int to_h_env_reviews_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_env_reviews_patch(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_env_review_patch(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
