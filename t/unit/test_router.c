/* Unit tests of http/to_router.c: Starlette's matching order, 405 versus
 * 404, path parameters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "http/to_router.h"

static apr_pool_t *pool;

/* A small table in the order of upstream's real routes: the fixed paths
 * "end-test" and "reruns" come before "{id}", "start-test" after it. */
static const to_route_t routes[] = {
    {"GET", "/v1/version", NULL, NULL},                                     /* 0 */
    {"PUT", "/v1/test-executions/end-test", NULL, NULL},                    /* 1 */
    {"GET", "/v1/test-executions/{id}/test-results", NULL, NULL},           /* 2 */
    {"POST", "/v1/test-executions/{id}/test-results", NULL, NULL},          /* 3 */
    {"DELETE", "/v1/test-executions/{id}/links/{link_id}", NULL, NULL},     /* 4 */
    {"POST", "/v1/test-executions/reruns", NULL, NULL},                     /* 5 */
    {"GET", "/v1/test-executions/reruns", NULL, NULL},                      /* 6 */
    {"DELETE", "/v1/test-executions/reruns", NULL, NULL},                   /* 7 */
    {"GET", "/v1/test-executions/{id}", NULL, NULL},                        /* 8 */
    {"PATCH", "/v1/test-executions/{id}", NULL, NULL},                      /* 9 */
    {"GET", "/v1/test-executions", NULL, NULL},                             /* 10 */
    {"PUT", "/v1/test-executions/start-test", NULL, NULL},                  /* 11 */
    {"POST", "/v1/users/{user_id}/notifications/{notification_id}/dismiss", /* 12 */
     NULL, NULL},
    {"GET", "/", NULL, NULL}, /* 13 */
};
#define NROUTES ((int)(sizeof(routes) / sizeof(routes[0])))

typedef struct {
    const char *method;
    const char *path;
    to_route_result_t result;
    int route;          /* index in routes, -1 for none */
    const char *params; /* "name=value ..." in order, "" for none */
} route_case_t;

static const route_case_t cases[] = {
    /* fixed paths listed before {id} win */
    {"GET", "/v1/test-executions/reruns", TO_ROUTE_FOUND, 6, ""},
    {"POST", "/v1/test-executions/reruns", TO_ROUTE_FOUND, 5, ""},
    {"DELETE", "/v1/test-executions/reruns", TO_ROUTE_FOUND, 7, ""},
    {"PUT", "/v1/test-executions/end-test", TO_ROUTE_FOUND, 1, ""},
    /* ... but only for their methods: a later full match beats an earlier
     * partial one */
    {"GET", "/v1/test-executions/end-test", TO_ROUTE_FOUND, 8, "id=end-test"},
    {"PATCH", "/v1/test-executions/end-test", TO_ROUTE_FOUND, 9, "id=end-test"},
    /* start-test comes after {id}: GET is {id}'s, PUT reaches start-test */
    {"PUT", "/v1/test-executions/start-test", TO_ROUTE_FOUND, 11, ""},
    {"GET", "/v1/test-executions/start-test", TO_ROUTE_FOUND, 8, "id=start-test"},
    {"GET", "/v1/test-executions/12", TO_ROUTE_FOUND, 8, "id=12"},
    {"PATCH", "/v1/test-executions/12", TO_ROUTE_FOUND, 9, "id=12"},
    {"GET", "/v1/test-executions/abc", TO_ROUTE_FOUND, 8, "id=abc"},
    {"GET", "/v1/test-executions", TO_ROUTE_FOUND, 10, ""},
    {"GET", "/v1/test-executions/7/test-results", TO_ROUTE_FOUND, 2, "id=7"},
    {"POST", "/v1/test-executions/7/test-results", TO_ROUTE_FOUND, 3, "id=7"},
    /* several parameters */
    {"DELETE", "/v1/test-executions/7/links/9", TO_ROUTE_FOUND, 4, "id=7 link_id=9"},
    {"POST", "/v1/users/3/notifications/44/dismiss", TO_ROUTE_FOUND, 12,
     "user_id=3 notification_id=44"},
    {"GET", "/v1/version", TO_ROUTE_FOUND, 0, ""},
    {"GET", "/", TO_ROUTE_FOUND, 13, ""},
    /* 405: the first route whose pattern matches decides */
    {"PUT", "/v1/test-executions/12", TO_ROUTE_METHOD, 8, "id=12"},
    {"DELETE", "/v1/test-executions/12", TO_ROUTE_METHOD, 8, "id=12"},
    {"PUT", "/v1/test-executions/reruns", TO_ROUTE_METHOD, 5, ""},
    {"PATCH", "/v1/test-executions/reruns", TO_ROUTE_FOUND, 9, "id=reruns"},
    {"DELETE", "/v1/test-executions/end-test", TO_ROUTE_METHOD, 1, ""},
    {"POST", "/v1/test-executions/start-test", TO_ROUTE_METHOD, 8, "id=start-test"},
    {"DELETE", "/v1/test-executions/7/test-results", TO_ROUTE_METHOD, 2, "id=7"},
    {"GET", "/v1/test-executions/7/links/9", TO_ROUTE_METHOD, 4, "id=7 link_id=9"},
    {"POST", "/v1/test-executions", TO_ROUTE_METHOD, 10, ""},
    {"POST", "/", TO_ROUTE_METHOD, 13, ""},
    /* FastAPI's routes do not add HEAD to GET; methods are case-sensitive */
    {"HEAD", "/v1/version", TO_ROUTE_METHOD, 0, ""},
    {"get", "/v1/version", TO_ROUTE_METHOD, 0, ""},
    /* 404: unknown paths, trailing slashes, empty segments */
    {"GET", "/v1/unknown", TO_ROUTE_NONE, -1, ""},
    {"GET", "/v1/versio", TO_ROUTE_NONE, -1, ""},
    {"GET", "/v1/versionx", TO_ROUTE_NONE, -1, ""},
    {"GET", "/v1/version/", TO_ROUTE_NONE, -1, ""},
    {"GET", "/v1/test-executions/", TO_ROUTE_NONE, -1, ""},
    {"GET", "/v1/test-executions/12/", TO_ROUTE_NONE, -1, ""},
    {"GET", "/v1/test-executions//test-results", TO_ROUTE_NONE, -1, ""},
    {"DELETE", "/v1/test-executions/7/links/", TO_ROUTE_NONE, -1, ""},
    {"DELETE", "/v1/test-executions//links/9", TO_ROUTE_NONE, -1, ""},
    {"GET", "/v1/test-executions/12/test-results/extra", TO_ROUTE_NONE, -1, ""},
    {"GET", "//", TO_ROUTE_NONE, -1, ""},
    {"GET", "", TO_ROUTE_NONE, -1, ""},
};

/* The matched parameters as "name=value ..." */
static const char *params_text(const to_match_t *m)
{
    const char *s = "";
    int i;

    for (i = 0; i < m->nparams; i++) {
        s = apr_pstrcat(pool, s, i ? " " : "", m->names[i], "=", m->values[i], NULL);
    }
    return s;
}

static const char *result_name(to_route_result_t r)
{
    switch (r) {
    case TO_ROUTE_FOUND:
        return "FOUND";
    case TO_ROUTE_METHOD:
        return "METHOD";
    default:
        return "NONE";
    }
}

static void test_route_table(void **state)
{
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const route_case_t *c = &cases[i];
        to_match_t m;
        to_route_result_t r = to_route_match(pool, routes, NROUTES, c->method, c->path, &m);
        int route = m.route ? (int)(m.route - routes) : -1;
        const char *params = params_text(&m);

        if (r != c->result || route != c->route || strcmp(params, c->params)) {
            print_error("row %d: %s %s: got %s route %d [%s], expected %s route %d [%s]\n", (int)i,
                        c->method, c->path, result_name(r), route, params, result_name(c->result),
                        c->route, c->params);
            bad++;
        }
    }
    if (bad) {
        fail_msg("%d routing rows failed", bad);
    }
}

static void test_match_param(void **state)
{
    to_match_t m;

    (void)state;
    assert_int_equal(
        to_route_match(pool, routes, NROUTES, "POST", "/v1/users/3/notifications/44/dismiss", &m),
        TO_ROUTE_FOUND);
    assert_string_equal(to_match_param(&m, "user_id"), "3");
    assert_string_equal(to_match_param(&m, "notification_id"), "44");
    assert_null(to_match_param(&m, "id"));
    assert_null(to_match_param(&m, "user"));

    /* nothing is left over from the routes tried before */
    assert_int_equal(to_route_match(pool, routes, NROUTES, "GET", "/v1/test-executions/reruns", &m),
                     TO_ROUTE_FOUND);
    assert_int_equal(m.nparams, 0);
    assert_null(to_match_param(&m, "id"));

    assert_int_equal(to_route_match(pool, routes, NROUTES, "GET", "/nowhere", &m), TO_ROUTE_NONE);
    assert_null(m.route);
    assert_int_equal(m.nparams, 0);
}

static void test_edge_tables(void **state)
{
    static const to_route_t root_only[] = {{"GET", "/", NULL, NULL}};
    static const to_route_t too_many[] = {{"GET", "/{a}/{b}/{c}/{d}/{e}", NULL, NULL},
                                          {"GET", "/{a}/{b}/{c}/{d}", NULL, NULL}};
    to_match_t m;

    (void)state;
    /* an empty table finds nothing */
    assert_int_equal(to_route_match(pool, routes, 0, "GET", "/", &m), TO_ROUTE_NONE);
    assert_null(m.route);

    assert_int_equal(to_route_match(pool, root_only, 1, "GET", "/", &m), TO_ROUTE_FOUND);
    assert_ptr_equal(m.route, &root_only[0]);
    assert_int_equal(to_route_match(pool, root_only, 1, "GET", "/x", &m), TO_ROUTE_NONE);
    assert_int_equal(to_route_match(pool, root_only, 1, "GET", "", &m), TO_ROUTE_NONE);

    /* more parameters than TO_MAX_PATH_PARAMS never match */
    assert_int_equal(to_route_match(pool, too_many, 2, "GET", "/1/2/3/4/5", &m), TO_ROUTE_NONE);
    assert_int_equal(to_route_match(pool, too_many, 2, "GET", "/1/2/3/4", &m), TO_ROUTE_FOUND);
    assert_ptr_equal(m.route, &too_many[1]);
    assert_string_equal(params_text(&m), "a=1 b=2 c=3 d=4");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_table),
        cmocka_unit_test(test_match_param),
        cmocka_unit_test(test_edge_tables),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests_name("router", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
