/* The OpenAPI document of the routing table (see to_openapi.h). */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "to_openapi.h"

static int skipped(to_handler_fn fn, const to_handler_fn *skip)
{
    for (; skip && *skip; skip++) {
        if (*skip == fn) {
            return 1;
        }
    }
    return 0;
}

/* "/v1/test-executions/{id}" -> "test-executions"; "/" -> "root" */
static const char *tag_of(apr_pool_t *pool, const char *pattern)
{
    const char *p = pattern, *end;

    if (!strncmp(p, "/v1/", 4)) {
        p += 4;
    }
    else if (*p == '/') {
        p++;
    }
    end = strchr(p, '/');
    if (end == p || !*p) {
        return "root";
    }
    return end ? apr_pstrmemdup(pool, p, (apr_size_t)(end - p)) : p;
}

static json_object *path_parameters(apr_pool_t *pool, const char *pattern)
{
    json_object *list = json_object_new_array();
    const char *p = pattern;

    while ((p = strchr(p, '{')) != NULL) {
        const char *end = strchr(p, '}');
        json_object *param, *schema;
        const char *name;
        apr_size_t len;

        if (!end) {
            break;
        }
        name = apr_pstrmemdup(pool, p + 1, (apr_size_t)(end - p - 1));
        len = strlen(name);
        param = json_object_new_object();
        schema = json_object_new_object();
        json_object_object_add(param, "name", json_object_new_string(name));
        json_object_object_add(param, "in", json_object_new_string("path"));
        json_object_object_add(param, "required", json_object_new_boolean(1));
        /* every path parameter of this API is an integer id */
        json_object_object_add(schema, "type",
                               json_object_new_string((len >= 2 && !strcmp(name + len - 2, "id"))
                                                          ? "integer"
                                                          : "string"));
        json_object_object_add(param, "schema", schema);
        json_object_array_add(list, param);
        p = end + 1;
    }
    return list;
}

static json_object *operation(apr_pool_t *pool, const to_route_t *route,
                              const to_route_also_t *also)
{
    json_object *op = json_object_new_object();
    json_object *tags = json_object_new_array();
    json_object *responses = json_object_new_object();
    json_object *ok = json_object_new_object();
    json_object *params = path_parameters(pool, route->pattern);

    json_object_array_add(tags, json_object_new_string(tag_of(pool, route->pattern)));
    json_object_object_add(op, "tags", tags);
    if (json_object_array_length(params) > 0) {
        json_object_object_add(op, "parameters", params);
    }
    else {
        json_object_put(params);
    }
    json_object_object_add(ok, "description", json_object_new_string("Successful Response"));
    json_object_object_add(responses, "200", ok);
    json_object_object_add(op, "responses", responses);
    if (route->permission && strcmp(route->permission, TO_PERM_AUTHENTICATED) != 0) {
        json_object *perms = json_object_new_array();
        json_object_array_add(perms, json_object_new_string(route->permission));
        for (; also && also->handler; also++) {
            if (also->handler == route->handler) {
                json_object_array_add(perms, json_object_new_string(also->permission));
            }
        }
        json_object_object_add(op, "x-permissions", perms);
    }
    return op;
}

json_object *to_openapi_from_routes(apr_pool_t *pool, const to_route_t *routes, int nroutes,
                                    const to_route_also_t *also, const char *version,
                                    const to_handler_fn *skip)
{
    json_object *doc = json_object_new_object();
    json_object *info = json_object_new_object();
    json_object *paths = json_object_new_object();
    int i;

    json_object_object_add(doc, "openapi", json_object_new_string("3.1.0"));
    json_object_object_add(info, "title", json_object_new_string("Test Observer"));
    json_object_object_add(info, "version", json_object_new_string(version ? version : ""));
    json_object_object_add(doc, "info", info);
    for (i = 0; i < nroutes; i++) {
        const to_route_t *route = &routes[i];
        json_object *item;
        char *method;
        int j;

        if (skipped(route->handler, skip)) {
            continue;
        }
        if (!json_object_object_get_ex(paths, route->pattern, &item)) {
            item = json_object_new_object();
            json_object_object_add(paths, route->pattern, item);
        }
        method = apr_pstrdup(pool, route->method);
        for (j = 0; method[j]; j++) {
            method[j] = (char)apr_tolower(method[j]);
        }
        json_object_object_add(item, method, operation(pool, route, also));
    }
    json_object_object_add(doc, "paths", paths);
    return doc;
}
