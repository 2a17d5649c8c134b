/* Unit tests of model/to_sql_builder.c and model/to_filters_sql.c: the
 * search statements hold only the filters given, each value bound once and
 * in the order of its placeholder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "model/to_filters.h"
#include "model/to_filters_sql.h"
#include "model/to_sql_builder.h"

static apr_pool_t *pool;

static void expect_str(const char *label, const char *got, const char *want)
{
    if (got != want && (!got || !want || strcmp(got, want))) {
        fail_msg("%s: got \"%s\", expected \"%s\"", label, got ? got : "(null)",
                 want ? want : "(null)");
    }
}

static int occurrences(const char *text, const char *part)
{
    int n = 0;

    for (text = strstr(text, part); text; text = strstr(text + 1, part)) {
        n++;
    }
    return n;
}

static to_filters_t *parse(to_filters_kind_t kind, const char *qs)
{
    to_filters_t *f = apr_pcalloc(pool, sizeof(*f));
    apr_table_t *t = apr_table_make(pool, 8);
    char *copy = apr_pstrdup(pool, qs), *pair, *state;
    to_verr_t errors;

    for (pair = apr_strtok(copy, "&", &state); pair; pair = apr_strtok(NULL, "&", &state)) {
        char *eq = strchr(pair, '=');
        if (eq) {
            *eq = '\0';
        }
        apr_table_add(t, pair, eq ? eq + 1 : "");
    }
    to_verr_init(&errors, pool);
    to_filters_from_query(f, pool, kind, t, &errors);
    if (to_verr_count(&errors) || f->detail_first || f->detail_last) {
        fail_msg("%s: refused", qs);
    }
    return f;
}

/* The WHERE clause of a search of kind for qs, checked for agreement
 * between placeholders and values. */
static const char *where(to_filters_kind_t kind, const char *qs, to_sqlb_t *b)
{
    const to_filters_t *f = parse(kind, qs);

    to_sqlb_init(b, pool);
    if (kind == TO_FILTERS_RESULTS_QUERY) {
        to_filters_sql_results(b, f);
    }
    else {
        to_filters_sql_executions(b, f);
    }
    assert_int_equal(to_sqlb_placeholders(to_sqlb_sql(b)), to_sqlb_nargs(b));
    return to_sqlb_sql(b);
}

static void test_builder(void **state)
{
    to_sqlb_t b;
    const char **args;
    int i;

    (void)state;
    assert_int_equal(to_sqlb_placeholders("a = %s AND b = %s"), 2);
    assert_int_equal(to_sqlb_placeholders("x LIKE 'a%%' AND y = %s"), 1);
    assert_int_equal(to_sqlb_placeholders("no values"), 0);

    to_sqlb_init(&b, pool);
    to_sqlb_add(&b, "SELECT %s::int, %s::text FROM t", "1", NULL);
    to_sqlb_conds(&b, " WHERE ");
    to_sqlb_cond(&b, "a = %s", "x");
    to_sqlb_cond(&b, "b IN (SELECT c FROM d WHERE e = %s", "y");
    to_sqlb_cond(&b, "f = %s", "z"); /* inside the subquery: AND */
    to_sqlb_add(&b, ")");
    to_sqlb_cond(&b, "g");
    expect_str("sql", to_sqlb_sql(&b),
               "SELECT %s::int, %s::text FROM t WHERE a = %s AND b IN (SELECT c FROM d WHERE"
               " e = %s AND f = %s) AND g");
    assert_int_equal(to_sqlb_nargs(&b), 5);
    args = to_sqlb_args(&b);
    expect_str("1", args[0], "1");
    expect_str("NULL", args[1], NULL);
    expect_str("x", args[2], "x");
    expect_str("y", args[3], "y");
    expect_str("z", args[4], "z");

    /* no condition: nothing written, not even WHERE */
    to_sqlb_init(&b, pool);
    to_sqlb_add(&b, "SELECT 1 FROM t");
    to_sqlb_conds(&b, " WHERE ");
    expect_str("bare", to_sqlb_sql(&b), "SELECT 1 FROM t");

    /* text past the first allocation */
    to_sqlb_init(&b, pool);
    for (i = 0; i < 3000; i++) {
        to_sqlb_add(&b, "x = %s OR ", "v");
    }
    assert_int_equal((int)strlen(to_sqlb_sql(&b)), 3000 * 10);
    assert_int_equal(to_sqlb_nargs(&b), 3000);
    assert_int_equal(to_sqlb_placeholders(to_sqlb_sql(&b)), 3000);
}

#define RESULTS TO_FILTERS_RESULTS_QUERY
#define EXECUTIONS TO_FILTERS_EXECUTIONS_QUERY

static void test_results_where(void **state)
{
    to_sqlb_t b;
    const char *sql;

    (void)state;
    /* no filter: no clause, so test_result is read in created_at order */
    expect_str("none", where(RESULTS, "limit=5", &b), "");

    /* a family: one semi-join on the artefact, one value */
    expect_str("family", where(RESULTS, "families=snap&families=deb", &b),
               " WHERE EXISTS (SELECT 1 FROM test_execution te WHERE te.id = r.test_execution_id"
               " AND EXISTS (SELECT 1 FROM artefact_build fb JOIN artefact fa ON fa.id ="
               " fb.artefact_id WHERE fb.id = te.artefact_build_id AND fa.family ="
               " ANY(%s::familyname[])))");
    assert_int_equal(to_sqlb_nargs(&b), 1);
    expect_str("family value", to_sqlb_args(&b)[0], "{\"snap\",\"deb\"}");

    /* the result's own filters stay on test_result */
    expect_str("status", where(RESULTS, "test_result_statuses=FAILED&issues=none", &b),
               " WHERE r.status = ANY(%s::testresultstatus[]) AND NOT EXISTS (SELECT 1 FROM"
               " issue_test_result_attachment fi WHERE fi.test_result_id = r.id)");

    /* every filter: each written once, with its value */
    sql = where(RESULTS,
                "families=snap&artefacts=a&artefact_versions=1&artefact_stages=beta"
                "&artefact_tracks=latest&artefact_is_archived=false&environments=rpi"
                "&test_cases=boot&template_ids=t&issues=1&test_result_statuses=FAILED"
                "&test_execution_statuses=FAILED&reviewer_ids=7&rerun_is_requested=true"
                "&execution_is_latest=false&from_date=2000-01-01&until_date=2100-01-01",
                &b);
    assert_int_equal(to_sqlb_nargs(&b), 15);
    for (int i = 0; i < to_sqlb_nargs(&b); i++) {
        assert_non_null(to_sqlb_args(&b)[i]);
    }
    assert_int_equal(occurrences(sql, "FROM test_execution te"), 1);
    assert_int_equal(occurrences(sql, "FROM test_case fc"), 1);
    assert_int_equal(occurrences(sql, "fc.template_id = ANY("), 1);
    assert_int_equal(occurrences(sql, "fa.archived = %s::boolean"), 1);
    assert_int_equal(occurrences(sql, "fr.user_id = ANY(%s::int[])"), 1);
    assert_int_equal(occurrences(sql, "te.id NOT IN (SELECT max(fn.id)"), 1);
    assert_int_equal(occurrences(sql, "EXISTS (SELECT 1 FROM test_execution_rerun_request"), 1);
    assert_int_equal(occurrences(sql, "r.created_at >= "), 1);
    assert_int_equal(occurrences(sql, "r.created_at <= "), 1);
    assert_int_equal(occurrences(sql, "IS NULL"), 0);
    expect_str("from", to_sqlb_args(&b)[1], "946684800000000");

    /* a value that can match nothing */
    expect_str("nothing", where(RESULTS, "issues=99999999999", &b), " WHERE false");
    assert_int_equal(to_sqlb_nargs(&b), 0);
}

static void test_executions_where(void **state)
{
    to_sqlb_t b;
    const char *sql;

    (void)state;
    /* upstream's default test_result=any: executions with results */
    expect_str("default", where(EXECUTIONS, "", &b),
               " WHERE EXISTS (SELECT 1 FROM test_result fr WHERE fr.test_execution_id = te.id)");
    expect_str("none", where(EXECUTIONS, "test_result=none", &b),
               " WHERE NOT EXISTS (SELECT 1 FROM test_result fr WHERE fr.test_execution_id ="
               " te.id)");

    sql = where(EXECUTIONS,
                "environments=rpi&event_names=boot&test_result=5&test_result=6"
                "&from_date=2000-01-01&execution_metadata=YQ==:Yg==",
                &b);
    assert_int_equal(occurrences(sql, "te.environment_id IN (SELECT fe.id"), 1);
    assert_int_equal(occurrences(sql, "fv.event_name = ANY(%s::text[])"), 1);
    assert_int_equal(occurrences(sql, "fr.id = ANY(%s::int[])"), 1);
    assert_int_equal(occurrences(sql, "te.updated_at >= "), 1);
    assert_int_equal(occurrences(sql, "json_each(%s::json)"), 1);
    assert_int_equal(occurrences(sql, "artefact_build fb"), 0);
    assert_int_equal(to_sqlb_nargs(&b), 6);
    expect_str("environments", to_sqlb_args(&b)[0], "{\"rpi\"}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builder),
        cmocka_unit_test(test_results_where),
        cmocka_unit_test(test_executions_where),
    };
    int rv;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rv = cmocka_run_group_tests(tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rv;
}
