/* /v1/auth/saml: sign-in through mod_auth_mellon. */
#include "to_handlers.h"

const to_sql_t to_sql_auth_saml[] = {{NULL, NULL}};

int to_h_saml_login(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_saml_logout(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_saml_acs(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_saml_sls_get(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_saml_sls_post(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
