/* /v1/users: the people who signed in (rows of app_user). */
#include <limits.h>
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "to_dashboard.h"
#include "to_handlers.h"

/* UserResponse of user u, its teams by id. */
#define USER_JSON(u)                                                                               \
    "json_build_object('id', " u ".id, 'email', " u ".email, 'name', " u ".name,"                  \
    " 'launchpad_handle', " u ".launchpad_handle, 'teams', coalesce((SELECT json_agg("             \
    "json_build_object('id', t.id, 'name', t.name, 'permissions', to_json(t.permissions))"         \
    " ORDER BY t.id) FROM team_users_association m JOIN team t ON t.id = m.team_id"                \
    " WHERE m.user_id = " u ".id), '[]'::json), 'is_admin', " u ".is_admin)"

/* A term of ?q= matches the email, name or Launchpad handle anywhere, case
 * aside (the term's own LIKE wildcards work, as upstream), or the id when it
 * is a number. chr(37) is the LIKE wildcard. */
#define SQL_TERM_MATCHES(u, term)                                                                  \
    "(" u ".email ILIKE chr(37) || " term " || chr(37) OR " u ".name ILIKE chr(37) || " term       \
    " || chr(37) OR coalesce(" u ".launchpad_handle ILIKE chr(37) || " term " || chr(37), false)"  \
    " OR CASE WHEN " term " ~ '^[0-9]{1,18}$' THEN " u ".id = " term "::bigint ELSE false END)"

const to_sql_t to_sql_users[] = {
    /* terms (JSON array), limit, offset: one page and the count of matches */
    {"users_list",
     "WITH p AS (SELECT %s::json AS terms, %s::int AS lim, %s::bigint AS off),"
     " m AS (SELECT u.* FROM app_user u WHERE NOT EXISTS (SELECT 1 FROM p,"
     " json_array_elements_text(p.terms) AS q(term) WHERE NOT " SQL_TERM_MATCHES(
         "u",
         "q.term") "))"
                   " SELECT json_build_object('users', coalesce((SELECT json_agg(" USER_JSON(
                       "u") " ORDER BY u.name, u.id) FROM (SELECT * FROM m ORDER BY m.name, m.id"
                            " LIMIT (SELECT lim FROM p) OFFSET (SELECT off FROM p)) u), "
                            "'[]'::json),"
                            " 'count', (SELECT count(*) FROM m), 'limit', (SELECT lim FROM p),"
                            " 'offset', (SELECT off FROM p))"},
    {"users_get", "SELECT " USER_JSON("u") " FROM app_user u WHERE u.id = %s::int"},
    {"users_set_admin", "UPDATE app_user AS u SET is_admin = %s::boolean, updated_at = now()"
                        " WHERE u.id = %s::int RETURNING " USER_JSON("u")},
    /* a membership being added waits, then finds no user */
    {"users_lock", "SELECT id FROM app_user WHERE id = %s::int FOR UPDATE"},
    /* team memberships do not cascade; reviews, sessions and notifications do */
    {"users_leave_teams", "DELETE FROM team_users_association WHERE user_id = %s::int"},
    {"users_delete", "DELETE FROM app_user WHERE id = %s::int"},
    {NULL, NULL}};

static const char *not_found(to_req_t *tr, int id)
{
    return apr_psprintf(tr->pool, "User with id %d not found", id);
}

/* The signed-in user (a session cookie with X-CSRF-Token), or null; 401
 * when authentication is required and nobody is signed in. */
int to_h_users_me(to_req_t *tr)
{
    int rv;

    TO_CHECKED(tr);
    if ((rv = to_identify(tr)) != OK) {
        return rv;
    }
    if (tr->user_id) {
        return to_answer_query(tr, "", "users_get", tr->user_id);
    }
    if (to_config_require_authentication(tr->conf)) {
        return to_answer_detail(tr, HTTP_UNAUTHORIZED, "Not authenticated");
    }
    return to_answer_text(tr, HTTP_OK, "null", 4);
}

/* ?q= split on white space, as the JSON array of its terms. */
static const char *search_terms(to_req_t *tr)
{
    const char *q = to_query(tr, "q"), *end;
    json_object *terms = to_json_own(tr->pool, json_object_new_array());

    if (!q) {
        q = "";
    }
    for (; *q; q = end) {
        while (apr_isspace(*q)) {
            q++;
        }
        for (end = q; *end && !apr_isspace(*end); end++) {
        }
        if (end > q) {
            json_object_array_add(terms, to_json_strn(q, (apr_size_t)(end - q)));
        }
    }
    return to_json_text(tr->pool, terms);
}

int to_h_users_get(to_req_t *tr)
{
    const char *limit = to_dash_query_int(tr, "limit", 50, 1, 1000);
    const char *offset = to_dash_query_int(tr, "offset", 0, 0, LLONG_MAX);
    const char *terms = search_terms(tr);

    TO_CHECKED(tr);
    return to_answer_query(tr, "", "users_list", terms, limit, offset);
}

int to_h_user_get(to_req_t *tr)
{
    int id = to_path_id(tr, "user_id");

    TO_CHECKED(tr);
    return to_answer_query(tr, not_found(tr, id), "users_get", apr_itoa(tr->pool, id));
}

/* 204 whether the user existed or not, as upstream. */
int to_h_user_delete(to_req_t *tr)
{
    int id = to_path_id(tr, "user_id");
    const char *ids;
    int rv;

    TO_CHECKED(tr);
    ids = apr_itoa(tr->pool, id);
    if ((rv = to_db_begin(tr)) != OK) {
        return rv;
    }
    if (!to_db_value(tr, &rv, "users_lock", ids)) {
        return rv != OK ? rv : HTTP_NO_CONTENT;
    }
    if ((rv = to_db_exec(tr, "users_leave_teams", NULL, ids)) != OK ||
        (rv = to_db_exec(tr, "users_delete", NULL, ids)) != OK || (rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return HTTP_NO_CONTENT;
}

static const to_field_t patch_fields[] = {
    {"is_admin", TO_T_BOOL, TO_NULLABLE, 0, NULL},
};

int to_h_user_patch(to_req_t *tr)
{
    int id = to_path_id(tr, "user_id");
    json_object *body;
    to_obj_t obj = {0};
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        to_validate_object(&tr->verr, to_loc(&tr->verr, "body"), body, patch_fields,
                           TO_NELTS(patch_fields), &obj);
    }
    TO_CHECKED(tr);

    if (!to_obj_get(&obj, "is_admin")) {
        return to_answer_query(tr, not_found(tr, id), "users_get", apr_itoa(tr->pool, id));
    }
    return to_answer_query(tr, not_found(tr, id), "users_set_admin",
                           to_obj_bool(&obj, "is_admin", 0) ? "true" : "false",
                           apr_itoa(tr->pool, id));
}
