/* The routing table and the SQL every handler prepares. */
#ifndef TO_ROUTES_H
#define TO_ROUTES_H

#include "../db/to_db.h"
#include "to_router.h"

extern const to_route_t to_routes[];
extern const int to_nroutes;
/* permissions checked by handlers beyond their route's; ends with {NULL} */
extern const to_route_also_t to_routes_also[];
extern const to_sql_t *const to_sql_sets[];

#endif
