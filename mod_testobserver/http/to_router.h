/* Routing table and matcher (pure). */
#ifndef TO_ROUTER_H
#define TO_ROUTER_H

#include <apr_pools.h>

#define TO_MAX_PATH_PARAMS 4

struct to_req_t;
typedef int (*to_handler_fn)(struct to_req_t *tr);

/* Permission markers besides upstream's permission names. */
#define TO_PERM_NONE NULL                      /* anyone */
#define TO_PERM_AUTHENTICATED "@authenticated" /* anyone when authentication is not required */

typedef struct {
    const char *method;     /* "GET", "PUT", ... */
    const char *pattern;    /* "/v1/test-executions/{id}/test-results" */
    const char *permission; /* upstream permission name or a TO_PERM_ marker */
    to_handler_fn handler;  /* NULL: not built yet (501) */
} to_route_t;

/* A permission a route's handler checks only when the request needs it
 * (bulk changes, auto-rerun): listed with the route's in /openapi.json. */
typedef struct {
    to_handler_fn handler;
    const char *permission;
} to_route_also_t;

typedef enum {
    TO_ROUTE_NONE,   /* no pattern matches the path: 404 */
    TO_ROUTE_METHOD, /* the path matches, not with this method: 405 */
    TO_ROUTE_FOUND
} to_route_result_t;

typedef struct {
    const to_route_t *route; /* FOUND: the route; METHOD: first route of the path */
    int nparams;
    const char *names[TO_MAX_PATH_PARAMS];
    const char *values[TO_MAX_PATH_PARAMS];
} to_match_t;

/* Matches as Starlette does: routes are tried in table order; the first
 * whose pattern and method match wins; otherwise the first whose pattern
 * matches decides the 405. A {param} matches one non-empty segment. */
to_route_result_t to_route_match(apr_pool_t *pool, const to_route_t *routes, int nroutes,
                                 const char *method, const char *path, to_match_t *m);

/* The value of a matched path parameter, or NULL. */
const char *to_match_param(const to_match_t *m, const char *name);

#endif
