/* Answering with JSON that PostgreSQL built. */
#include <stdarg.h>
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "to_handlers.h"

int to_answer_query(to_req_t *tr, const char *not_found, const char *label, ...)
{
    apr_dbd_results_t *res;
    const char *json;
    va_list args;
    int status;

    va_start(args, label);
    status = to_db_vselect(tr, label, &res, args);
    va_end(args);
    if (status != OK) {
        return status;
    }
    json = to_db_first(tr, res);
    if (!json || !*json) {
        return to_answer_detail(tr, HTTP_NOT_FOUND, not_found);
    }
    return to_answer_text(tr, HTTP_OK, json, strlen(json));
}

int to_answer_not_built(to_req_t *tr)
{
    return to_answer_detail(tr, HTTP_NOT_IMPLEMENTED,
                            apr_psprintf(tr->pool, "Not implemented yet: %s %s", tr->route->method,
                                         tr->route->pattern));
}
