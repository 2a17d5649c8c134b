/* libFuzzer target: the search filters (model/to_filters.c) as a query
 * string and as a JSON body, and the SQL composed for them
 * (model/to_filters_sql.c). The first byte picks the kind; the rest is the
 * query string (split on & and =, as the module's parser hands it over,
 * without decoding) or the JSON document.
 * Invariants: the filters are accepted exactly when no error was added;
 * then the composed clause takes as many values as it has placeholders,
 * holds no value's text, and a limit and offset are numbers; the error list
 * serialises to JSON that parses back. */
#include "fuzz_common.h"

#include <apr_tables.h>

#include "json/to_json.h"
#include "model/to_filters.h"
#include "model/to_filters_sql.h"

static apr_table_t *query_table(apr_pool_t *pool, char *qs)
{
    apr_table_t *t = apr_table_make(pool, 8);
    char *pair, *state;

    for (pair = apr_strtok(qs, "&", &state); pair; pair = apr_strtok(NULL, "&", &state)) {
        char *eq = strchr(pair, '=');
        if (eq) {
            *eq = '\0';
        }
        apr_table_add(t, pair, eq ? eq + 1 : "");
    }
    return t;
}

static void check_number(const char *v)
{
    if (v) {
        TO_FUZZ_ASSERT(*v == '-' || (*v >= '0' && *v <= '9'));
        TO_FUZZ_ASSERT(strspn(v + 1, "0123456789") == strlen(v + 1));
    }
}

static void check_sql(apr_pool_t *pool, const to_filters_t *f, int results)
{
    to_sqlb_t b;
    const char *sql;

    to_sqlb_init(&b, pool);
    if (results) {
        to_filters_sql_results(&b, f);
    }
    else {
        to_filters_sql_executions(&b, f);
    }
    sql = to_sqlb_sql(&b);
    TO_FUZZ_ASSERT(to_sqlb_placeholders(sql) == to_sqlb_nargs(&b));
    /* values travel apart: the text is made of the fragments only, which
     * hold neither a double quote nor a backslash (list values do) */
    TO_FUZZ_ASSERT(!strchr(sql, '\\'));
    TO_FUZZ_ASSERT(!strchr(sql, '"'));
    check_number(f->p[TO_FP_LIMIT]);
    check_number(f->p[TO_FP_OFFSET]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const to_filters_kind_t kinds[] = {TO_FILTERS_RESULTS_QUERY, TO_FILTERS_EXECUTIONS_QUERY,
                                              TO_FILTERS_RESULTS_BODY, TO_FILTERS_EXECUTIONS_BODY};
    apr_pool_t *pool;
    to_json_parse_t parsed, back;
    to_filters_kind_t kind;
    to_filters_t f;
    const char *text;
    to_verr_t e;
    int before;

    if (size < 1) {
        return 0;
    }
    pool = to_fuzz_pool();
    kind = kinds[data[0] % 4];
    to_verr_init(&e, pool);
    memset(&f, 0, sizeof(f));
    before = to_verr_count(&e);
    if (kind == TO_FILTERS_RESULTS_QUERY || kind == TO_FILTERS_EXECUTIONS_QUERY) {
        char *qs = to_fuzz_cstr(pool, data + 1, size - 1);
        to_filters_from_query(&f, pool, kind, query_table(pool, qs), &e);
    }
    else if (to_json_parse(pool, (const char *)data + 1, size - 1, &parsed) == APR_SUCCESS) {
        to_filters_from_json(&f, pool, kind, parsed.value, to_loc(&e, "body"), &e);
    }
    else {
        apr_pool_destroy(pool);
        return 0;
    }
    if (to_verr_count(&e) == before && !f.detail_first && !f.detail_last) {
        check_sql(pool, &f, kind == TO_FILTERS_RESULTS_QUERY || kind == TO_FILTERS_RESULTS_BODY);
    }
    text = to_json_text(pool, e.list);
    TO_FUZZ_ASSERT(to_json_parse(pool, text, strlen(text), &back) == APR_SUCCESS);
    apr_pool_destroy(pool);
    return 0;
}
