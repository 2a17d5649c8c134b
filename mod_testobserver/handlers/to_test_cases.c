/* /v1/test-cases and /v1/test-cases/reported-issues. */
#include <limits.h>
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "to_dashboard.h"
#include "to_handlers.h"
#include "to_sql_json.h"

/* Distinct (name, template) pairs of test cases, optionally those with
 * results on artefacts of some families and matching a search; one page. */
#define SQL_TEST_CASES                                                                             \
    "SELECT json_build_object('test_cases', coalesce(json_agg(json_build_object("                  \
    "'test_case', p.name, 'template_id', p.template_id) ORDER BY p.name, p.template_id),"          \
    " '[]'::json)) FROM (SELECT DISTINCT c.name, c.template_id FROM test_case c"                   \
    " WHERE (%s::json IS NULL OR EXISTS (SELECT 1 FROM test_result r"                              \
    " JOIN test_execution te ON te.id = r.test_execution_id"                                       \
    " JOIN artefact_build b ON b.id = te.artefact_build_id"                                        \
    " JOIN artefact a ON a.id = b.artefact_id WHERE r.test_case_id = c.id"                         \
    " AND a.family::text IN (SELECT json_array_elements_text(%s::json))))"                         \
    " AND (%s::text IS NULL OR c.name ILIKE %s::text)"                                             \
    " ORDER BY c.name, c.template_id OFFSET %s::bigint LIMIT %s::int) p"

/* TestReportedIssueResponse of issue i. */
#define ISSUE_JSON(i)                                                                              \
    "json_build_object('id', " i ".id, 'template_id', " i ".template_id, 'case_name', " i          \
    ".case_name, 'description', " i ".description, 'url', " i ".url,"                              \
    " 'created_at', " TO_SQL_TS(i ".created_at") ", 'updated_at', " TO_SQL_TS(i ".updated_at") ")"

#define ISSUE_I ISSUE_JSON("i")

#define SQL_ISSUES_GET                                                                             \
    "SELECT coalesce(json_agg(" ISSUE_I " ORDER BY i.id), '[]'::json)"                             \
    " FROM test_case_issue i WHERE (%s::text IS NULL OR i.template_id = %s)"                       \
    " AND (%s::text IS NULL OR i.case_name = %s)"

/* PUT replaces every field; updated_at moves only when one changes. */
#define SQL_ISSUE_UPDATE                                                                           \
    "UPDATE test_case_issue i SET template_id = n.template_id, case_name = n.case_name,"           \
    " description = n.description, url = n.url, updated_at = CASE WHEN"                            \
    " (i.template_id, i.case_name, i.description, i.url) IS DISTINCT FROM"                         \
    " (n.template_id, n.case_name, n.description, n.url) THEN now() ELSE i.updated_at END"         \
    " FROM (SELECT %s::text AS template_id, %s::text AS case_name, %s::text AS description,"       \
    " %s::text AS url) n WHERE i.id = %s::int RETURNING " ISSUE_I

const to_sql_t to_sql_test_cases[] = {
    {"test_cases_get", SQL_TEST_CASES},
    {"case_issues_get", SQL_ISSUES_GET},
    {"case_issue_create",
     "INSERT INTO test_case_issue AS i (template_id, case_name, description, url, created_at,"
     " updated_at) VALUES (%s, %s, %s, %s, now(), now()) RETURNING " ISSUE_I},
    {"case_issue_update", SQL_ISSUE_UPDATE},
    {"case_issue_delete", "DELETE FROM test_case_issue WHERE id = %s::int RETURNING id"},
    {NULL, NULL}};

/* The allowed hosts as upstream prints its set (its order varies between
 * upstream processes; this is the one its exchange shows). */
#define HOSTS_ERROR                                                                                \
    "Issue url must belong to one of {'warthogs.atlassian.net', 'bugs.launchpad.net',"             \
    " 'github.com'}"

int to_h_test_cases_get(to_req_t *tr)
{
    const char *q = to_dash_search(tr);
    const char *families = to_dash_families(tr);
    const char *limit = to_dash_query_int(tr, "limit", 50, 1, 1000);
    const char *offset = to_dash_query_int(tr, "offset", 0, 0, LLONG_MAX);

    TO_CHECKED(tr);
    return to_answer_query(tr, "Not Found", "test_cases_get", families, families, q, q, offset,
                           limit);
}

/* A filter given empty is no filter, as upstream tests its truth. */
static const char *filter(to_req_t *tr, const char *name)
{
    const char *v = to_query(tr, name);
    return v && *v ? v : NULL;
}

int to_h_case_issues_get(to_req_t *tr)
{
    const char *template_id = filter(tr, "template_id");
    const char *case_name = filter(tr, "case_name");

    TO_CHECKED(tr);
    return to_answer_query(tr, "Not Found", "case_issues_get", template_id, template_id, case_name,
                           case_name);
}

static const to_field_t issue_fields[] = {
    {"template_id", TO_T_STR, 0, 0, NULL},
    {"case_name", TO_T_STR, 0, 0, NULL},
    {"description", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"url", TO_T_URL, TO_REQUIRED, 0, NULL},
};
#define NISSUE_FIELDS ((int)(sizeof(issue_fields) / sizeof(issue_fields[0])))

/* Reads and validates a TestReportedIssueRequest into the values the
 * statements bind: template_id, case_name, description, url. */
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
    url = to_obj_str(&obj, "url", NULL);
    /* the url's own check belongs to the field */
    if (url && !to_dash_issue_host_ok(tr->pool, url)) {
        to_verr_value_error(&tr->verr, to_loc_key(&tr->verr, bloc, "url"), HOSTS_ERROR,
                            to_obj_get(&obj, "url"));
        return OK;
    }
    if (!obj.ok) {
        return OK;
    }
    v[0] = to_obj_str(&obj, "template_id", "");
    v[1] = to_obj_str(&obj, "case_name", "");
    v[2] = to_obj_str(&obj, "description", NULL);
    v[3] = to_normal_http_url(tr->pool, url);
    if (!*v[0] && !*v[1]) {
        to_verr_value_error(&tr->verr, bloc, "Either case_name or template_id is required", body);
    }
    return OK;
}

static const to_reported_kind_t case_issue = {"case_issue_create", "case_issue_update",
                                              "case_issue_delete", "Test case reported issue",
                                              read_issue};

int to_h_case_issues_post(to_req_t *tr)
{
    return to_reported_issue_create(tr, &case_issue);
}

int to_h_case_issue_put(to_req_t *tr)
{
    return to_reported_issue_replace(tr, &case_issue);
}

int to_h_case_issue_delete(to_req_t *tr)
{
    return to_reported_issue_delete(tr, &case_issue);
}
