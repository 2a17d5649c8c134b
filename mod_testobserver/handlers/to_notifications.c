/* /v1/users/.../notifications: what a user is told (reviews assigned). */
#include <limits.h>
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "to_dashboard.h"
#include "to_handlers.h"
#include "to_sql_json.h"

/* NotificationResponse of notification n. */
#define NOTE_JSON(n)                                                                               \
    "json_build_object('id', " n ".id, 'user_id', " n ".user_id, 'notification_type', " n          \
    ".notification_type, 'target_url', " n ".target_url, 'created_at', " TO_SQL_TS(                \
        n ".created_at") ", 'dismissed_at', " TO_SQL_TS(n ".dismissed_at") ")"

/* The user's notifications (newest first), all or the unread ones. */
#define SQL_NOTES                                                                                  \
    "notification n WHERE n.user_id = p.uid AND (NOT p.unread OR n.dismissed_at IS NULL)"

const to_sql_t to_sql_notifications[] = {
    /* user id, unread only, limit, offset: NULL when the user does not exist */
    {"notes_page",
     "WITH p AS (SELECT %s::int AS uid, %s::boolean AS unread, %s::int AS lim, %s::bigint AS off)"
     " SELECT CASE WHEN EXISTS (SELECT 1 FROM app_user u, p WHERE u.id = p.uid) THEN"
     " json_build_object('notifications', coalesce((SELECT json_agg(" NOTE_JSON(
         "s") " ORDER BY s.created_at DESC, s.id DESC) FROM (SELECT n.* FROM p, " SQL_NOTES
              " ORDER BY n.created_at DESC, n.id DESC LIMIT (SELECT lim FROM p)"
              " OFFSET (SELECT off FROM p)) s), '[]'::json),"
              " 'count', (SELECT count(*) FROM p, " SQL_NOTES "),"
              " 'limit', (SELECT lim FROM p), 'offset', (SELECT off FROM p)) END FROM p"},
    /* user id, unread only: NULL when the user does not exist */
    {"notes_count", "WITH p AS (SELECT %s::int AS uid, %s::boolean AS unread)"
                    " SELECT CASE WHEN EXISTS (SELECT 1 FROM app_user u, p WHERE u.id = p.uid)"
                    " THEN (SELECT count(*) FROM p, " SQL_NOTES ") END FROM p"},
    /* user id, notification id: whether the user exists, and the notification
     * (dismissed now unless it already was) */
    {"notes_dismiss",
     "WITH u AS (SELECT id FROM app_user WHERE id = %s::int),"
     " d AS (UPDATE notification n SET dismissed_at = coalesce(n.dismissed_at, now()),"
     " updated_at = CASE WHEN n.dismissed_at IS NULL THEN now() ELSE n.updated_at END"
     " FROM u WHERE n.id = %s::int AND n.user_id = u.id RETURNING " NOTE_JSON(
         "n") " AS note)"
              " SELECT EXISTS (SELECT 1 FROM u), (SELECT note FROM d)"},
    {NULL, NULL}};

#define USER_NOT_FOUND "User not found"

/* The routes of "me" are about the signed-in user: OK with tr->user_id
 * set, or with it NULL when nobody is signed in and that may pass (the list
 * and count answer emptiness then, unless authentication is required).
 * Otherwise 401 without credentials, 403 for an application alone. */
static int me(to_req_t *tr, int user_required)
{
    int rv;

    if ((rv = to_identify(tr)) != OK) {
        return rv;
    }
    if (tr->user_id || (!user_required && !to_config_require_authentication(tr->conf))) {
        return OK;
    }
    return tr->app_id ? to_answer_detail(tr, HTTP_FORBIDDEN, "Forbidden")
                      : to_answer_detail(tr, HTTP_UNAUTHORIZED, "Not authenticated");
}

/* Dismisses notification note of user uid: the notification, or 404. */
static int dismiss(to_req_t *tr, const char *uid, int note)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *user = NULL, *json = NULL;
    int rv;

    if ((rv = to_db_select(tr, "notes_dismiss", &res, uid, apr_itoa(tr->pool, note))) != OK) {
        return rv;
    }
    while (to_db_next(tr, res, &row) == 0) {
        user = to_db_col(tr, row, 0);
        json = to_db_col(tr, row, 1);
    }
    if (!user || strcmp(user, "t") != 0) {
        return to_answer_detail(tr, HTTP_NOT_FOUND, USER_NOT_FOUND);
    }
    if (!json || !*json) {
        return to_answer_detail(tr, HTTP_NOT_FOUND, "Notification not found");
    }
    return to_answer_text(tr, HTTP_OK, json, strlen(json));
}

static const char *query_limit(to_req_t *tr)
{
    return to_dash_query_int(tr, "limit", 50, 1, 1000);
}

static const char *query_offset(to_req_t *tr)
{
    return to_dash_query_int(tr, "offset", 0, 0, LLONG_MAX);
}

static const char *query_unread(to_req_t *tr)
{
    const char *v = to_dash_query_bool(tr, "unread_only");
    return v ? v : "false";
}

int to_h_notes_me(to_req_t *tr)
{
    const char *limit = query_limit(tr);
    const char *offset = query_offset(tr);
    const char *unread = query_unread(tr);
    json_object *page;

    TO_CHECKED(tr);
    TO_RETURN_UNLESS_OK(me(tr, 0));
    if (tr->user_id) {
        return to_answer_query(tr, USER_NOT_FOUND, "notes_page", tr->user_id, unread, limit,
                               offset);
    }
    page = to_json_own(tr->pool, json_object_new_object());
    json_object_object_add(page, "notifications", json_object_new_array());
    json_object_object_add(page, "count", json_object_new_int(0));
    json_object_object_add(page, "limit", json_object_new_int64(apr_atoi64(limit)));
    json_object_object_add(page, "offset", json_object_new_int64(apr_atoi64(offset)));
    return to_answer_json(tr, HTTP_OK, page);
}

int to_h_notes_me_count(to_req_t *tr)
{
    const char *unread = query_unread(tr);

    TO_CHECKED(tr);
    TO_RETURN_UNLESS_OK(me(tr, 0));
    if (tr->user_id) {
        return to_answer_query(tr, USER_NOT_FOUND, "notes_count", tr->user_id, unread);
    }
    return to_answer_text(tr, HTTP_OK, "0", 1);
}

/* Dismissing needs a user whatever the configuration. */
int to_h_note_me_dismiss(to_req_t *tr)
{
    int note = to_path_id(tr, "notification_id");

    TO_CHECKED(tr);
    TO_RETURN_UNLESS_OK(me(tr, 1));
    return dismiss(tr, tr->user_id, note);
}

int to_h_notes_user(to_req_t *tr)
{
    int id = to_path_id(tr, "user_id");
    const char *limit = query_limit(tr);
    const char *offset = query_offset(tr);
    const char *unread = query_unread(tr);

    TO_CHECKED(tr);
    return to_answer_query(tr, USER_NOT_FOUND, "notes_page", apr_itoa(tr->pool, id), unread, limit,
                           offset);
}

int to_h_notes_user_count(to_req_t *tr)
{
    int id = to_path_id(tr, "user_id");
    const char *unread = query_unread(tr);

    TO_CHECKED(tr);
    return to_answer_query(tr, USER_NOT_FOUND, "notes_count", apr_itoa(tr->pool, id), unread);
}

int to_h_note_user_dismiss(to_req_t *tr)
{
    int id = to_path_id(tr, "user_id");
    int note = to_path_id(tr, "notification_id");

    TO_CHECKED(tr);
    return dismiss(tr, apr_itoa(tr->pool, id), note);
}
