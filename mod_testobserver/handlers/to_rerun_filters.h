/* The filters a rerun request may select executions by: upstream's
 * TestResultSearchFilters and TestExecutionRerunFilters, read from a JSON
 * body with pydantic's errors. */
#ifndef TO_RERUN_FILTERS_H
#define TO_RERUN_FILTERS_H

#include <json-c/json.h>

#include "../model/to_validate.h"

typedef enum {
    TO_FILTERS_RESULTS,   /* test_results_filters */
    TO_FILTERS_EXECUTIONS /* test_executions_filters */
} to_filters_kind_t;

/* Validates the filters object v at loc, adding errors to e. Returns the
 * filters that are set, as the object the SQL reads (key -> list of
 * strings or ints, boolean, "any"/"none", naive UTC timestamp text, int,
 * metadata object), owned by e->pool; NULL after errors. *selects tells
 * whether a filter that counts for upstream's "at least one filter" rule
 * was given. */
json_object *to_rerun_filters(to_verr_t *e, json_object *loc, json_object *v,
                              to_filters_kind_t kind, int *selects);

#endif
