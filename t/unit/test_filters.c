/* Unit tests of model/to_filters.c: pydantic's integers and datetimes,
 * Python's base64 and UTF-8, the query string and JSON entry points with
 * their FastAPI-shaped errors, and the bound values. The SQL they make is
 * tested in test_filters_sql.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "json/to_json.h"
#include "model/to_filters.h"

static apr_pool_t *pool;

static void expect_str(const char *label, const char *got, const char *want)
{
    if (got != want && (!got || !want || strcmp(got, want))) {
        fail_msg("%s: got \"%s\", expected \"%s\"", label, got ? got : "(null)",
                 want ? want : "(null)");
    }
}

/* ---------------------------------------------------------------------- */

static void test_pyint(void **state)
{
    static const struct {
        const char *in, *digits;
        int neg;
    } ok[] = {{"5", "5", 0},
              {" 5 ", "5", 0},
              {"\t7\n", "7", 0},
              {"+5", "5", 0},
              {"-12", "12", 1},
              {"1_000", "1000", 0},
              {"1.0", "1", 0},
              {"1.000000", "1", 0},
              {"007", "7", 0},
              {"-0", "0", 0},
              {"0_0", "0", 0},
              {"1_0.0", "10", 0},
              {"99999999999999999999", "99999999999999999999", 0}};
    static const char *const bad[] = {"",   " ",    "x",   "1.",  "1.01", "1e2",  "0x10", "_1",
                                      "1_", "1__0", "+-1", "- 1", "+",    "12 3", "5.5",  ".5"};
    const char *digits;
    apr_int64_t v;
    size_t i;
    int neg;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (!to_pyint_parse(pool, ok[i].in, &neg, &digits)) {
            fail_msg("\"%s\" refused", ok[i].in);
        }
        expect_str(ok[i].in, digits, ok[i].digits);
        assert_int_equal(neg, ok[i].neg);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (to_pyint_parse(pool, bad[i], &neg, &digits)) {
            fail_msg("\"%s\" accepted", bad[i]);
        }
    }
    assert_true(to_pyint_value(0, "2147483647", INT32_MIN, INT32_MAX, &v));
    assert_int_equal(v, 2147483647);
    assert_false(to_pyint_value(0, "2147483648", INT32_MIN, INT32_MAX, &v));
    assert_true(to_pyint_value(1, "2147483648", INT32_MIN, INT32_MAX, &v));
    assert_int_equal(v, INT32_MIN);
    assert_true(to_pyint_value(1, "9223372036854775808", INT64_MIN, INT64_MAX, &v));
    assert_true(v == INT64_MIN);
    assert_false(to_pyint_value(0, "9223372036854775808", INT64_MIN, INT64_MAX, &v));
    assert_false(to_pyint_value(0, "99999999999999999999", INT64_MIN, INT64_MAX, &v));
}

/* Outputs and errors as pydantic 2.13 gives them. */
static void test_datetime(void **state)
{
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"2025-01-01", "2025-01-01 00:00:00.000000"},
        {"2025-01-01T00:00:00", "2025-01-01 00:00:00.000000"},
        {"2025-01-01 10:20", "2025-01-01 10:20:00.000000"},
        {"2025-01-01t10:20", "2025-01-01 10:20:00.000000"},
        {"2025-01-01_10:20", "2025-01-01 10:20:00.000000"},
        {"2025-01-01T10:20:30.123", "2025-01-01 10:20:30.123000"},
        {"2025-01-01T10:20:30,5", "2025-01-01 10:20:30.500000"},
        {"2025-01-01T10:20:30.123456789", "2025-01-01 10:20:30.123456"},
        {"2025-01-01T10:20:30Z", "2025-01-01 10:20:30.000000"},
        {"2025-01-01T10:20:30z", "2025-01-01 10:20:30.000000"},
        {"2025-01-01T10:20:30+02:00", "2025-01-01 08:20:30.000000"},
        {"2025-01-01T10:20:30+0200", "2025-01-01 08:20:30.000000"},
        {"2025-01-01T00:20+01:00", "2024-12-31 23:20:00.000000"},
        {"2025-01-01T23:59:59.999999-00:30", "2025-01-02 00:29:59.999999"},
        {"2024-02-29", "2024-02-29 00:00:00.000000"},
        {"1700000000", "2023-11-14 22:13:20.000000"},
        {"1700000000000", "2023-11-14 22:13:20.000000"},
        {"+1700000000", "2023-11-14 22:13:20.000000"},
        {"1700000000.5", "2023-11-14 22:13:20.500000"},
        {"-1", "1969-12-31 23:59:59.000000"},
        {"0", "1970-01-01 00:00:00.000000"},
        {"1.5", "1970-01-01 00:00:01.500000"},
        {"12.", "1970-01-01 00:00:12.000000"},
        {".5", "1970-01-01 00:00:00.500000"},
        {"20250101", "1970-08-23 09:01:41.000000"},
        {"20000000001", "1970-08-20 11:33:20.001000"},
        {"-62135596800000", "0001-01-01 00:00:00.000000"},
        {"253402300799999", "9999-12-31 23:59:59.999000"},
        {"00000000000000000000000000000001", "1970-01-01 00:00:01.000000"},
        {"9999-12-31T23:59:59", "9999-12-31 23:59:59.000000"},
        {"0001-01-01T00:30:00+01:00", "0001-01-01 00:00:00.000000"},
    };
    static const struct {
        const char *in, *type, *err;
    } bad[] = {
        {"invalid-date", "datetime_from_date_parsing", "invalid character in year"},
        {"2025-13-45T25:99:99", "datetime_from_date_parsing",
         "month value is outside expected range of 1-12"},
        {"2025-01-01T10", "datetime_from_date_parsing",
         "unexpected extra characters at the end of the input"},
        {"2025-02-30", "datetime_from_date_parsing", "day value is outside expected range"},
        {"2025-02-30x", "datetime_from_date_parsing", "day value is outside expected range"},
        {"", "datetime_from_date_parsing", "input is too short"},
        {"yesterday", "datetime_from_date_parsing", "input is too short"},
        {"  2025-01-01", "datetime_from_date_parsing", "invalid character in year"},
        {"2025-01-01T24:00:00", "datetime_from_date_parsing",
         "unexpected extra characters at the end of the input"},
        {"2025-1-1", "datetime_from_date_parsing", "input is too short"},
        {"2025-0a-01", "datetime_from_date_parsing", "invalid character in month"},
        {"2025-01-0a", "datetime_from_date_parsing", "invalid character in day"},
        {"2025x01-01", "datetime_from_date_parsing", "invalid date separator, expected `-`"},
        {"2025-01x01", "datetime_from_date_parsing", "invalid date separator, expected `-`"},
        {"2025-00-10", "datetime_from_date_parsing",
         "month value is outside expected range of 1-12"},
        {"2025-01-01T10:20:30+02", "datetime_from_date_parsing",
         "unexpected extra characters at the end of the input"},
        {"2025-01-01T10:20:30+24:00", "datetime_from_date_parsing",
         "unexpected extra characters at the end of the input"},
        {"2025-01-01T10:20:30.Z", "datetime_from_date_parsing",
         "unexpected extra characters at the end of the input"},
        {"1e3", "datetime_from_date_parsing", "input is too short"},
        {"1.2.3", "datetime_from_date_parsing", "input is too short"},
        {"12345678901234567890", "datetime_from_date_parsing",
         "invalid date separator, expected `-`"},
        {"17000000000000000", "datetime_from_date_parsing",
         "dates after 9999 are not supported as unix timestamps"},
        {"253402300800000", "datetime_from_date_parsing",
         "dates after 9999 are not supported as unix timestamps"},
        {"-99999999999999999", "datetime_from_date_parsing",
         "dates before 0000 are not supported as unix timestamps"},
        {"-62135596801000", "datetime_parsing", "year 0 is out of range"},
        {"0000-01-01", "datetime_parsing", "year 0 is out of range"},
    };
    const char *out, *type, *err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        out = NULL;
        if (!to_parse_datetime(pool, ok[i].in, &out, &type, &err)) {
            fail_msg("\"%s\" refused: %s", ok[i].in, err);
        }
        expect_str(ok[i].in, out, ok[i].out);
    }
    /* what the SQL binds: microseconds since 1970 */
    assert_true(to_datetime_usec("1970-01-01 00:00:00.000000") == 0);
    assert_true(to_datetime_usec("2023-11-14 22:13:20.500000") == 1700000000500000LL);
    assert_true(to_datetime_usec("1969-12-31 23:59:59.999999") == -1);
    assert_true(to_datetime_usec("0001-01-01 00:00:00.000000") == -62135596800000000LL);
    assert_true(to_datetime_usec("9999-12-31 23:59:59.999999") == 253402300799999999LL);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (to_parse_datetime(pool, bad[i].in, &out, &type, &err)) {
            fail_msg("\"%s\" accepted as %s", bad[i].in, out);
        }
        expect_str(bad[i].in, type, bad[i].type);
        expect_str(bad[i].in, err, bad[i].err);
    }
}

static void test_base64(void **state)
{
    static const struct {
        const char *in, *out; /* out NULL: refused */
    } cases[] = {
        {"Y2F0", "cat"}, {"Y2F0eA", NULL},  {"Y2F0eA==", "catx"},   {"Y2F0-eA==", "catx"},
        {"Y", NULL},     {"eA==zzz", "x"},  {"e=A==", "x"},         {"eA=", NULL},
        {"", ""},        {"Y2F0\n", "cat"}, {"Y2F0\xc3\xa9", NULL}, {"eA==\xc3\xa9", NULL}};
    apr_size_t i, len;
    char *out;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int ok = to_b64decode(pool, cases[i].in, strlen(cases[i].in), &out, &len);
        if (!cases[i].out) {
            if (ok) {
                fail_msg("\"%s\" decoded as \"%s\"", cases[i].in, out);
            }
            continue;
        }
        if (!ok) {
            fail_msg("\"%s\" refused", cases[i].in);
        }
        expect_str(cases[i].in, out, cases[i].out);
        assert_int_equal(len, strlen(cases[i].out));
    }
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(to_utf8_valid("a\xc3\xa9z", 4));
    assert_false(to_utf8_valid("\xed\xa0\x80", 3)); /* a surrogate */
    assert_false(to_utf8_valid("\xc0\xaf", 2));     /* overlong */
    assert_false(to_utf8_valid("\xf4\x90\x80\x80", 4));
    expect_str("valid", to_utf8_fix(pool, "caf\xc3\xa9"), "caf\xc3\xa9");
    expect_str("ff",
               to_utf8_fix(pool, "a\xff"
                                 "b"),
               "a\xef\xbf\xbd"
               "b");
    expect_str("surrogate", to_utf8_fix(pool, "\xed\xa0\x80x"),
               "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx");
    expect_str("truncated", to_utf8_fix(pool, "\xe2\x82"), "\xef\xbf\xbd");
    expect_str("truncated4", to_utf8_fix(pool, "\xf0\x9f\x98"), "\xef\xbf\xbd");
    expect_str("overlong", to_utf8_fix(pool, "\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");
}

static void test_pg_array(void **state)
{
    apr_array_header_t *a = apr_array_make(pool, 4, sizeof(const char *));

    (void)state;
    expect_str("empty", to_pg_array(pool, a), "{}");
    APR_ARRAY_PUSH(a, const char *) = "a b";
    APR_ARRAY_PUSH(a, const char *) = "q\"uo\\te";
    APR_ARRAY_PUSH(a, const char *) = "";
    APR_ARRAY_PUSH(a, const char *) = "{x,y}";
    expect_str("escaped", to_pg_array(pool, a), "{\"a b\",\"q\\\"uo\\\\te\",\"\",\"{x,y}\"}");
}

/* ---------------------------------------------------------------------- */
/* The query string                                                       */

/* "a=1&b=2" into a table, values taken as already decoded. */
static apr_table_t *query(const char *qs)
{
    apr_table_t *t = apr_table_make(pool, 8);
    char *copy = apr_pstrdup(pool, qs), *pair, *state;

    for (pair = apr_strtok(copy, "&", &state); pair; pair = apr_strtok(NULL, "&", &state)) {
        char *eq = strchr(pair, '=');
        if (eq) {
            *eq = '\0';
        }
        apr_table_add(t, pair, eq ? eq + 1 : "");
    }
    return t;
}

static to_verr_t errors;

static to_filters_t *parse_query(to_filters_kind_t kind, const char *qs)
{
    to_filters_t *f = apr_pcalloc(pool, sizeof(*f));

    to_verr_init(&errors, pool);
    to_filters_from_query(f, pool, kind, query(qs), &errors);
    return f;
}

static const char *errors_text(void)
{
    return to_json_text(pool, errors.list);
}

static void expect_no_errors(const char *qs, const to_filters_t *f)
{
    if (to_verr_count(&errors) || f->detail_first || f->detail_last) {
        fail_msg("%s: unexpected errors %s %s %s", qs, errors_text(),
                 f->detail_first ? f->detail_first : "", f->detail_last ? f->detail_last : "");
    }
}

#define RESULTS TO_FILTERS_RESULTS_QUERY
#define EXECUTIONS TO_FILTERS_EXECUTIONS_QUERY

static void test_query_defaults(void **state)
{
    to_filters_t *f = parse_query(RESULTS, "");
    int i;

    (void)state;
    expect_no_errors("", f);
    expect_str("limit", f->p[TO_FP_LIMIT], "50");
    expect_str("offset", f->p[TO_FP_OFFSET], "0");
    expect_str("skip artefact", f->p[TO_FP_SKIP_ARTEFACT], "true");
    expect_str("skip execution", f->p[TO_FP_SKIP_EXECUTION], "true");
    expect_str("skip case", f->p[TO_FP_SKIP_CASE], "true");
    expect_str("nothing", f->p[TO_FP_NOTHING], "false");
    expect_str("results any", f->p[TO_FP_RESULTS_ANY], "false");
    for (i = 0; i < TO_FP_COUNT; i++) {
        const char *v = f->p[i];
        if (v && strcmp(v, "true") && strcmp(v, "false") && i != TO_FP_LIMIT && i != TO_FP_OFFSET) {
            fail_msg("slot %d is \"%s\" without filters", i, v);
        }
    }
    assert_false(to_filters_has_filters(f));

    /* executions without results are left out unless asked for */
    f = parse_query(EXECUTIONS, "");
    expect_no_errors("", f);
    expect_str("results any", f->p[TO_FP_RESULTS_ANY], "true");
    expect_str("results none", f->p[TO_FP_RESULTS_NONE], "false");
    f = parse_query(EXECUTIONS, "test_result=none");
    expect_str("results any", f->p[TO_FP_RESULTS_ANY], "false");
    expect_str("results none", f->p[TO_FP_RESULTS_NONE], "true");
}

static void test_query_values(void **state)
{
    const char *qs = "families=snap&families=deb&artefacts=a&artefacts=b\"c&artefact_versions=1"
                     "&artefact_stages=beta&artefact_tracks=latest&artefact_is_archived=Yes"
                     "&environments=rpi&test_cases=boot&template_ids=t/{n}&issues=1&issues=2"
                     "&test_result_statuses=FAILED&test_execution_statuses=IN_PROGRESS"
                     "&reviewer_ids=none&rerun_is_requested=0&execution_is_latest=on"
                     "&from_date=2000-01-01T00:00:00&until_date=2100-01-01&limit=5&offset=10";
    to_filters_t *f = parse_query(RESULTS, qs);

    (void)state;
    expect_no_errors(qs, f);
    expect_str("families", f->p[TO_FP_FAMILIES], "{\"snap\",\"deb\"}");
    expect_str("artefacts", f->p[TO_FP_ARTEFACTS], "{\"a\",\"b\\\"c\"}");
    expect_str("versions", f->p[TO_FP_VERSIONS], "{\"1\"}");
    expect_str("stages", f->p[TO_FP_STAGES], "{\"beta\"}");
    expect_str("tracks", f->p[TO_FP_TRACKS], "{\"latest\"}");
    expect_str("archived", f->p[TO_FP_ARCHIVED], "true");
    expect_str("environments", f->p[TO_FP_ENVIRONMENTS], "{\"rpi\"}");
    expect_str("cases", f->p[TO_FP_TEST_CASES], "{\"boot\"}");
    expect_str("templates", f->p[TO_FP_TEMPLATE_IDS], "{\"t/{n}\"}");
    expect_str("issues", f->p[TO_FP_ISSUE_IDS], "{\"1\",\"2\"}");
    expect_str("issues any", f->p[TO_FP_ISSUES_ANY], "false");
    expect_str("result statuses", f->p[TO_FP_RESULT_STATUSES], "{\"FAILED\"}");
    expect_str("execution statuses", f->p[TO_FP_EXECUTION_STATUSES], "{\"IN_PROGRESS\"}");
    expect_str("reviewers none", f->p[TO_FP_REVIEWERS_NONE], "true");
    expect_str("reviewer ids", f->p[TO_FP_REVIEWER_IDS], NULL);
    expect_str("rerun yes", f->p[TO_FP_RERUN_YES], "false");
    expect_str("rerun no", f->p[TO_FP_RERUN_NO], "true");
    expect_str("latest yes", f->p[TO_FP_LATEST_YES], "true");
    expect_str("latest no", f->p[TO_FP_LATEST_NO], "false");
    expect_str("from", f->from_date, "2000-01-01 00:00:00.000000");
    expect_str("from", f->p[TO_FP_FROM], "946684800000000");
    expect_str("until", f->p[TO_FP_UNTIL], "4102444800000000");
    expect_str("limit", f->p[TO_FP_LIMIT], "5");
    expect_str("offset", f->p[TO_FP_OFFSET], "10");
    expect_str("skip artefact", f->p[TO_FP_SKIP_ARTEFACT], "false");
    expect_str("skip execution", f->p[TO_FP_SKIP_EXECUTION], "false");
    expect_str("skip case", f->p[TO_FP_SKIP_CASE], "false");
    assert_true(to_filters_has_filters(f));

    /* the result-only filters mean nothing to the execution search */
    f = parse_query(EXECUTIONS, "test_cases=x&issues=oops&test_result_statuses=BAD");
    expect_no_errors("execution search", f);
    expect_str("cases", f->p[TO_FP_TEST_CASES], NULL);
    expect_str("skip case", f->p[TO_FP_SKIP_CASE], "true");

    /* only an environment: the artefact join is skipped, the execution's not */
    f = parse_query(RESULTS, "environments=");
    expect_str("environments", f->p[TO_FP_ENVIRONMENTS], "{\"\"}");
    expect_str("skip artefact", f->p[TO_FP_SKIP_ARTEFACT], "true");
    expect_str("skip execution", f->p[TO_FP_SKIP_EXECUTION], "false");

    /* repeated scalars: the last one counts */
    f = parse_query(RESULTS, "limit=7&limit=8&artefact_is_archived=true&artefact_is_archived=f");
    expect_str("limit", f->p[TO_FP_LIMIT], "8");
    expect_str("archived", f->p[TO_FP_ARCHIVED], "false");

    /* the fraction of zeros, underscores and white space pydantic allows */
    f = parse_query(RESULTS, "limit= 1_0.0 &offset=007");
    expect_no_errors("lax ints", f);
    expect_str("limit", f->p[TO_FP_LIMIT], "10");
    expect_str("offset", f->p[TO_FP_OFFSET], "7");
}

static void test_query_selectors(void **state)
{
    to_filters_t *f;

    (void)state;
    f = parse_query(RESULTS, "issues=any&issues=any");
    expect_no_errors("any any", f);
    expect_str("any", f->p[TO_FP_ISSUES_ANY], "true");
    expect_str("ids", f->p[TO_FP_ISSUE_IDS], NULL);
    f = parse_query(RESULTS, "issues=none");
    expect_str("none", f->p[TO_FP_ISSUES_NONE], "true");

    /* ids no int4 column holds match nothing; the others still filter */
    f = parse_query(RESULTS, "issues=99999999999&issues=3");
    expect_str("ids", f->p[TO_FP_ISSUE_IDS], "{\"3\"}");
    expect_str("nothing", f->p[TO_FP_NOTHING], "false");
    f = parse_query(RESULTS, "issues=99999999999999999999999");
    expect_no_errors("huge id", f);
    expect_str("nothing", f->p[TO_FP_NOTHING], "true");
    assert_true(to_filters_has_filters(f));

    /* deprecated assignee_ids stand for reviewer_ids when those are absent */
    f = parse_query(RESULTS, "assignee_ids=4");
    expect_str("reviewers", f->p[TO_FP_REVIEWER_IDS], "{\"4\"}");
    f = parse_query(RESULTS, "assignee_ids=4&reviewer_ids=any");
    expect_str("reviewers", f->p[TO_FP_REVIEWER_IDS], NULL);
    expect_str("reviewers any", f->p[TO_FP_REVIEWERS_ANY], "true");

    /* event names: the reserved words alone, or names */
    f = parse_query(EXECUTIONS, "event_names=any&event_names=none");
    expect_no_errors("any none", f);
    expect_str("events none", f->p[TO_FP_EVENTS_NONE], "true");
    expect_str("events any", f->p[TO_FP_EVENTS_ANY], "false");
    f = parse_query(EXECUTIONS, "event_names=install&event_names=setup");
    expect_str("names", f->p[TO_FP_EVENT_NAMES], "{\"install\",\"setup\"}");
    f = parse_query(EXECUTIONS, "event_names=install&event_names=any&limit=x");
    expect_str("mixed", f->detail_last,
               "Cannot combine reserved values 'any'/'none' with specific filter values.");
    assert_int_equal(to_verr_count(&errors), 1);

    f = parse_query(EXECUTIONS, "test_result=12&test_result=13");
    expect_str("result ids", f->p[TO_FP_RESULT_IDS], "{\"12\",\"13\"}");
    expect_str("results any", f->p[TO_FP_RESULTS_ANY], "false");
}

/* The exact answers of upstream (07-search.txt) and pydantic. */
static void test_query_errors(void **state)
{
    to_filters_t *f;

    (void)state;
    f = parse_query(EXECUTIONS, "test_result=any&test_result=5");
    expect_str(
        "any mixed with ids", errors_text(),
        "[{\"type\":\"int_parsing\",\"loc\":[\"query\",\"test_result\",\"list[int]\",0],"
        "\"msg\":\"Input should be a valid integer, unable to parse string as an integer\","
        "\"input\":\"any\"},"
        "{\"type\":\"literal_error\",\"loc\":[\"query\",\"test_result\","
        "\"list[literal[<QueryValue.ANY: 'any'>]]\",1],\"msg\":\"Input should be "
        "<QueryValue.ANY: 'any'>\",\"input\":\"5\",\"ctx\":{\"expected\":\"<QueryValue.ANY: "
        "'any'>\"}},"
        "{\"type\":\"literal_error\",\"loc\":[\"query\",\"test_result\","
        "\"list[literal[<QueryValue.NONE: 'none'>]]\",0],\"msg\":\"Input should be "
        "<QueryValue.NONE: 'none'>\",\"input\":\"any\",\"ctx\":{\"expected\":\"<QueryValue.NONE: "
        "'none'>\"}},"
        "{\"type\":\"literal_error\",\"loc\":[\"query\",\"test_result\","
        "\"list[literal[<QueryValue.NONE: 'none'>]]\",1],\"msg\":\"Input should be "
        "<QueryValue.NONE: 'none'>\",\"input\":\"5\",\"ctx\":{\"expected\":\"<QueryValue.NONE: "
        "'none'>\"}}]");
    (void)f;

    parse_query(EXECUTIONS, "limit=1001");
    expect_str("limit", errors_text(),
               "[{\"type\":\"less_than_equal\",\"loc\":[\"query\",\"limit\"],\"msg\":\"Input "
               "should be less than or equal to 1000\",\"input\":\"1001\",\"ctx\":{\"le\":1000}}]");
    parse_query(RESULTS, "offset=-1&limit=-0");
    expect_str("offset", errors_text(),
               "[{\"type\":\"greater_than_equal\",\"loc\":[\"query\",\"offset\"],\"msg\":\"Input "
               "should be greater than or equal to 0\",\"input\":\"-1\",\"ctx\":{\"ge\":0}}]");
    parse_query(RESULTS, "limit=1e2");
    expect_str("limit", errors_text(),
               "[{\"type\":\"int_parsing\",\"loc\":[\"query\",\"limit\"],\"msg\":\"Input should be "
               "a valid integer, unable to parse string as an integer\",\"input\":\"1e2\"}]");

    parse_query(RESULTS, "test_result_statuses=PASSED&test_result_statuses=BROKEN");
    expect_str("bad enum", errors_text(),
               "[{\"type\":\"enum\",\"loc\":[\"query\",\"test_result_statuses\",1],\"msg\":\"Input "
               "should be 'PASSED', 'FAILED' or 'SKIPPED'\",\"input\":\"BROKEN\",\"ctx\":"
               "{\"expected\":\"'PASSED', 'FAILED' or 'SKIPPED'\"}}]");

    parse_query(RESULTS, "families=nonexistent");
    expect_str("bad family", errors_text(),
               "[{\"type\":\"enum\",\"loc\":[\"query\",\"families\",0],\"msg\":\"Input should be "
               "'snap', 'deb', 'charm', 'image' or 'solution'\",\"input\":\"nonexistent\",\"ctx\":"
               "{\"expected\":\"'snap', 'deb', 'charm', 'image' or 'solution'\"}}]");

    parse_query(RESULTS, "rerun_is_requested=maybe");
    expect_str("bad bool", errors_text(),
               "[{\"type\":\"bool_parsing\",\"loc\":[\"query\",\"rerun_is_requested\"],\"msg\":"
               "\"Input should be a valid boolean, unable to interpret input\",\"input\":"
               "\"maybe\"}]");

    parse_query(RESULTS, "from_date=someday");
    expect_str("bad date", errors_text(),
               "[{\"type\":\"datetime_from_date_parsing\",\"loc\":[\"query\",\"from_date\"],"
               "\"msg\":\"Input should be a valid datetime or date, input is too short\","
               "\"input\":\"someday\",\"ctx\":{\"error\":\"input is too short\"}}]");

    /* errors in the order of upstream's signature, whatever the query's */
    parse_query(RESULTS, "offset=x&limit=y&families=z");
    expect_str("order", errors_text(),
               "[{\"type\":\"enum\",\"loc\":[\"query\",\"families\",0],\"msg\":\"Input should be "
               "'snap', 'deb', 'charm', 'image' or 'solution'\",\"input\":\"z\",\"ctx\":"
               "{\"expected\":\"'snap', 'deb', 'charm', 'image' or 'solution'\"}},"
               "{\"type\":\"int_parsing\",\"loc\":[\"query\",\"limit\"],\"msg\":\"Input should be "
               "a valid integer, unable to parse string as an integer\",\"input\":\"y\"},"
               "{\"type\":\"int_parsing\",\"loc\":[\"query\",\"offset\"],\"msg\":\"Input should be "
               "a valid integer, unable to parse string as an integer\",\"input\":\"x\"}]");

    /* invalid UTF-8 is read as Starlette reads it, with U+FFFD */
    parse_query(RESULTS, "families=\xff");
    expect_str("utf-8", errors_text(),
               "[{\"type\":\"enum\",\"loc\":[\"query\",\"families\",0],\"msg\":\"Input should be "
               "'snap', 'deb', 'charm', 'image' or 'solution'\",\"input\":\"\xef\xbf\xbd\",\"ctx\":"
               "{\"expected\":\"'snap', 'deb', 'charm', 'image' or 'solution'\"}}]");
}

static void test_query_metadata(void **state)
{
    to_filters_t *f;

    (void)state;
    /* category1:value1, category1:value2, category2:value1 */
    f = parse_query(RESULTS, "execution_metadata=Y2F0ZWdvcnkx:dmFsdWUx"
                             "&execution_metadata=Y2F0ZWdvcnky:dmFsdWUx"
                             "&execution_metadata=Y2F0ZWdvcnkx:dmFsdWUy");
    expect_no_errors("metadata", f);
    expect_str("metadata", f->p[TO_FP_METADATA],
               "{\"category1\":[\"value1\",\"value2\"],\"category2\":[\"value1\"]}");
    expect_str("skip execution", f->p[TO_FP_SKIP_EXECUTION], "false");
    expect_str("skip artefact", f->p[TO_FP_SKIP_ARTEFACT], "true");
    assert_true(to_filters_has_filters(f));

    f = parse_query(EXECUTIONS, "execution_metadata=nocolon&limit=9999");
    expect_str("no colon", f->detail_first,
               "Invalid execution metadata format: 'nocolon'. Expected base64 encoded "
               "'category:value'.");
    f = parse_query(RESULTS, "execution_metadata=Y2F0:eA");
    expect_str("padding", f->detail_first,
               "Invalid base64 encoding in execution metadata: 'Y2F0:eA'.");
    f = parse_query(RESULTS, "execution_metadata=Y2F0:/w==");
    expect_str("not UTF-8", f->detail_first,
               "Invalid base64 encoding in execution metadata: 'Y2F0:/w=='.");
    f = parse_query(RESULTS, "execution_metadata=Y2F0:");
    expect_str("empty value", f->detail_first,
               "Invalid execution metadata format: 'Y2F0:'. Both category and value must be "
               "non-empty.");
    /* the first bad item is the one reported */
    f = parse_query(RESULTS, "execution_metadata=:eA==&execution_metadata=x");
    expect_str("first", f->detail_first,
               "Invalid execution metadata format: ':eA=='. Both category and value must be "
               "non-empty.");
    /* a value holding NUL is in no row */
    f = parse_query(RESULTS, "execution_metadata=Y2F0:AA==");
    expect_no_errors("NUL", f);
    expect_str("nothing", f->p[TO_FP_NOTHING], "true");
}

/* ---------------------------------------------------------------------- */
/* JSON bodies                                                            */

static to_filters_t *parse_json(to_filters_kind_t kind, const char *text)
{
    to_filters_t *f = apr_pcalloc(pool, sizeof(*f));
    to_json_parse_t parsed;

    if (to_json_parse(pool, text, strlen(text), &parsed) != APR_SUCCESS) {
        fail_msg("bad JSON in test: %s", text);
    }
    to_verr_init(&errors, pool);
    to_filters_from_json(f, pool, kind, parsed.value,
                         to_loc_key(&errors, to_loc(&errors, "body"), "test_results_filters"),
                         &errors);
    return f;
}

#define RBODY TO_FILTERS_RESULTS_BODY
#define EBODY TO_FILTERS_EXECUTIONS_BODY

static void test_json_values(void **state)
{
    to_filters_t *f;

    (void)state;
    f = parse_json(RBODY, "{\"families\":[\"charm\"],\"test_cases\":[\"a\"],\"issues\":\"any\","
                          "\"execution_metadata\":{\"c\":[\"v1\",\"v2\"]},\"limit\":\"3\","
                          "\"offset\":2.0,\"from_date\":1700000000,\"artefact_is_archived\":1,"
                          "\"unknown\":true}");
    expect_no_errors("json", f);
    expect_str("families", f->p[TO_FP_FAMILIES], "{\"charm\"}");
    expect_str("cases", f->p[TO_FP_TEST_CASES], "{\"a\"}");
    expect_str("issues any", f->p[TO_FP_ISSUES_ANY], "true");
    expect_str("metadata", f->p[TO_FP_METADATA], "{\"c\":[\"v1\",\"v2\"]}");
    expect_str("limit", f->p[TO_FP_LIMIT], "3");
    expect_str("offset", f->p[TO_FP_OFFSET], "2");
    expect_str("from", f->p[TO_FP_FROM], "1700000000000000");
    expect_str("archived", f->p[TO_FP_ARCHIVED], "true");
    assert_true(to_filters_has_filters(f));

    /* no paging given: no LIMIT, no OFFSET */
    f = parse_json(RBODY, "{\"from_date\":\"2020-01-01\",\"limit\":null}");
    expect_no_errors("dates only", f);
    expect_str("limit", f->p[TO_FP_LIMIT], NULL);
    expect_str("offset", f->p[TO_FP_OFFSET], NULL);
    assert_false(to_filters_has_filters(f));

    /* the execution model: dates count as filters, result fields ignored */
    f = parse_json(EBODY, "{\"from_date\":\"2020-01-01\",\"test_cases\":[1]}");
    expect_no_errors("executions", f);
    assert_true(to_filters_has_execution_filters(f));
    expect_str("cases", f->p[TO_FP_TEST_CASES], NULL);
    f = parse_json(EBODY, "{}");
    assert_false(to_filters_has_execution_filters(f));

    /* assignee_ids stand for absent, null or empty reviewer_ids */
    f = parse_json(RBODY, "{\"reviewer_ids\":null,\"assignee_ids\":[3]}");
    expect_no_errors("assignees", f);
    expect_str("reviewers", f->p[TO_FP_REVIEWER_IDS], "{\"3\"}");
    f = parse_json(RBODY, "{\"reviewer_ids\":[],\"assignee_ids\":\"none\"}");
    expect_str("reviewers none", f->p[TO_FP_REVIEWERS_NONE], "true");
    f = parse_json(RBODY, "{\"reviewer_ids\":[],\"assignee_ids\":null}");
    expect_no_errors("null assignees", f);
    expect_str("no reviewers", f->p[TO_FP_REVIEWER_IDS], NULL);
    assert_false(to_filters_has_filters(f));

    /* a string holding NUL is in no row */
    f = parse_json(RBODY, "{\"artefacts\":[\"a\\u0000b\"]}");
    expect_no_errors("NUL", f);
    expect_str("nothing", f->p[TO_FP_NOTHING], "true");
}

static void test_json_errors(void **state)
{
    (void)state;
    parse_json(RBODY, "{\"issues\":\"all\"}");
    expect_str(
        "issues", errors_text(),
        "[{\"type\":\"list_type\",\"loc\":[\"body\",\"test_results_filters\",\"issues\","
        "\"list[int]\"],\"msg\":\"Input should be a valid list\",\"input\":\"all\"},"
        "{\"type\":\"literal_error\",\"loc\":[\"body\",\"test_results_filters\",\"issues\","
        "\"literal[<QueryValue.ANY: 'any'>,<QueryValue.NONE: 'none'>]\"],\"msg\":\"Input should "
        "be <QueryValue.ANY: 'any'> or <QueryValue.NONE: 'none'>\",\"input\":\"all\",\"ctx\":"
        "{\"expected\":\"<QueryValue.ANY: 'any'> or <QueryValue.NONE: 'none'>\"}}]");

    parse_json(RBODY, "{\"issues\":[1.5,true,\"2\"]}");
    expect_str(
        "issue items", errors_text(),
        "[{\"type\":\"int_from_float\",\"loc\":[\"body\",\"test_results_filters\",\"issues\","
        "\"list[int]\",0],\"msg\":\"Input should be a valid integer, got a number with a "
        "fractional part\",\"input\":1.5},"
        "{\"type\":\"literal_error\",\"loc\":[\"body\",\"test_results_filters\",\"issues\","
        "\"literal[<QueryValue.ANY: 'any'>,<QueryValue.NONE: 'none'>]\"],\"msg\":\"Input should "
        "be <QueryValue.ANY: 'any'> or <QueryValue.NONE: 'none'>\",\"input\":[1.5,true,\"2\"],"
        "\"ctx\":{\"expected\":\"<QueryValue.ANY: 'any'> or <QueryValue.NONE: 'none'>\"}}]");

    parse_json(RBODY, "{\"families\":\"snap\",\"artefacts\":[1],\"from_date\":true,"
                      "\"execution_is_latest\":2,\"execution_metadata\":null}");
    expect_str(
        "fields", errors_text(),
        "[{\"type\":\"list_type\",\"loc\":[\"body\",\"test_results_filters\",\"families\"],"
        "\"msg\":\"Input should be a valid list\",\"input\":\"snap\"},"
        "{\"type\":\"string_type\",\"loc\":[\"body\",\"test_results_filters\",\"artefacts\",0],"
        "\"msg\":\"Input should be a valid string\",\"input\":1},"
        "{\"type\":\"dict_type\",\"loc\":[\"body\",\"test_results_filters\","
        "\"execution_metadata\"],\"msg\":\"Input should be a valid dictionary\",\"input\":null},"
        "{\"type\":\"bool_parsing\",\"loc\":[\"body\",\"test_results_filters\","
        "\"execution_is_latest\"],\"msg\":\"Input should be a valid boolean, unable to interpret "
        "input\",\"input\":2},"
        "{\"type\":\"datetime_type\",\"loc\":[\"body\",\"test_results_filters\",\"from_date\"],"
        "\"msg\":\"Input should be a valid datetime\",\"input\":true}]");

    parse_json(RBODY, "[]");
    expect_str("not an object", errors_text(),
               "[{\"type\":\"model_type\",\"loc\":[\"body\",\"test_results_filters\"],\"msg\":"
               "\"Input should be a valid dictionary or instance of TestResultSearchFilters\","
               "\"input\":[],\"ctx\":{\"class_name\":\"TestResultSearchFilters\"}}]");

    /* upstream fails in the database on these; we refuse them */
    parse_json(RBODY, "{\"offset\":-3}");
    expect_str("negative offset", errors_text(),
               "[{\"type\":\"greater_than_equal\",\"loc\":[\"body\",\"test_results_filters\","
               "\"offset\"],\"msg\":\"Input should be greater than or equal to 0\",\"input\":-3,"
               "\"ctx\":{\"ge\":0}}]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pyint),        cmocka_unit_test(test_datetime),
        cmocka_unit_test(test_base64),       cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_pg_array),     cmocka_unit_test(test_query_defaults),
        cmocka_unit_test(test_query_values), cmocka_unit_test(test_query_selectors),
        cmocka_unit_test(test_query_errors), cmocka_unit_test(test_query_metadata),
        cmocka_unit_test(test_json_values),  cmocka_unit_test(test_json_errors),
    };
    int rv;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rv = cmocka_run_group_tests(tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rv;
}
