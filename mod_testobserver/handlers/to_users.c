/* /v1/users: users. */
#include "to_handlers.h"

const to_sql_t to_sql_users[] = {{NULL, NULL}};

int to_h_users_me(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_users_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_user_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_user_delete(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_user_patch(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
