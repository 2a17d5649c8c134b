/* /v1/test-executions/{id}/status_update: the events of a Testflinger job.
 * PUT replaces the whole list (Testflinger sends all of it each time) and
 * applies what it implies to the execution; POST appends events; GET lists
 * them by time. */
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_events.h"
#include "to_handlers.h"
#include "to_sql_json.h"

/* The events travel as one json parameter, stored in the order sent. */
#define SQL_EVENTS_INSERT                                                                          \
    "INSERT INTO test_event (event_name, \"timestamp\", detail, test_execution_id, created_at,"    \
    " updated_at) SELECT e.name, e.ts::timestamp, e.detail, %s::int, now(), now()"                 \
    " FROM ROWS FROM (json_to_recordset(%s::json) AS (name text, ts text, detail text))"           \
    " WITH ORDINALITY AS e(name, ts, detail, ord) ORDER BY e.ord"

/* Events by time, ties in the order they came; NULL for no execution. */
#define EVENT_TS TO_SQL_TS("e.\"timestamp\"")
#define SQL_EVENTS_GET                                                                             \
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM test_execution WHERE id = %s::int) THEN"               \
    " coalesce((SELECT json_agg(json_build_object('event_name', e.event_name, "                    \
    "'timestamp', " EVENT_TS                                                                       \
    ", 'detail', e.detail) ORDER BY e.\"timestamp\", e.id) FROM test_event e"                      \
    " WHERE e.test_execution_id = %s::int), '[]'::json) END"

const to_sql_t to_sql_status_update[] = {
    {"su_lock", "SELECT status, resource_url FROM test_execution WHERE id = %s::int FOR UPDATE"},
    {"su_replace",
     "WITH gone AS (DELETE FROM test_event WHERE test_execution_id = %s::int) " SQL_EVENTS_INSERT},
    {"su_append", SQL_EVENTS_INSERT},
    {"su_set", "UPDATE test_execution SET status = %s::testexecutionstatus, resource_url = %s,"
               " updated_at = now() WHERE id = %s::int"},
    {"su_get", SQL_EVENTS_GET},
    {NULL, NULL}};

#define NOT_FOUND "TestExecution not found"

static const to_field_t body_fields[] = {
    {"events", TO_T_LIST, TO_REQUIRED, 0, NULL},
};
/* timestamp is checked between the two others, in pydantic's order */
static const to_field_t event_fields[] = {
    {"event_name", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"timestamp", TO_T_ANY, TO_REQUIRED, 0, NULL},
    {"detail", TO_T_STR, TO_REQUIRED, 0, NULL},
};

typedef struct {
    to_event_t *events;
    size_t n;
    const char *batch; /* JSON text for SQL_EVENTS_INSERT */
} update_t;

/* Checks one event; adds it to the batch and to up->events when valid. */
static void checked_event(to_req_t *tr, json_object *loc, json_object *item, json_object *batch,
                          update_t *up)
{
    to_obj_t head, tail;
    to_datetime_t dt;
    json_object *row;
    int ok;

    to_validate_object(&tr->verr, loc, item, event_fields, 2, &head);
    if (!json_object_is_type(item, json_type_object)) {
        return;
    }
    ok = head.ok;
    if (to_obj_given(&head, "timestamp")) {
        ok &= to_validate_datetime(&tr->verr, to_loc_key(&tr->verr, loc, "timestamp"),
                                   to_obj_get(&head, "timestamp"), &dt);
    }
    to_validate_object(&tr->verr, loc, item, event_fields + 2, 1, &tail);
    if (!ok || !tail.ok) {
        return;
    }
    up->events[up->n].name = to_obj_str(&head, "event_name", "");
    up->events[up->n].detail = to_obj_str(&tail, "detail", "");
    row = json_object_new_object();
    json_object_object_add(row, "name", to_json_str(up->events[up->n].name));
    json_object_object_add(row, "ts", to_json_str(to_datetime_text(tr->pool, &dt)));
    json_object_object_add(row, "detail", to_json_str(up->events[up->n].detail));
    json_object_array_add(batch, row);
    up->n++;
}

static void validate(to_req_t *tr, json_object *body, update_t *up)
{
    json_object *bloc = to_loc(&tr->verr, "body"), *list, *loc, *batch;
    to_obj_t obj;
    size_t i, n;

    to_validate_object(&tr->verr, bloc, body, body_fields, 1, &obj);
    if (!(list = to_obj_get(&obj, "events"))) {
        return;
    }
    loc = to_loc_key(&tr->verr, bloc, "events");
    n = json_object_array_length(list);
    up->events = apr_pcalloc(tr->pool, sizeof(to_event_t) * (n ? n : 1));
    batch = to_json_own(tr->pool, json_object_new_array());
    for (i = 0; i < n; i++) {
        checked_event(tr, to_loc_index(&tr->verr, loc, (int)i), json_object_array_get_idx(list, i),
                      batch, up);
    }
    up->batch = to_json_text(tr->pool, batch);
}

/* Reads and checks the request; OK to go on, or the status to answer. */
static int read_update(to_req_t *tr, int *id, update_t *up)
{
    json_object *body;
    int rv;

    *id = to_path_id(tr, "id");
    memset(up, 0, sizeof(*up));
    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        validate(tr, body, up);
    }
    return to_checked(tr);
}

/* Locks the execution and reads its status and resource URL; OK, 404 or
 * an error status. */
static int lock_execution(to_req_t *tr, const char *ids, const char **status, const char **url)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    int rv;

    *status = NULL;
    if ((rv = to_db_select(tr, "su_lock", &res, ids)) != OK) {
        return rv;
    }
    while (to_db_next(tr, res, &row) == 0) {
        *status = to_db_col(tr, row, 0);
        *url = to_db_col(tr, row, 1);
    }
    return *status ? OK : to_answer_detail(tr, HTTP_NOT_FOUND, NOT_FOUND);
}

int to_h_status_update_put(to_req_t *tr)
{
    const char *ids, *status, *url, *new_status, *new_url;
    to_events_summary_t summary;
    update_t up;
    int id, rv;

    if ((rv = read_update(tr, &id, &up)) != OK) {
        return rv;
    }
    ids = apr_itoa(tr->pool, id);
    if ((rv = to_db_begin(tr)) != OK || (rv = lock_execution(tr, ids, &status, &url)) != OK ||
        (rv = to_db_exec(tr, "su_replace", NULL, ids, ids, up.batch)) != OK) {
        return rv;
    }
    /* an empty list clears the events and changes nothing else */
    to_events_summarise(up.events, up.n, &summary);
    new_status = to_events_status(&summary, status);
    url = url ? url : "";
    new_url = summary.resource_url ? summary.resource_url : url;
    if ((!status || strcmp(new_status, status) || strcmp(new_url, url)) &&
        (rv = to_db_exec(tr, "su_set", NULL, new_status, new_url, ids)) != OK) {
        return rv;
    }
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return HTTP_OK;
}

int to_h_status_update_post(to_req_t *tr)
{
    const char *ids, *status, *url;
    update_t up;
    int id, rv;

    if ((rv = read_update(tr, &id, &up)) != OK) {
        return rv;
    }
    ids = apr_itoa(tr->pool, id);
    if ((rv = to_db_begin(tr)) != OK || (rv = lock_execution(tr, ids, &status, &url)) != OK) {
        return rv;
    }
    if (up.n && (rv = to_db_exec(tr, "su_append", NULL, ids, up.batch)) != OK) {
        return rv;
    }
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return HTTP_OK;
}

int to_h_status_update_get(to_req_t *tr)
{
    const char *ids;
    int id = to_path_id(tr, "id");

    TO_CHECKED(tr);
    ids = apr_itoa(tr->pool, id);
    return to_answer_query(tr, NOT_FOUND, "su_get", ids, ids);
}
