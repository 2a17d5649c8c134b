/* /v1/applications: API keys. */
#include "to_handlers.h"

const to_sql_t to_sql_applications[] = {{NULL, NULL}};

int to_h_apps_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_apps_post(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_app_me_rotate(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_app_rotate(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_app_me(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_app_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_app_delete(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_app_patch(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
