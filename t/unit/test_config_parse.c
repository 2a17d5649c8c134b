/* Unit tests of config/to_config_parse.c: the pure parsers behind the
 * directives (flags, sizes, permission lists, CORS origins). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "config/to_config_parse.h"

static apr_pool_t *pool;

#define SIZE_ERR "must be a number of bytes, optionally with K, M or G"

static const char *joined(const apr_array_header_t *list)
{
    const char *s = "";
    int i;

    for (i = 0; i < list->nelts; i++) {
        s = apr_pstrcat(pool, s, i ? " " : "", APR_ARRAY_IDX(list, i, const char *), NULL);
    }
    return s;
}

/* err is NULL and want is NULL, or err equals want. */
static int same_error(const char *err, const char *want)
{
    return err == want || (err && want && !strcmp(err, want));
}

static void test_parse_flag(void **state)
{
    static const struct {
        const char *arg;
        int value; /* -1: refused */
    } cases[] = {
        {"On", 1},  {"on", 1},   {"ON", 1},   {"true", 1},  {"TRUE", 1},     {"yes", 1}, {"1", 1},
        {"Off", 0}, {"off", 0},  {"OFF", 0},  {"false", 0}, {"No", 0},       {"0", 0},   {"", -1},
        {"2", -1},  {"onn", -1}, {" on", -1}, {"on ", -1},  {"enabled", -1}, {"y", -1},  {"-1", -1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int out = 42;
        const char *err = to_parse_flag(cases[i].arg, &out);

        if (cases[i].value < 0) {
            if (!same_error(err, "must be On or Off") || out != 42) {
                fail_msg("row %d \"%s\": expected refusal, got err %s out %d", (int)i, cases[i].arg,
                         err ? err : "(none)", out);
            }
        }
        else if (err || out != cases[i].value) {
            fail_msg("row %d \"%s\": expected %d, got err %s out %d", (int)i, cases[i].arg,
                     cases[i].value, err ? err : "(none)", out);
        }
    }
}

static void test_parse_size(void **state)
{
    static const struct {
        const char *arg;
        apr_off_t value; /* 0: refused */
    } cases[] = {
        {"1", 1},
        {"1024", 1024},
        {"1k", 1024},
        {"1K", 1024},
        {"10M", 10485760},
        {"10m", 10485760},
        {"2G", APR_INT64_C(2147483648)},
        {"3g", APR_INT64_C(3221225472)},
        {"0010", 10},
        {"9223372036854775807", APR_INT64_C(9223372036854775807)},
        {"8589934591G", APR_INT64_C(9223372035781033984)}, /* largest G that fits */
        {"", 0},
        {"0", 0},
        {"0K", 0},
        {"-1", 0},
        {"+1", 0},
        {" 1", 0},
        {"1 ", 0},
        {"1 K", 0},
        {"1KB", 0},
        {"1T", 0},
        {"K", 0},
        {"1.5M", 0},
        {"abc", 0},
        {"0x10", 0},
        /* out of range: refused, never wrapped or clamped */
        {"9223372036854775808", 0},
        {"99999999999999999999", 0},
        {"9007199254740992K", 0},
        {"18014398509481985K", 0}, /* wraps to 1024 */
        {"17179869185G", 0},       /* wraps to 1G */
        {"8589934592G", 0},
    };
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        apr_off_t out = -42;
        const char *err = to_parse_size(cases[i].arg, &out);

        if (cases[i].value == 0) {
            if (!same_error(err, SIZE_ERR) || out != -42) {
                print_error("row %d \"%s\": expected refusal, got err %s out %" APR_OFF_T_FMT "\n",
                            (int)i, cases[i].arg, err ? err : "(none)", out);
                bad++;
            }
        }
        else if (err || out != cases[i].value) {
            print_error("row %d \"%s\": expected %" APR_OFF_T_FMT ", got err %s out %" APR_OFF_T_FMT
                        "\n",
                        (int)i, cases[i].arg, cases[i].value, err ? err : "(none)", out);
            bad++;
        }
    }
    if (bad) {
        fail_msg("%d size rows failed", bad);
    }
}

static void test_parse_permissions(void **state)
{
    static const struct {
        const char *arg;
        const char *list; /* the list after parsing */
        const char *err;
    } cases[] = {
        {"view_test", "view_test", NULL},
        {"view_test,change_test", "view_test change_test", NULL},
        {"view_test change_test", "view_test change_test", NULL},
        {"view_test, change_test\tview_user", "view_test change_test view_user", NULL},
        {",,view_test,, ,", "view_test", NULL},
        {"VIEW_Test,Change_Rerun", "view_test change_rerun", NULL}, /* lower-cased */
        {"", "", NULL},
        {"view_tests", "", "unknown permission 'view_tests'"},
        {"view_test,bogus", "view_test", "unknown permission 'bogus'"},
        {"View_Tests", "", "unknown permission 'View_Tests'"},
        {"view-test", "", "unknown permission 'view-test'"},
        {"view_test;change_test", "", "unknown permission 'view_test;change_test'"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        apr_array_header_t *list = apr_array_make(pool, 2, sizeof(const char *));
        const char *err = to_parse_permissions(pool, cases[i].arg, list);

        if (!same_error(err, cases[i].err)) {
            fail_msg("row %d \"%s\": got error %s, expected %s", (int)i, cases[i].arg,
                     err ? err : "(none)", cases[i].err ? cases[i].err : "(none)");
        }
        if (strcmp(joined(list), cases[i].list)) {
            fail_msg("row %d \"%s\": got list [%s], expected [%s]", (int)i, cases[i].arg,
                     joined(list), cases[i].list);
        }
    }
}

static void test_parse_permissions_appends(void **state)
{
    apr_array_header_t *list = apr_array_make(pool, 1, sizeof(const char *));

    (void)state;
    assert_null(to_parse_permissions(pool, "view_test", list));
    assert_null(to_parse_permissions(pool, "CHANGE_TEST", list));
    assert_string_equal(joined(list), "view_test change_test");
}

static void test_parse_origins(void **state)
{
    static const struct {
        const char *arg;
        const char *list;
        const char *err;
    } cases[] = {
        {"*", "*", NULL},
        {"http://localhost:3000", "http://localhost:3000", NULL},
        {"https://example.com", "https://example.com", NULL},
        {"https://a.example.com,http://b.example.com:8080",
         "https://a.example.com http://b.example.com:8080", NULL},
        {"https://a.example.com  http://127.0.0.1:30000\t*",
         "https://a.example.com http://127.0.0.1:30000 *", NULL},
        {"", "", NULL},
        {"https://example.com/", "",
         "origin 'https://example.com/' must be scheme://host[:port] "
         "without a path"},
        {"https://example.com/app", "",
         "origin 'https://example.com/app' must be scheme://host[:port] without a path"},
        {"http://", "", "origin 'http://' must be scheme://host[:port] without a path"},
        {"ftp://example.com", "", "origin 'ftp://example.com' must start with http:// or https://"},
        {"example.com", "", "origin 'example.com' must start with http:// or https://"},
        {"//example.com", "", "origin '//example.com' must start with http:// or https://"},
        {"ws://example.com", "", "origin 'ws://example.com' must start with http:// or https://"},
        {"https://ok.example.com,file:///etc", "https://ok.example.com",
         "origin 'file:///etc' must start with http:// or https://"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        apr_array_header_t *list = apr_array_make(pool, 2, sizeof(const char *));
        const char *err = to_parse_origins(pool, cases[i].arg, list);

        if (!same_error(err, cases[i].err)) {
            fail_msg("row %d \"%s\": got error %s, expected %s", (int)i, cases[i].arg,
                     err ? err : "(none)", cases[i].err ? cases[i].err : "(none)");
        }
        if (strcmp(joined(list), cases[i].list)) {
            fail_msg("row %d \"%s\": got list [%s], expected [%s]", (int)i, cases[i].arg,
                     joined(list), cases[i].list);
        }
    }
}

static apr_array_header_t *origins(const char *arg)
{
    apr_array_header_t *list = apr_array_make(pool, 2, sizeof(const char *));

    assert_null(to_parse_origins(pool, arg, list));
    return list;
}

static void test_origin_allowed(void **state)
{
    apr_array_header_t *some = origins("https://a.example.com http://localhost:3000");
    apr_array_header_t *any = origins("*");
    apr_array_header_t *none = origins("");

    (void)state;
    assert_true(to_origin_allowed(some, "https://a.example.com"));
    assert_true(to_origin_allowed(some, "http://localhost:3000"));
    assert_false(to_origin_allowed(some, "http://a.example.com"));
    assert_false(to_origin_allowed(some, "https://a.example.com:443"));
    assert_false(to_origin_allowed(some, "https://A.example.com"));
    assert_false(to_origin_allowed(some, "https://a.example.com/"));
    assert_false(to_origin_allowed(some, "http://localhost"));
    assert_false(to_origin_allowed(some, ""));
    assert_false(to_origin_allowed(some, NULL));

    assert_true(to_origin_allowed(any, "https://anything.example"));
    assert_true(to_origin_allowed(any, "null"));
    assert_false(to_origin_allowed(any, NULL));

    assert_false(to_origin_allowed(none, "https://a.example.com"));
    assert_false(to_origin_allowed(NULL, "https://a.example.com"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_flag),        cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_parse_permissions), cmocka_unit_test(test_parse_permissions_appends),
        cmocka_unit_test(test_parse_origins),     cmocka_unit_test(test_origin_allowed),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests_name("config_parse", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
