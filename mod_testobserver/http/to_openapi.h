/* An OpenAPI document made from the routing table (pure): what /openapi.json
 * serves when no contract file is configured, so /docs always lists every
 * operation with its method, path parameters and permission. */
#ifndef TO_OPENAPI_H
#define TO_OPENAPI_H

#include <apr_pools.h>
#include <json-c/json.h>

#include "to_router.h"

/* The document for routes[0..nroutes), titled with version. Routes whose
 * handler is in skip (a NULL-terminated list: the document and the docs
 * page themselves) are left out; also (ending with {NULL}) adds the
 * permissions handlers check beyond their route's. The caller owns the
 * result. */
json_object *to_openapi_from_routes(apr_pool_t *pool, const to_route_t *routes, int nroutes,
                                    const to_route_also_t *also, const char *version,
                                    const to_handler_fn *skip);

#endif
