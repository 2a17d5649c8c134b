/* GET /, /v1/version, /health/live, /health/ready, /sentry-debug. */
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include "../json/to_json.h"
#include "to_handlers.h"

const to_sql_t to_sql_misc[] = {
    {"auth_application",
     "SELECT id, array_to_string(permissions, ',') FROM application WHERE api_key = %s"},
    /* a live session's user, and the permissions of the user's teams */
    {"auth_session",
     "SELECT u.id, u.is_admin, COALESCE((SELECT string_agg(DISTINCT p::text, ',')"
     " FROM team_users_association tu JOIN team t ON t.id = tu.team_id"
     " CROSS JOIN LATERAL unnest(t.permissions) AS p WHERE tu.user_id = u.id), ''), s.id"
     " FROM user_session s JOIN app_user u ON u.id = s.user_id"
     " WHERE s.id = %s::int AND s.expires_at >= now()"},
    {"health_ready", "SELECT 1"},
    {NULL, NULL}};

int to_h_root(to_req_t *tr)
{
    TO_CHECKED(tr);
    return to_answer_json(tr, HTTP_OK, to_json_own(tr->pool, to_json_str("test observer api")));
}

int to_h_version(to_req_t *tr)
{
    json_object *o;

    TO_CHECKED(tr);
    o = to_json_own(tr->pool, json_object_new_object());
    json_object_object_add(o, "version", to_json_str(to_config_version(tr->conf)));
    return to_answer_json(tr, HTTP_OK, o);
}

/* Health probes are for the host running the server, not the world. */
static int local_client(to_req_t *tr)
{
    const char *ip = tr->r->useragent_ip;
    return ip && (!strcmp(ip, "127.0.0.1") || !strcmp(ip, "::1"));
}

static int health_status(to_req_t *tr, const char *status)
{
    json_object *o = to_json_own(tr->pool, json_object_new_object());

    json_object_object_add(o, "status", to_json_str(status));
    return to_answer_json(tr, HTTP_OK, o);
}

int to_h_health_live(to_req_t *tr)
{
    TO_CHECKED(tr);
    if (!local_client(tr)) {
        return to_answer_detail(tr, HTTP_FORBIDDEN, "Forbidden");
    }
    return health_status(tr, "live");
}

int to_h_health_ready(to_req_t *tr)
{
    int status;

    TO_CHECKED(tr);
    if (!local_client(tr)) {
        return to_answer_detail(tr, HTTP_FORBIDDEN, "Forbidden");
    }
    if (!to_db_value(tr, &status, "health_ready")) {
        return to_answer_detail(tr, HTTP_SERVICE_UNAVAILABLE, "Database connection failed");
    }
    return health_status(tr, "ready");
}

int to_h_sentry_debug(to_req_t *tr)
{
    static const char text[] = "Internal Server Error";

    TO_CHECKED(tr);
    /* upstream fails here on purpose to test its error reporting */
    tr->content_type = "text/plain; charset=utf-8";
    tr->out = text;
    tr->out_len = sizeof(text) - 1;
    return HTTP_INTERNAL_SERVER_ERROR;
}
