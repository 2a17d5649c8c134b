/* Search filters of test results and test executions (pure: APR and json-c).
 *
 * One struct holds the filters of upstream's TestResultSearchFilters and
 * TestExecution(Search|Rerun)Filters. Two entry points fill it: the query
 * string of GET /v1/test-results and GET /v1/test-executions, and a JSON
 * object (the test_results_filters / test_executions_filters of rerun and
 * issue attachment bodies). Both validate as FastAPI/pydantic do, adding
 * errors to a to_verr_t, and end by computing p[]: the text of every value
 * the SQL of model/to_filters_sql.c binds. */
#ifndef TO_FILTERS_H
#define TO_FILTERS_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <json-c/json.h>

#include "../json/to_json.h"
#include "to_validate.h"

typedef enum {
    TO_FILTERS_RESULTS_QUERY,    /* GET /v1/test-results */
    TO_FILTERS_EXECUTIONS_QUERY, /* GET /v1/test-executions */
    TO_FILTERS_RESULTS_BODY,     /* TestResultSearchFilters as JSON */
    TO_FILTERS_EXECUTIONS_BODY   /* TestExecutionRerunFilters as JSON */
} to_filters_kind_t;

/* A filter that is a list, or one of the reserved words "any" / "none". */
typedef enum { TO_SEL_UNSET = 0, TO_SEL_LIST, TO_SEL_ANY, TO_SEL_NONE } to_sel_mode_t;

typedef struct {
    to_sel_mode_t mode;
    apr_array_header_t *items; /* const char *: ids as decimal text, or names */
} to_sel_t;

/* The slots of p[]: every value the filter SQL binds, as text (NULL binds
 * SQL NULL). Lists are PostgreSQL array literals, booleans "true"/"false",
 * dates microseconds since 1970-01-01 00:00 (naive; UTC when an offset was
 * given), metadata JSON. */
enum {
    /* artefact of the execution's build */
    TO_FP_SKIP_ARTEFACT, /* "true": no artefact filter at all */
    TO_FP_FAMILIES,
    TO_FP_ARTEFACTS,
    TO_FP_VERSIONS,
    TO_FP_STAGES,
    TO_FP_TRACKS,
    TO_FP_ARCHIVED,
    TO_FP_REVIEWERS_ANY,
    TO_FP_REVIEWERS_NONE,
    TO_FP_REVIEWER_IDS,
    /* the execution */
    TO_FP_SKIP_EXECUTION, /* "true": no execution nor artefact filter */
    TO_FP_EXECUTION_STATUSES,
    TO_FP_ENVIRONMENTS,
    TO_FP_RERUN_YES,
    TO_FP_RERUN_NO,
    TO_FP_LATEST_YES,
    TO_FP_LATEST_NO,
    TO_FP_METADATA,
    /* execution search only */
    TO_FP_EVENTS_ANY,
    TO_FP_EVENTS_NONE,
    TO_FP_EVENT_NAMES,
    TO_FP_RESULTS_ANY,
    TO_FP_RESULTS_NONE,
    TO_FP_RESULT_IDS,
    /* the test case */
    TO_FP_SKIP_CASE, /* "true": no test case filter */
    TO_FP_TEST_CASES,
    TO_FP_TEMPLATE_IDS,
    /* the result */
    TO_FP_RESULT_STATUSES,
    TO_FP_ISSUES_ANY,
    TO_FP_ISSUES_NONE,
    TO_FP_ISSUE_IDS,
    /* dates: results' created_at, executions' updated_at */
    TO_FP_FROM,
    TO_FP_UNTIL,
    /* "true" when a given value can match no row (an id past 32 bits, a
     * string holding NUL): the whole filter then matches nothing */
    TO_FP_NOTHING,
    /* paging: NULL when not given (LIMIT NULL is no limit) */
    TO_FP_LIMIT,
    TO_FP_OFFSET,
    TO_FP_COUNT
};

typedef struct {
    apr_pool_t *pool;
    to_filters_kind_t kind;
    /* list filters (const char *); empty when not given */
    apr_array_header_t *families, *artefacts, *artefact_versions, *artefact_stages,
        *artefact_tracks, *environments, *test_cases, *template_ids, *test_result_statuses,
        *test_execution_statuses;
    /* {category: [value, ...]} in upstream's order; NULL when not given */
    json_object *execution_metadata;
    to_sel_t issues, reviewer_ids, test_result, event_names;
    int artefact_is_archived, rerun_is_requested, execution_is_latest; /* -1: not given */
    const char *from_date, *until_date; /* normalised timestamps, or NULL */
    int has_limit, has_offset;
    apr_int64_t limit, offset;
    int nothing; /* see TO_FP_NOTHING */
    /* An error upstream raises as HTTPException(422) with a string detail:
     * execution_metadata's format (before any other error is looked at) and
     * "any"/"none" mixed with names in event_names (after the others). */
    const char *detail_first, *detail_last;
    const char *p[TO_FP_COUNT];
} to_filters_t;

/* Parses the filters of a search's query string (every repeated key kept),
 * kind TO_FILTERS_RESULTS_QUERY or TO_FILTERS_EXECUTIONS_QUERY, with
 * upstream's defaults (limit 50, offset 0, test_result "any"). Errors go to
 * e with loc ["query", name, ...]; see also detail_first/detail_last. */
void to_filters_from_query(to_filters_t *f, apr_pool_t *pool, to_filters_kind_t kind,
                           apr_table_t *query, to_verr_t *e);

/* Parses a JSON object, kind TO_FILTERS_RESULTS_BODY or
 * TO_FILTERS_EXECUTIONS_BODY, as pydantic validates the model; errors at loc
 * (e.g. ["body", "test_results_filters"]). Fields of the other model are
 * ignored, as pydantic ignores extra fields. */
void to_filters_from_json(to_filters_t *f, apr_pool_t *pool, to_filters_kind_t kind,
                          json_object *obj, json_object *loc, to_verr_t *e);

/* TestResultSearchFilters.has_filters(): some filter other than dates and
 * paging is given. */
int to_filters_has_filters(const to_filters_t *f);

/* Whether TestExecutionRerunFilters holds any filter (dates count). */
int to_filters_has_execution_filters(const to_filters_t *f);

/* Helpers, exposed for their unit tests and for other parsers. */

/* An integer as pydantic reads one from a string: white space around, a
 * sign, digits with single underscores between them, a fraction of zeros.
 * Unbounded: *digits is the magnitude without leading zeros. */
int to_pyint_parse(apr_pool_t *pool, const char *s, int *neg, const char **digits);

/* The value of a to_pyint_parse result when it fits in [min, max]. */
int to_pyint_value(int neg, const char *digits, apr_int64_t min, apr_int64_t max, apr_int64_t *out);

/* A datetime as pydantic reads one from a string (ISO 8601 date or date and
 * time, or a Unix timestamp). On success *out is a naive timestamp
 * "YYYY-MM-DD HH:MM:SS.ffffff" (converted to UTC when the input had an
 * offset) and 1 is returned; else *err_type and *err (pydantic's ctx.error)
 * are set. */
int to_parse_datetime(apr_pool_t *pool, const char *s, const char **out, const char **err_type,
                      const char **err);

/* Microseconds since 1970-01-01 of a timestamp to_parse_datetime wrote. */
apr_int64_t to_datetime_usec(const char *normalised);

/* base64.b64decode(s) of Python (characters outside the alphabet skipped,
 * padding checked). Returns 1 with *out (NUL-terminated) and *len. */
int to_b64decode(apr_pool_t *pool, const char *s, apr_size_t n, char **out, apr_size_t *len);

/* A PostgreSQL array literal of the strings of arr ({"a","b\"c"}). */
const char *to_pg_array(apr_pool_t *pool, const apr_array_header_t *arr);

#endif
