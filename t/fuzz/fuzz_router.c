/* libFuzzer target: route matching (http/to_router.c) over the module's own
 * table (build/fuzz/routes.inc, taken from http/to_routes.c by the
 * Makefile), with any method and path. The input is "METHOD PATH"; without
 * a blank the whole input is the path of a GET.
 * Invariants: a found route has the method asked for; a 405 names a route
 * of the path; every parameter is one non-empty segment, and a pattern's
 * parameters are all collected. */
#include "fuzz_common.h"

#include "http/to_router.h"

static const to_route_t routes[] = {
#include "routes.inc"
};
#define TO_NELTS_ROUTES ((int)(sizeof(routes) / sizeof(routes[0])))

static int count_params(const char *pattern)
{
    int n = 0;

    for (; *pattern; pattern++) {
        n += *pattern == '{';
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *pool = to_fuzz_pool();
    char *s = to_fuzz_cstr(pool, data, size);
    char *blank = strchr(s, ' ');
    const char *method = "GET", *path = s;
    to_match_t m;
    to_route_result_t res;
    int i;

    if (blank) {
        *blank = '\0';
        method = s;
        path = blank + 1;
    }
    res = to_route_match(pool, routes, TO_NELTS_ROUTES, method, path, &m);
    if (res == TO_ROUTE_NONE) {
        TO_FUZZ_ASSERT(m.route == NULL && m.nparams == 0);
    }
    else {
        TO_FUZZ_ASSERT(m.route != NULL);
        TO_FUZZ_ASSERT((res == TO_ROUTE_FOUND) == !strcmp(m.route->method, method));
        TO_FUZZ_ASSERT(m.nparams == count_params(m.route->pattern));
        for (i = 0; i < m.nparams; i++) {
            TO_FUZZ_ASSERT(m.values[i][0] != '\0' && !strchr(m.values[i], '/'));
            TO_FUZZ_ASSERT(to_match_param(&m, m.names[i]) != NULL);
        }
    }
    (void)to_match_param(&m, "id");
    apr_pool_destroy(pool);
    return 0;
}
