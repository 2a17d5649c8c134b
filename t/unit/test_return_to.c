/* Unit tests of model/to_return_to.c: where sign-in may send the browser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "model/to_return_to.h"

static apr_pool_t *pool;

static apr_array_header_t *origins(const char *a, const char *b)
{
    apr_array_header_t *list = apr_array_make(pool, 2, sizeof(const char *));

    APR_ARRAY_PUSH(list, const char *) = a;
    if (b) {
        APR_ARRAY_PUSH(list, const char *) = b;
    }
    return list;
}

static void test_front_end_pages_pass(void **state)
{
    apr_array_header_t *o = origins("http://localhost:30001", "https://to.example.com");

    (void)state;
    assert_true(to_return_to_allowed(o, "http://localhost:30001"));
    assert_true(to_return_to_allowed(o, "http://localhost:30001/"));
    assert_true(to_return_to_allowed(o, "http://localhost:30001/snaps?x=1#top"));
    assert_true(to_return_to_allowed(o, "https://to.example.com/debs/12"));
    assert_true(to_return_to_allowed(o, "HTTPS://TO.example.com?q"));
    assert_true(
        to_return_to_allowed(origins("https://to.example.com/", NULL), "https://to.example.com/x"));
}

static void test_other_places_fail(void **state)
{
    apr_array_header_t *o = origins("http://localhost:30001", "https://to.example.com");
    static const char *const bad[] = {
        "https://evil.example.com/",
        "http://localhost:30002/",
        "http://localhost/",
        "https://localhost:30001/",        /* another scheme is another origin */
        "http://to.example.com/",          /* likewise */
        "https://to.example.com.evil.io/", /* a longer host */
        "https://to.example.com:443/",     /* written differently: refused, not guessed */
        "http://localhost:30001@evil.example.com/",
        "https://user@to.example.com/",
        "http://localhost:30001\\@evil.example.com/",
        "https://to.example.com/\r\nSet-Cookie: x=1",
        "https://to.example.com/ x",
        "https://to.example.com/\xc3\xa9",
        "//to.example.com/",
        "/snaps",
        "javascript:alert(1)",
        "https://",
        "https:///to.example.com",
        "",
    };
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (to_return_to_allowed(o, bad[i])) {
            fail_msg("allowed: %s", bad[i]);
        }
    }
    assert_false(to_return_to_allowed(o, NULL));
    assert_false(to_return_to_allowed(NULL, "http://localhost:30001/"));
}

static void test_wildcard_opens_no_redirect(void **state)
{
    (void)state;
    assert_false(to_return_to_allowed(origins("*", NULL), "https://evil.example.com/"));
    assert_true(
        to_return_to_allowed(origins("*", "https://to.example.com"), "https://to.example.com/"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_front_end_pages_pass),
        cmocka_unit_test(test_other_places_fail),
        cmocka_unit_test(test_wildcard_opens_no_redirect),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
