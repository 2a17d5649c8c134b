/* GET /openapi.json (the contract, with each operation's permission) and
 * GET /docs (Swagger UI, its files served by httpd from swagger-ui-dist). */
#include <string.h>

#include <httpd.h>
#include <http_log.h>
#include <http_protocol.h>

#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "../to_private.h"
#include "../http/to_openapi.h"
#include "../http/to_routes.h"
#include "to_handlers.h"

const to_sql_t to_sql_docs[] = {{NULL, NULL}};

/* Marks each operation with the permission its route checks, as upstream
 * adds "x-permissions" to the document it serves. */
static void add_permissions(apr_pool_t *pool, json_object *doc)
{
    json_object *paths = to_json_get(doc, "paths", NULL);
    int i;

    for (i = 0; paths && i < to_nroutes; i++) {
        const to_route_t *route = &to_routes[i];
        json_object *op, *list;
        char *method;
        int j;

        if (!route->permission || !strcmp(route->permission, TO_PERM_AUTHENTICATED)) {
            continue;
        }
        method = apr_pstrdup(pool, route->method);
        for (j = 0; method[j]; j++) {
            method[j] = (char)apr_tolower(method[j]);
        }
        op = to_json_get(to_json_get(paths, route->pattern, NULL), method, NULL);
        if (!op || !json_object_is_type(op, json_type_object) ||
            to_json_get(op, "x-permissions", NULL)) {
            continue; /* a document that already names them is kept as it is */
        }
        list = json_object_new_array();
        json_object_array_add(list, json_object_new_string(route->permission));
        json_object_object_add(op, "x-permissions", list);
    }
}

int to_h_openapi(to_req_t *tr)
{
    const char *path = to_config_openapi_file(tr->conf);
    apr_file_t *f;
    apr_finfo_t info;
    to_json_parse_t doc;
    char *text = NULL;
    apr_size_t len = 0;
    apr_status_t rv;

    TO_CHECKED(tr);
    if (!path) {
        /* no contract configured: the routing table's own document */
        static const to_handler_fn itself[] = {to_h_openapi, to_h_docs, NULL};
        return to_answer_json(
            tr, HTTP_OK,
            to_json_own(tr->pool,
                        to_openapi_from_routes(tr->pool, to_routes, to_nroutes, to_routes_also,
                                               to_config_version(tr->conf), itself)));
    }
    rv = apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT, tr->pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&info, APR_FINFO_SIZE, f);
    }
    if (rv == APR_SUCCESS) {
        len = (apr_size_t)info.size;
        text = apr_palloc(tr->pool, len + 1);
        rv = apr_file_read_full(f, text, len, &len);
        apr_file_close(f);
    }
    if (rv != APR_SUCCESS || to_json_parse(tr->pool, text, len, &doc) != APR_SUCCESS ||
        !json_object_is_type(doc.value, json_type_object)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, tr->r,
                      TO_LOGNO(00201) "cannot read the OpenAPI document %s", path);
        return to_answer_detail(tr, HTTP_INTERNAL_SERVER_ERROR, "Internal Server Error");
    }
    add_permissions(tr->pool, doc.value);
    return to_answer_json(tr, HTTP_OK, doc.value);
}

/* The page loads Swagger UI and points it at /openapi.json; every request
 * it makes carries X-CSRF-Token, as the API asks of browsers. */
static const char docs_page[] =
    "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>Test Observer API</title>\n"
    "<link rel=\"stylesheet\" href=\"%s/swagger-ui.css\">\n</head>\n<body>\n"
    "<div id=\"swagger-ui\"></div>\n"
    "<script src=\"%s/swagger-ui-bundle.js\"></script>\n"
    "<script>\n"
    "window.ui = SwaggerUIBundle({url: \"/openapi.json\", dom_id: \"#swagger-ui\",\n"
    "  requestInterceptor: function (req) { req.headers[\"X-CSRF-Token\"] = \"1\"; return req; "
    "}});\n"
    "</script>\n</body>\n</html>\n";

int to_h_docs(to_req_t *tr)
{
    const char *assets;

    TO_CHECKED(tr);
    assets = ap_escape_html(tr->pool, to_config_docs_assets(tr->conf));
    tr->content_type = "text/html; charset=utf-8";
    tr->out = apr_psprintf(tr->pool, docs_page, assets, assets);
    tr->out_len = strlen(tr->out);
    return HTTP_OK;
}
