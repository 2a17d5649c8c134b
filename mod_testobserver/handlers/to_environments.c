/* /v1/environments and /v1/environments/reported-issues. */
#include <limits.h>
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "to_dashboard.h"
#include "to_handlers.h"
#include "to_sql_json.h"

/* Distinct environment names, optionally those tested with artefacts of
 * some families and matching a search, one page of them with the total. */
#define SQL_ENVIRONMENTS                                                                           \
    "WITH names AS (SELECT DISTINCT e.name FROM environment e WHERE (%s::json IS NULL OR EXISTS"   \
    " (SELECT 1 FROM test_execution te JOIN artefact_build b ON b.id = te.artefact_build_id"       \
    " JOIN artefact a ON a.id = b.artefact_id WHERE te.environment_id = e.id"                      \
    " AND a.family::text IN (SELECT json_array_elements_text(%s::json))))"                         \
    " AND (%s::text IS NULL OR e.name ILIKE %s::text))"                                            \
    " SELECT json_build_object('environments', coalesce((SELECT json_agg(p.name ORDER BY p.name)"  \
    " FROM (SELECT n.name FROM names n ORDER BY n.name OFFSET %s::bigint LIMIT %s::int) p),"       \
    " '[]'::json), 'count', (SELECT count(*) FROM names), 'limit', %s::int,"                       \
    " 'offset', %s::bigint)"

/* EnvironmentReportedIssueResponse of issue i. */
#define ISSUE_JSON(i)                                                                              \
    "json_build_object('id', " i ".id, 'environment_name', " i ".environment_name,"                \
    " 'description', " i ".description, 'url', " i ".url, 'is_confirmed', " i ".is_confirmed,"     \
    " 'created_at', " TO_SQL_TS(i ".created_at") ", 'updated_at', " TO_SQL_TS(i ".updated_at") ")"

#define ISSUE_I ISSUE_JSON("i")

#define SQL_ISSUES_GET                                                                             \
    "SELECT coalesce(json_agg(" ISSUE_I " ORDER BY i.id), '[]'::json)"                             \
    " FROM environment_issue i"                                                                    \
    " WHERE (%s::boolean IS NULL OR i.is_confirmed = %s::boolean)"

/* PUT replaces every field; updated_at moves only when one changes. */
#define SQL_ISSUE_UPDATE                                                                           \
    "UPDATE environment_issue i SET environment_name = n.environment_name, url = n.url,"           \
    " description = n.description, is_confirmed = n.is_confirmed, updated_at = CASE WHEN"          \
    " (i.environment_name, i.url, i.description, i.is_confirmed) IS DISTINCT FROM"                 \
    " (n.environment_name, n.url, n.description, n.is_confirmed) THEN now()"                       \
    " ELSE i.updated_at END FROM (SELECT %s::text AS environment_name, %s::text AS url,"           \
    " %s::text AS description, %s::boolean AS is_confirmed) n"                                     \
    " WHERE i.id = %s::int RETURNING " ISSUE_I

const to_sql_t to_sql_environments[] = {
    {"environments_get", SQL_ENVIRONMENTS},
    {"env_issues_get", SQL_ISSUES_GET},
    {"env_issue_create",
     "INSERT INTO environment_issue AS i (environment_name, url, description, is_confirmed,"
     " created_at, updated_at) VALUES (%s, %s, %s, %s::boolean, now(), now())"
     " RETURNING " ISSUE_I},
    {"env_issue_update", SQL_ISSUE_UPDATE},
    {"env_issue_delete", "DELETE FROM environment_issue WHERE id = %s::int RETURNING id"},
    {NULL, NULL}};

/* The allowed hosts as upstream prints its set (its order varies between
 * upstream processes; this is the one its exchange shows). */
#define HOSTS_ERROR                                                                                \
    "Issue url must belong to one of {'warthogs.atlassian.net', 'github.com',"                     \
    " 'bugs.launchpad.net'}"

int to_h_environments_get(to_req_t *tr)
{
    const char *q = to_dash_search(tr);
    const char *families = to_dash_families(tr);
    const char *limit = to_dash_query_int(tr, "limit", 50, 1, 1000);
    const char *offset = to_dash_query_int(tr, "offset", 0, 0, LLONG_MAX);

    TO_CHECKED(tr);
    return to_answer_query(tr, "Not Found", "environments_get", families, families, q, q, offset,
                           limit, limit, offset);
}

int to_h_env_issues_get(to_req_t *tr)
{
    const char *confirmed = to_dash_query_bool(tr, "is_confirmed");

    TO_CHECKED(tr);
    return to_answer_query(tr, "Not Found", "env_issues_get", confirmed, confirmed);
}

static const to_field_t issue_fields[] = {
    {"environment_name", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"description", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"url", TO_T_URL, TO_NULLABLE, 0, NULL},
    {"is_confirmed", TO_T_BOOL, TO_REQUIRED, 0, NULL},
};
#define NISSUE_FIELDS ((int)(sizeof(issue_fields) / sizeof(issue_fields[0])))

/* Reads and validates an EnvironmentReportedIssueRequest into the values
 * the statements bind: name, url, description, is_confirmed. */
static int read_issue(to_req_t *tr, const char *v[4])
{
    json_object *body, *bloc = to_loc(&tr->verr, "body");
    to_obj_t obj;
    const char *url;
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (!body) {
        return OK;
    }
    to_validate_object(&tr->verr, bloc, body, issue_fields, NISSUE_FIELDS, &obj);
    if (!obj.ok) {
        return OK;
    }
    v[0] = to_obj_str(&obj, "environment_name", NULL);
    v[2] = to_obj_str(&obj, "description", NULL);
    url = to_obj_str(&obj, "url", NULL);
    v[3] = to_obj_bool(&obj, "is_confirmed", 0) ? "true" : "false";
    /* the model's own checks, once every field is valid */
    if (!url && !strcmp(v[3], "true")) {
        to_verr_value_error(&tr->verr, bloc, "A URL is required if the issue is confirmed", body);
    }
    else if (url && !to_dash_issue_host_ok(tr->pool, url)) {
        to_verr_value_error(&tr->verr, bloc, HOSTS_ERROR, body);
    }
    else if (url) {
        v[1] = to_normal_http_url(tr->pool, url);
    }
    return OK;
}

static const to_reported_kind_t env_issue = {"env_issue_create", "env_issue_update",
                                             "env_issue_delete", "Environment reported issue",
                                             read_issue};

int to_h_env_issues_post(to_req_t *tr)
{
    return to_reported_issue_create(tr, &env_issue);
}

int to_h_env_issue_put(to_req_t *tr)
{
    return to_reported_issue_replace(tr, &env_issue);
}

int to_h_env_issue_delete(to_req_t *tr)
{
    return to_reported_issue_delete(tr, &env_issue);
}
