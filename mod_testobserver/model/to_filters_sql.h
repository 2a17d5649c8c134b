/* The WHERE clauses of the searches, composed for the filters given (pure).
 *
 * Only the filters a request gives are written, each as a plain condition
 * or an EXISTS / IN subquery at the top of the clause, where PostgreSQL
 * turns it into a semi-join (or anti-join) and estimates it from its own
 * statistics: a family, an environment or a test case narrows the search as
 * much as it really does, and the plan follows (see handlers/to_search.c).
 *
 * Aliases: test_result "r", test_execution "te"; inner aliases start with
 * "f". Values come from the filters' p[] (model/to_filters.h). */
#ifndef TO_FILTERS_SQL_H
#define TO_FILTERS_SQL_H

#include "to_filters.h"
#include "to_sql_builder.h"

/* " WHERE ..." on test_result r for TestResultSearchFilters (not paging). */
void to_filters_sql_results(to_sqlb_t *b, const to_filters_t *f);

/* " WHERE ..." on test_execution te for GET /v1/test-executions (not
 * paging). */
void to_filters_sql_executions(to_sqlb_t *b, const to_filters_t *f);

#endif
