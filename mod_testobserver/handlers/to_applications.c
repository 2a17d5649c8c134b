/* /v1/applications: API clients, their permissions and keys. */
#include <string.h>

#include <httpd.h>
#include <http_log.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_api_key.h"
#include "../to_private.h"
#include "to_handlers.h"
#include "to_identity.h"

/* ApplicationResponse of application a (its key included, as upstream). */
#define APP_JSON(a)                                                                                \
    "json_build_object('id', " a ".id, 'name', " a ".name, 'permissions', to_json(" a              \
    ".permissions), 'api_key', " a ".api_key)"

/* A JSON array of permission names (bound once) as the column's type. */
#define SQL_PERMISSIONS "ARRAY(SELECT json_array_elements_text(%s::json))::permission[]"

const to_sql_t to_sql_applications[] = {
    {"apps_list", "SELECT coalesce(json_agg(" APP_JSON("a") " ORDER BY a.id), '[]'::json)"
                                                            " FROM application a"},
    {"apps_get", "SELECT " APP_JSON("a") " FROM application a WHERE a.id = %s::int"},
    /* no row when the name is taken */
    {"apps_create", "INSERT INTO application AS a (name, permissions, api_key, created_at,"
                    " updated_at) VALUES (%s, " SQL_PERMISSIONS ", %s, now(), now())"
                    " ON CONFLICT (name) DO NOTHING RETURNING " APP_JSON("a")},
    {"apps_set_permissions", "UPDATE application AS a SET permissions = " SQL_PERMISSIONS ","
                             " updated_at = now() WHERE a.id = %s::int RETURNING " APP_JSON("a")},
    {"apps_rotate", "UPDATE application AS a SET api_key = %s, updated_at = now()"
                    " WHERE a.id = %s::int RETURNING " APP_JSON("a")},
    {"apps_delete", "DELETE FROM application WHERE id = %s::int"},
    {NULL, NULL}};

/* upstream words its 404s differently from one route to the other */
static const char *not_found(to_req_t *tr, int id)
{
    return apr_psprintf(tr->pool, "Application with id %d not found", id);
}

static const char *doesnt_exist(to_req_t *tr, int id)
{
    return apr_psprintf(tr->pool, "Application %d doesn't exist", id);
}

/* A fresh key, or 500 (the random source failed). */
static int new_key(to_req_t *tr, const char **key)
{
    apr_status_t rv = to_api_key_new(tr->pool, key);

    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, tr->r,
                      TO_LOGNO(00601) "no random bytes for an API key");
        return to_answer_detail(tr, HTTP_INTERNAL_SERVER_ERROR, "Internal Server Error");
    }
    return OK;
}

int to_h_apps_get(to_req_t *tr)
{
    TO_CHECKED(tr);
    return to_answer_query(tr, "", "apps_list");
}

static const to_field_t post_fields[] = {
    {"name", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"permissions", TO_T_ANY, TO_REQUIRED, 0, NULL},
};

/* Created: 200 as upstream, with the key. A taken name is 409 (upstream
 * fails with 500). */
int to_h_apps_post(to_req_t *tr)
{
    json_object *body, *bloc = to_loc(&tr->verr, "body");
    const char *perms = NULL, *key, *json;
    to_obj_t obj = {0};
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        to_validate_object(&tr->verr, bloc, body, post_fields, TO_NELTS(post_fields), &obj);
        if (to_obj_given(&obj, "permissions")) {
            perms = to_id_permissions(tr, to_loc_key(&tr->verr, bloc, "permissions"),
                                      to_json_get(body, "permissions", NULL));
        }
    }
    TO_CHECKED(tr);

    if ((rv = new_key(tr, &key)) != OK) {
        return rv;
    }
    json = to_db_value(tr, &rv, "apps_create", to_obj_str(&obj, "name", ""), perms, key);
    if (rv != OK) {
        return rv;
    }
    if (!json) {
        return to_answer_detail(tr, HTTP_CONFLICT,
                                apr_psprintf(tr->pool, "Application with name '%s' already exists",
                                             to_obj_str(&obj, "name", "")));
    }
    return to_answer_text(tr, HTTP_OK, json, strlen(json));
}

/* The calling application's new key; 401 without a known key. */
int to_h_app_me_rotate(to_req_t *tr)
{
    const char *key, *json;
    int rv;

    TO_CHECKED(tr);
    if ((rv = to_identify(tr)) != OK) {
        return rv;
    }
    if (!tr->app_id) {
        return to_answer_detail(tr, HTTP_UNAUTHORIZED, "Not authenticated");
    }
    if ((rv = new_key(tr, &key)) != OK) {
        return rv;
    }
    json = to_db_value(tr, &rv, "apps_rotate", key, tr->app_id);
    if (rv != OK) {
        return rv;
    }
    if (!json) {
        /* deleted meanwhile */
        return to_answer_detail(tr, HTTP_UNAUTHORIZED, "Not authenticated");
    }
    return to_answer_text(tr, HTTP_OK, json, strlen(json));
}

int to_h_app_rotate(to_req_t *tr)
{
    int id = to_path_id(tr, "application_id");
    const char *key;
    int rv;

    TO_CHECKED(tr);
    if ((rv = new_key(tr, &key)) != OK) {
        return rv;
    }
    return to_answer_query(tr, not_found(tr, id), "apps_rotate", key, apr_itoa(tr->pool, id));
}

/* The calling application, or null for an anonymous caller (401 when
 * authentication is required). */
int to_h_app_me(to_req_t *tr)
{
    const char *json;
    int rv;

    TO_CHECKED(tr);
    if ((rv = to_identify(tr)) != OK) {
        return rv;
    }
    json = tr->app_id ? to_db_value(tr, &rv, "apps_get", tr->app_id) : NULL;
    if (rv != OK) {
        return rv;
    }
    if (!json || !*json) {
        if (to_config_require_authentication(tr->conf)) {
            return to_answer_detail(tr, HTTP_UNAUTHORIZED, "Not authenticated");
        }
        json = "null";
    }
    return to_answer_text(tr, HTTP_OK, json, strlen(json));
}

int to_h_app_get(to_req_t *tr)
{
    int id = to_path_id(tr, "application_id");

    TO_CHECKED(tr);
    return to_answer_query(tr, not_found(tr, id), "apps_get", apr_itoa(tr->pool, id));
}

/* 204 whether the application existed or not, as upstream. */
int to_h_app_delete(to_req_t *tr)
{
    int id = to_path_id(tr, "application_id");
    int rv;

    TO_CHECKED(tr);
    if ((rv = to_db_exec(tr, "apps_delete", NULL, apr_itoa(tr->pool, id))) != OK) {
        return rv;
    }
    return HTTP_NO_CONTENT;
}

static const to_field_t patch_fields[] = {
    {"permissions", TO_T_ANY, TO_NULLABLE, 0, NULL},
};

int to_h_app_patch(to_req_t *tr)
{
    int id = to_path_id(tr, "application_id");
    json_object *body, *bloc = to_loc(&tr->verr, "body"), *v;
    const char *perms = NULL;
    to_obj_t obj = {0};
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        to_validate_object(&tr->verr, bloc, body, patch_fields, TO_NELTS(patch_fields), &obj);
        if ((v = to_obj_get(&obj, "permissions")) != NULL) {
            perms = to_id_permissions(tr, to_loc_key(&tr->verr, bloc, "permissions"), v);
        }
    }
    TO_CHECKED(tr);

    if (!perms) {
        return to_answer_query(tr, doesnt_exist(tr, id), "apps_get", apr_itoa(tr->pool, id));
    }
    return to_answer_query(tr, doesnt_exist(tr, id), "apps_set_permissions", perms,
                           apr_itoa(tr->pool, id));
}
