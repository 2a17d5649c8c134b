/* /v1/teams: teams and their members. */
#include "to_handlers.h"

const to_sql_t to_sql_teams[] = {{NULL, NULL}};

int to_h_teams_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_teams_post(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_team_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_team_patch(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_team_member_add(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_team_member_remove(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
