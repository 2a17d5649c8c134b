/* GET /v1/execution-metadata: every category with its values, categories
 * in the order they first appeared and values in theirs. */
#include "to_handlers.h"

#define SQL_METADATA_ALL                                                                           \
    "SELECT json_build_object('execution_metadata', coalesce((SELECT json_object_agg(s.category,"  \
    " s.vals ORDER BY s.first) FROM (SELECT m.category, json_agg(m.value ORDER BY m.id) AS vals,"  \
    " min(m.id) AS first FROM test_execution_metadata m GROUP BY m.category) s), '{}'::json))"

const to_sql_t to_sql_execution_metadata[] = {{"metadata_all", SQL_METADATA_ALL}, {NULL, NULL}};

int to_h_execution_metadata_get(to_req_t *tr)
{
    TO_CHECKED(tr);
    return to_answer_query(tr, "Not Found", "metadata_all");
}
