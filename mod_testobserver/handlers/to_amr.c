/* Grants through artefact matching rules (see to_amr.h). */
#include <string.h>

#include <httpd.h>

#include "to_amr.h"

int to_amr_permitted(to_req_t *tr, const char *perm, const char *label, const char *subject)
{
    const char *granted;
    int rv;

    if ((rv = to_permission_held(tr, perm)) != HTTP_FORBIDDEN) {
        return rv;
    }
    if (!tr->user_id) {
        return to_answer_detail(tr, HTTP_FORBIDDEN, "Insufficient permissions");
    }
    granted = to_db_value(tr, &rv, label, subject, tr->user_id, perm);
    if (rv != OK) {
        return rv;
    }
    return to_amr_answer(tr, granted);
}

int to_amr_answer(to_req_t *tr, const char *granted)
{
    if (granted && !strcmp(granted, "t")) {
        return OK;
    }
    return to_answer_detail(tr, HTTP_FORBIDDEN, "Insufficient permissions");
}
