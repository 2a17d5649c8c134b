/* /v1/users/.../notifications. */
#include "to_handlers.h"

const to_sql_t to_sql_notifications[] = {{NULL, NULL}};

int to_h_notes_me(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_notes_me_count(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_note_me_dismiss(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_notes_user(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_notes_user_count(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_note_user_dismiss(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
