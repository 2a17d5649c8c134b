/* POST /v1/test-executions/{id}/links and
 * DELETE /v1/test-executions/{id}/links/{link_id}: relevant links. */
#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "to_handlers.h"

const to_sql_t to_sql_links[] = {
    /* no row when the execution does not exist */
    {"links_add",
     "INSERT INTO test_execution_relevant_link (test_execution_id, label, url, created_at,"
     " updated_at) SELECT te.id, %s, %s, now(), now() FROM test_execution te WHERE te.id = %s::int"
     " RETURNING json_build_object('label', label, 'url', url, 'id', id)"},
    /* whether the execution exists, and whether one of its links went */
    {"links_remove",
     "WITH te AS (SELECT id FROM test_execution WHERE id = %s::int),"
     " gone AS (DELETE FROM test_execution_relevant_link l USING te WHERE l.id = %s::int"
     " AND l.test_execution_id = te.id RETURNING l.id)"
     " SELECT (SELECT count(*) FROM te), (SELECT count(*) FROM gone)"},
    {NULL, NULL}};

#define NOT_FOUND "TestExecution not found"

static const to_field_t link_fields[] = {
    {"label", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"url", TO_T_URL, TO_REQUIRED, 0, NULL},
};

int to_h_links_post(to_req_t *tr)
{
    int id = to_path_id(tr, "id");
    json_object *body;
    to_obj_t link = {0};
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        to_validate_object(&tr->verr, to_loc(&tr->verr, "body"), body, link_fields, 2, &link);
    }
    TO_CHECKED(tr);

    return to_answer_query(tr, NOT_FOUND, "links_add", to_obj_str(&link, "label", ""),
                           to_normal_http_url(tr->pool, to_obj_str(&link, "url", "")),
                           apr_itoa(tr->pool, id));
}

int to_h_links_delete(to_req_t *tr)
{
    int id = to_path_id(tr, "id");
    int link_id = to_path_id(tr, "link_id");
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    int executions = 0, removed = 0;
    int rv;

    TO_CHECKED(tr);

    rv =
        to_db_select(tr, "links_remove", &res, apr_itoa(tr->pool, id), apr_itoa(tr->pool, link_id));
    if (rv != OK) {
        return rv;
    }
    while (to_db_next(tr, res, &row) == 0) {
        executions = atoi(to_db_col(tr, row, 0));
        removed = atoi(to_db_col(tr, row, 1));
    }
    if (!executions) {
        return to_answer_detail(tr, HTTP_NOT_FOUND, NOT_FOUND);
    }
    /* upstream fails with 500 here: the link is not one of this execution's */
    if (!removed) {
        return to_answer_detail(
            tr, HTTP_NOT_FOUND,
            apr_psprintf(tr->pool, "Link %d not found in TestExecution %d", link_id, id));
    }
    return HTTP_NO_CONTENT;
}
