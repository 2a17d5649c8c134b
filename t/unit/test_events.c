/* Unit tests of model/to_events.c: event timestamps read as pydantic reads
 * them, and what an event list says about its test execution. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "json/to_json.h"
#include "model/to_events.h"

static apr_pool_t *pool;

/* Input (JSON text), then either the stored wall-clock time or pydantic's
 * error type and ctx.error. Generated from pydantic 2.13 (FastAPI's
 * validation: Python mode, from_attributes). */
static const struct {
    const char *json;
    const char *want;
    const char *type;
    const char *error;
} vectors[] = {
    {"\"2030-01-02T10:00:00\"", "2030-01-02T10:00:00.000000", NULL, NULL},
    {"\"2030-01-02T10:00:05+00:00\"", "2030-01-02T10:00:05.000000", NULL, NULL},
    {"\"2030-01-02T10:05:00Z\"", "2030-01-02T10:05:00.000000", NULL, NULL},
    {"\"2030-01-02T10:05:01.123456\"", "2030-01-02T10:05:01.123456", NULL, NULL},
    {"\"2015-03-21T11:08:14.859831\"", "2015-03-21T11:08:14.859831", NULL, NULL},
    {"\"2030-01-02T10:00:05+02:00\"", "2030-01-02T10:00:05.000000", NULL, NULL},
    {"\"2030-01-02T10:00:00-23:59\"", "2030-01-02T10:00:00.000000", NULL, NULL},
    {"\"2030-01-02T10:00:00+0200\"", "2030-01-02T10:00:00.000000", NULL, NULL},
    {"\"2030-01-02T10:00:00\xe2\x88\x92"
     "01:00\"",
     "2030-01-02T10:00:00.000000", NULL, NULL},
    {"\"2030-01-02 10:00\"", "2030-01-02T10:00:00.000000", NULL, NULL},
    {"\"2030-01-02_10:00\"", "2030-01-02T10:00:00.000000", NULL, NULL},
    {"\"2030-01-02t10:00:00z\"", "2030-01-02T10:00:00.000000", NULL, NULL},
    {"\"2030-01-02T10:00Z\"", "2030-01-02T10:00:00.000000", NULL, NULL},
    {"\"2030-01-02T10:00:00,5\"", "2030-01-02T10:00:00.500000", NULL, NULL},
    {"\"2030-01-02T10:00:05.1234567\"", "2030-01-02T10:00:05.123456", NULL, NULL},
    {"\"2030-01-02T10:00:00.000000001\"", "2030-01-02T10:00:00.000000", NULL, NULL},
    {"\"2030-01-02T23:59:59.999999999\"", "2030-01-02T23:59:59.999999", NULL, NULL},
    {"\"2030-01-02\"", "2030-01-02T00:00:00.000000", NULL, NULL},
    {"\"2024-02-29\"", "2024-02-29T00:00:00.000000", NULL, NULL},
    {"\"2000-02-29\"", "2000-02-29T00:00:00.000000", NULL, NULL},
    {"\"0001-01-01\"", "0001-01-01T00:00:00.000000", NULL, NULL},
    {"\"9999-12-31T23:59:59.999999+01:00\"", "9999-12-31T23:59:59.999999", NULL, NULL},
    {"\"yesterday\"", NULL, "datetime_from_date_parsing", "input is too short"},
    {"\"\"", NULL, "datetime_from_date_parsing", "input is too short"},
    {"\"1e3\"", NULL, "datetime_from_date_parsing", "input is too short"},
    {"\" 2030-01-02\"", NULL, "datetime_from_date_parsing", "invalid character in year"},
    {"\"2030-13-02T10:00:00\"", NULL, "datetime_from_date_parsing",
     "month value is outside expected range of 1-12"},
    {"\"2030-00-10\"", NULL, "datetime_from_date_parsing",
     "month value is outside expected range of 1-12"},
    {"\"2030-01-00\"", NULL, "datetime_from_date_parsing", "day value is outside expected range"},
    {"\"2030-02-30\"", NULL, "datetime_from_date_parsing", "day value is outside expected range"},
    {"\"2023-02-29\"", NULL, "datetime_from_date_parsing", "day value is outside expected range"},
    {"\"1900-02-29\"", NULL, "datetime_from_date_parsing", "day value is outside expected range"},
    {"\"2030-01-02T10\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T25:00:00\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T24:00:00\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T10:00:60\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T10:00:00+2\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T10:00:00+02\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T10:00:00+24:00\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T10:00:00+23:60\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T10:00:00+01:00:00\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T10:00:00 \"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02X10:00:00\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T10:00:00.\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T10:00:00,Z\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T10:00.5\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02T\"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-01-02 \"", NULL, "datetime_from_date_parsing",
     "unexpected extra characters at the end of the input"},
    {"\"2030-1-02\"", NULL, "datetime_from_date_parsing", "input is too short"},
    {"\"2030/01/02\"", NULL, "datetime_from_date_parsing", "invalid date separator, expected `-`"},
    {"\"203a-01-02\"", NULL, "datetime_from_date_parsing", "invalid character in year"},
    {"\"2030-0a-02\"", NULL, "datetime_from_date_parsing", "invalid character in month"},
    {"\"2030-01-0a\"", NULL, "datetime_from_date_parsing", "invalid character in day"},
    {"\"2030-13-0a\"", NULL, "datetime_from_date_parsing", "invalid character in day"},
    {"\"abcdefghijk\"", NULL, "datetime_from_date_parsing", "invalid character in year"},
    {"\"20300102T100000\"", NULL, "datetime_from_date_parsing",
     "invalid date separator, expected `-`"},
    {"\"0000-01-01\"", NULL, "datetime_parsing", "year 0 is out of range"},
    {"\"0000-01-01T00:00:00\"", NULL, "datetime_parsing", "year 0 is out of range"},
    {"\"1700000000\"", "2023-11-14T22:13:20.000000", NULL, NULL},
    {"\"20300102\"", "1970-08-23T22:55:02.000000", NULL, NULL},
    {"\"1\"", "1970-01-01T00:00:01.000000", NULL, NULL},
    {"\"0\"", "1970-01-01T00:00:00.000000", NULL, NULL},
    {"\"-0\"", "1970-01-01T00:00:00.000000", NULL, NULL},
    {"\"+1\"", "1970-01-01T00:00:01.000000", NULL, NULL},
    {"\"00001\"", "1970-01-01T00:00:01.000000", NULL, NULL},
    {"\"-1\"", "1969-12-31T23:59:59.000000", NULL, NULL},
    {"\"1.\"", "1970-01-01T00:00:01.000000", NULL, NULL},
    {"\".5\"", "1970-01-01T00:00:00.500000", NULL, NULL},
    {"\"-.5\"", "1969-12-31T23:59:59.500000", NULL, NULL},
    {"\"+.5\"", "1970-01-01T00:00:00.500000", NULL, NULL},
    {"\"-1.25\"", "1969-12-31T23:59:58.750000", NULL, NULL},
    {"\"1.9999999\"", "1970-01-01T00:00:02.000000", NULL, NULL},
    {"\"1700000000.5\"", "2023-11-14T22:13:20.500000", NULL, NULL},
    {"\"1700000000.1234567\"", "2023-11-14T22:13:20.123457", NULL, NULL},
    {"\"-0.0000005\"", "1970-01-01T00:00:00.000000", NULL, NULL},
    {"\"0.0000015\"", "1970-01-01T00:00:00.000002", NULL, NULL},
    {"\"20000000000\"", "2603-10-11T11:33:20.000000", NULL, NULL},
    {"\"20000000001\"", "1970-08-20T11:33:20.001000", NULL, NULL},
    {"\"-20000000000\"", "1336-03-23T12:26:40.000000", NULL, NULL},
    {"\"1700000000123\"", "2023-11-14T22:13:20.123000", NULL, NULL},
    {"\"-1700000000123\"", "1916-02-18T01:46:39.877000", NULL, NULL},
    {"\"253402300799999\"", "9999-12-31T23:59:59.999000", NULL, NULL},
    {"\"253402300800000\"", NULL, "datetime_from_date_parsing",
     "dates after 9999 are not supported as unix timestamps"},
    {"\"-62135596800000\"", "0001-01-01T00:00:00.000000", NULL, NULL},
    {"\"-62135596800001\"", NULL, "datetime_parsing", "year 0 is out of range"},
    {"\"9999999999999999\"", NULL, "datetime_from_date_parsing",
     "dates after 9999 are not supported as unix timestamps"},
    {"\"+9999999999999999\"", NULL, "datetime_from_date_parsing",
     "dates after 9999 are not supported as unix timestamps"},
    {"\"-9999999999999999\"", NULL, "datetime_from_date_parsing",
     "dates before 0000 are not supported as unix timestamps"},
    {"\"9999999999999999.5\"", "2286-11-20T17:46:40.000000", NULL, NULL},
    {"\"9223372036854775807\"", NULL, "datetime_from_date_parsing",
     "dates after 9999 are not supported as unix timestamps"},
    {"\"9223372036854775808\"", NULL, "datetime_from_date_parsing",
     "invalid date separator, expected `-`"},
    {"\"-9223372036854775807\"", NULL, "datetime_from_date_parsing",
     "dates before 0000 are not supported as unix timestamps"},
    {"\"-9223372036854775808\"", NULL, "datetime_from_date_parsing", "invalid character in year"},
    {"\"99999999999999999999\"", NULL, "datetime_from_date_parsing",
     "invalid date separator, expected `-`"},
    {"\".\"", NULL, "datetime_from_date_parsing", "input is too short"},
    {"\"+\"", NULL, "datetime_from_date_parsing", "input is too short"},
    {"\"-\"", NULL, "datetime_from_date_parsing", "input is too short"},
    {"\"1.5.5\"", NULL, "datetime_from_date_parsing", "input is too short"},
    {"\"1_000\"", NULL, "datetime_from_date_parsing", "input is too short"},
    {"\" 1\"", NULL, "datetime_from_date_parsing", "input is too short"},
    {"\"0x10\"", NULL, "datetime_from_date_parsing", "input is too short"},
    {"1700000000", "2023-11-14T22:13:20.000000", NULL, NULL},
    {"0", "1970-01-01T00:00:00.000000", NULL, NULL},
    {"-5", "1969-12-31T23:59:55.000000", NULL, NULL},
    {"1700000000123", "2023-11-14T22:13:20.123000", NULL, NULL},
    {"253402300799999", "9999-12-31T23:59:59.999000", NULL, NULL},
    {"253402300800000", NULL, "datetime_parsing",
     "dates after 9999 are not supported as unix timestamps"},
    {"-62135596800000", "0001-01-01T00:00:00.000000", NULL, NULL},
    {"-62135596800001", NULL, "datetime_parsing", "year 0 is out of range"},
    {"9223372036854775807", NULL, "datetime_parsing",
     "dates after 9999 are not supported as unix timestamps"},
    {"-9223372036854775807", NULL, "datetime_parsing",
     "dates before 0000 are not supported as unix timestamps"},
    {"1.5", "1970-01-01T00:00:01.500000", NULL, NULL},
    {"-1.25", "1969-12-31T23:59:58.250000", NULL, NULL},
    {"-1.5", "1969-12-31T23:59:58.500000", NULL, NULL},
    {"1700000000.0", "2023-11-14T22:13:20.000000", NULL, NULL},
    {"25000000000.0", "1970-10-17T08:26:40.000000", NULL, NULL},
    {"20000100000.0", "1970-08-20T11:35:00.000000", NULL, NULL},
    {"253402300799999.5", "9999-12-31T23:59:59.999500", NULL, NULL},
    {"-62135596800000.5", NULL, "datetime_parsing", "year 0 is out of range"},
    {"1e19", NULL, "datetime_parsing", "dates after 9999 are not supported as unix timestamps"},
    {"-1e19", NULL, "datetime_parsing", "dates before 0000 are not supported as unix timestamps"},
    {"1e300", NULL, "datetime_parsing", "dates after 9999 are not supported as unix timestamps"},
    {"null", NULL, "datetime_type", NULL},
    {"true", NULL, "datetime_type", NULL},
    {"false", NULL, "datetime_type", NULL},
    {"[]", NULL, "datetime_type", NULL},
    {"{}", NULL, "datetime_type", NULL},
};

static json_object *parse(const char *text)
{
    json_tokener *tok = json_tokener_new();
    json_object *v = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);

    if (json_tokener_get_error(tok) != json_tokener_success) {
        fail_msg("bad JSON in the test: %s", text);
    }
    json_tokener_free(tok);
    return to_json_own(pool, v);
}

static int same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static void test_datetime_vectors(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        to_datetime_t dt;
        const char *error = NULL;
        const char *type = to_datetime_read(parse(vectors[i].json), &dt, &error);
        const char *got = type ? NULL : to_datetime_text(pool, &dt);

        if (!same(type, vectors[i].type) || !same(error, vectors[i].error) ||
            !same(got, vectors[i].want)) {
            fail_msg(
                "%s: got %s / %s / %s, expected %s / %s / %s", vectors[i].json, got ? got : "-",
                type ? type : "-", error ? error : "-", vectors[i].want ? vectors[i].want : "-",
                vectors[i].type ? vectors[i].type : "-", vectors[i].error ? vectors[i].error : "-");
        }
    }
}

/* The 422 entry of the exchange (04-status-update, "Bad timestamp"). */
static void test_validate_datetime(void **state)
{
    to_verr_t e;
    to_datetime_t dt;
    json_object *loc;

    (void)state;
    to_verr_init(&e, pool);
    loc = to_loc_key(&e, to_loc(&e, "body"), "timestamp");
    assert_true(to_validate_datetime(&e, loc, parse("\"2030-01-02T10:00:00\""), &dt));
    assert_int_equal(to_verr_count(&e), 0);
    assert_false(to_validate_datetime(&e, loc, parse("\"yesterday\""), &dt));
    assert_false(to_validate_datetime(&e, loc, parse("null"), &dt));
    assert_false(to_validate_datetime(&e, loc, parse("\"0000-01-01\""), &dt));
    assert_string_equal(
        to_json_text(pool, e.list),
        "[{\"type\":\"datetime_from_date_parsing\",\"loc\":[\"body\",\"timestamp\"],"
        "\"msg\":\"Input should be a valid datetime or date, input is too short\","
        "\"input\":\"yesterday\",\"ctx\":{\"error\":\"input is too short\"}},"
        "{\"type\":\"datetime_type\",\"loc\":[\"body\",\"timestamp\"],"
        "\"msg\":\"Input should be a valid datetime\",\"input\":null},"
        "{\"type\":\"datetime_parsing\",\"loc\":[\"body\",\"timestamp\"],"
        "\"msg\":\"Input should be a valid datetime, year 0 is out of range\","
        "\"input\":\"0000-01-01\",\"ctx\":{\"error\":\"year 0 is out of range\"}}]");
}

static void test_datetime_text(void **state)
{
    to_datetime_t dt = {1, 2, 3, 4, 5, 6, 7, 0};

    (void)state;
    assert_string_equal(to_datetime_text(pool, &dt), "0001-02-03T04:05:06.000007");
}

/* The offset is kept apart; the UTC text applies it, across days, months
 * and years, and clamps to the years a datetime has. */
static void test_datetime_utc_text(void **state)
{
    static const struct {
        const char *json, *text, *utc;
        int offset;
    } cases[] = {
        {"\"2030-01-02T10:00:00\"", "2030-01-02T10:00:00.000000", "2030-01-02T10:00:00.000000", 0},
        {"\"2030-01-02T10:00:00Z\"", "2030-01-02T10:00:00.000000", "2030-01-02T10:00:00.000000", 0},
        {"\"2030-01-02T10:00:00.5+05:30\"", "2030-01-02T10:00:00.500000",
         "2030-01-02T04:30:00.500000", 330},
        {"\"2030-01-01T01:00:00+0200\"", "2030-01-01T01:00:00.000000", "2029-12-31T23:00:00.000000",
         120},
        {"\"2024-02-28T23:30:00-01:00\"", "2024-02-28T23:30:00.000000",
         "2024-02-29T00:30:00.000000", -60},
        {"\"2030-01-02T10:00:00\xe2\x88\x92"
         "01:00\"",
         "2030-01-02T10:00:00.000000", "2030-01-02T11:00:00.000000", -60},
        {"\"0001-01-01T00:00:00+01:00\"", "0001-01-01T00:00:00.000000",
         "0001-01-01T00:00:00.000000", 60},
        {"\"9999-12-31T23:59:59-01:00\"", "9999-12-31T23:59:59.000000",
         "9999-12-31T23:59:59.999999", -60},
        {"1700000000", "2023-11-14T22:13:20.000000", "2023-11-14T22:13:20.000000", 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        to_datetime_t dt;
        const char *error;

        if (to_datetime_read(parse(cases[i].json), &dt, &error)) {
            fail_msg("%s: %s", cases[i].json, error);
        }
        assert_int_equal(dt.offset_minutes, cases[i].offset);
        assert_string_equal(to_datetime_text(pool, &dt), cases[i].text);
        assert_string_equal(to_datetime_utc_text(pool, &dt), cases[i].utc);
    }
}

/* A string with a NUL inside is not a timestamp, whatever follows it. */
static void test_datetime_embedded_nul(void **state)
{
    to_datetime_t dt;
    const char *error;

    (void)state;
    assert_string_equal(to_datetime_read(parse("\"2030-01-02\\u0000\""), &dt, &error),
                        "datetime_from_date_parsing");
    assert_string_equal(error, "unexpected extra characters at the end of the input");
    assert_string_equal(to_datetime_read(parse("\"1\\u0000\""), &dt, &error),
                        "datetime_from_date_parsing");
    assert_string_equal(error, "input is too short");
}

#define EV(n, d)                                                                                   \
    {                                                                                              \
        n, d                                                                                       \
    }

static void test_summary(void **state)
{
    static const to_event_t testflinger[] = {
        EV("job_start", "https://testflinger.example.com/jobs/1"),
        EV("provision_start", ""),
        EV("test_start", ""),
        EV("job_end", "normal_exit"),
    };
    static const to_event_t started_late[] = {EV("setup", "x"), EV("job_start", "url")};
    static const to_event_t only_end[] = {EV("job_end", "")};
    static const to_event_t ended_early[] = {EV("job_end", "x"), EV("cleanup", "")};
    to_events_summary_t s;

    (void)state;
    to_events_summarise(testflinger, 4, &s);
    assert_true(s.ended);
    assert_string_equal(s.resource_url, "https://testflinger.example.com/jobs/1");

    to_events_summarise(testflinger, 3, &s);
    assert_false(s.ended);
    assert_string_equal(s.resource_url, "https://testflinger.example.com/jobs/1");

    /* only a leading job_start names the resource */
    to_events_summarise(started_late, 2, &s);
    assert_false(s.ended);
    assert_null(s.resource_url);

    to_events_summarise(only_end, 1, &s);
    assert_true(s.ended);
    assert_null(s.resource_url);

    /* only a final job_end ends the job */
    to_events_summarise(ended_early, 2, &s);
    assert_false(s.ended);

    /* an empty list says nothing */
    to_events_summarise(NULL, 0, &s);
    assert_false(s.ended);
    assert_null(s.resource_url);
}

static void test_status(void **state)
{
    to_events_summary_t ended = {1, NULL}, running = {0, "url"};

    (void)state;
    assert_string_equal(to_events_status(&ended, "IN_PROGRESS"), "ENDED_PREMATURELY");
    assert_string_equal(to_events_status(&ended, "NOT_STARTED"), "ENDED_PREMATURELY");
    assert_string_equal(to_events_status(&ended, "NOT_TESTED"), "ENDED_PREMATURELY");
    assert_string_equal(to_events_status(&ended, "ENDED_PREMATURELY"), "ENDED_PREMATURELY");
    assert_string_equal(to_events_status(&ended, "PASSED"), "PASSED");
    assert_string_equal(to_events_status(&ended, "FAILED"), "FAILED");
    assert_string_equal(to_events_status(&running, "IN_PROGRESS"), "IN_PROGRESS");
    assert_string_equal(to_events_status(&running, "NOT_STARTED"), "NOT_STARTED");
}

static int setup(void **state)
{
    (void)state;
    if (apr_initialize() != APR_SUCCESS || apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_datetime_vectors),
        cmocka_unit_test(test_validate_datetime),
        cmocka_unit_test(test_datetime_text),
        cmocka_unit_test(test_datetime_utc_text),
        cmocka_unit_test(test_datetime_embedded_nul),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_status),
    };

    return cmocka_run_group_tests_name("to_events", tests, setup, teardown);
}
