/* Unit tests of http/to_openapi.c: the document made from a routing table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "http/to_openapi.h"

static apr_pool_t *pool;

static int h_a(struct to_req_t *tr)
{
    (void)tr;
    return 0;
}
static int h_b(struct to_req_t *tr)
{
    (void)tr;
    return 1;
}
static int h_doc(struct to_req_t *tr)
{
    (void)tr;
    return 2;
}

static const to_route_t routes[] = {
    {"GET", "/v1/things/{thing_id}/parts/{name}", "view_thing", h_a},
    {"POST", "/v1/things/{thing_id}/parts/{name}", "change_thing", h_b},
    {"GET", "/", TO_PERM_AUTHENTICATED, h_a},
    {"GET", "/health", TO_PERM_NONE, h_a},
    {"GET", "/openapi.json", TO_PERM_AUTHENTICATED, h_doc},
};
static const to_route_also_t also[] = {{h_b, "change_thing_bulk"}, {NULL, NULL}};

static const char *text_of(json_object *o)
{
    return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

static json_object *at(json_object *o, const char *a, const char *b, const char *c)
{
    json_object *v = o;
    const char *keys[] = {a, b, c};
    int i;

    for (i = 0; i < 3 && keys[i]; i++) {
        if (!json_object_object_get_ex(v, keys[i], &v)) {
            return NULL;
        }
    }
    return v;
}

static void test_document(void **state)
{
    static const to_handler_fn skip[] = {h_doc, NULL};
    json_object *doc = to_openapi_from_routes(pool, routes, 5, also, "1.2.3", skip);
    json_object *get, *post;

    (void)state;
    assert_string_equal(text_of(at(doc, "info", NULL, NULL)),
                        "{\"title\":\"Test Observer\",\"version\":\"1.2.3\"}");
    assert_null(at(doc, "paths", "/openapi.json", NULL));
    get = at(doc, "paths", "/v1/things/{thing_id}/parts/{name}", "get");
    post = at(doc, "paths", "/v1/things/{thing_id}/parts/{name}", "post");
    assert_non_null(get);
    assert_non_null(post);
    assert_string_equal(text_of(at(get, "x-permissions", NULL, NULL)), "[\"view_thing\"]");
    assert_string_equal(text_of(at(post, "x-permissions", NULL, NULL)),
                        "[\"change_thing\",\"change_thing_bulk\"]");
    assert_string_equal(text_of(at(get, "parameters", NULL, NULL)),
                        "[{\"name\":\"thing_id\",\"in\":\"path\",\"required\":true,\"schema\":{"
                        "\"type\":\"integer\"}},{\"name\":\"name\",\"in\":\"path\",\"required\":"
                        "true,\"schema\":{\"type\":\"string\"}}]");
    assert_string_equal(text_of(at(get, "tags", NULL, NULL)), "[\"things\"]");
    /* open routes and authenticated-only routes name no permission */
    assert_null(at(doc, "paths", "/", "get")
                    ? at(at(doc, "paths", "/", "get"), "x-permissions", NULL, NULL)
                    : (json_object *)1);
    assert_null(at(at(doc, "paths", "/health", "get"), "x-permissions", NULL, NULL));
    assert_null(at(at(doc, "paths", "/health", "get"), "parameters", NULL, NULL));
    assert_string_equal(text_of(at(at(doc, "paths", "/", "get"), "tags", NULL, NULL)),
                        "[\"root\"]");
    json_object_put(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests_name("openapi", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
