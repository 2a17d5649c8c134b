/* Unit tests of model/to_session.c: session cookies as upstream signs them.
 * The expected values were made with itsdangerous' TimestampSigner (the
 * signer of Starlette's SessionMiddleware) at a fixed time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "model/to_session.h"

static apr_pool_t *pool;

#define NOW ((apr_int64_t)1764489600)
#define COOKIE_5 "eyJpZCI6IDV9.aSv5gA.j-2ILFMOy0ccwZYjmZqOErDYnXs"
#define LONG_SECRET                                                                                \
    "a much longer secret that is longer than sixty-four bytes of key material, surely"
#define COOKIE_123456 "eyJpZCI6IDEyMzQ1Nn0=.aSv5gA.IxFQuEce1L0PJdSPQKeZx0SvhDU"

static void test_hmac_sha1_rfc_vector(void **state)
{
    static const char msg[] = "The quick brown fox jumps over the lazy dog";
    static const unsigned char want[20] = {0xde, 0x7c, 0x9b, 0x85, 0xb8, 0xb7, 0x8a,
                                           0xa6, 0xbc, 0x8a, 0x7a, 0x36, 0xf7, 0x0a,
                                           0x90, 0x70, 0x1c, 0x9d, 0xb4, 0xd9};
    unsigned char mac[20];

    (void)state;
    to_hmac_sha1((const unsigned char *)"key", 3, (const unsigned char *)msg, strlen(msg), mac);
    assert_memory_equal(mac, want, 20);
}

static void test_make_matches_upstream(void **state)
{
    (void)state;
    assert_string_equal(to_session_cookie_make(pool, "secret", 5, NOW), COOKIE_5);
    assert_string_equal(to_session_cookie_make(pool, LONG_SECRET, 123456, NOW), COOKIE_123456);
}

static void test_read_upstream_cookie(void **state)
{
    apr_int64_t id = 0;

    (void)state;
    assert_true(
        to_session_cookie_read(pool, "secret", COOKIE_5, NOW + 10, TO_SESSION_MAX_AGE, &id));
    assert_int_equal(id, 5);
    assert_true(
        to_session_cookie_read(pool, LONG_SECRET, COOKIE_123456, NOW, TO_SESSION_MAX_AGE, &id));
    assert_int_equal(id, 123456);
}

static void test_read_refuses(void **state)
{
    apr_int64_t id = 0;
    char *bad;

    (void)state;
    /* wrong secret, expired, from the future */
    assert_false(to_session_cookie_read(pool, "other", COOKIE_5, NOW, TO_SESSION_MAX_AGE, &id));
    assert_false(to_session_cookie_read(pool, "secret", COOKIE_5, NOW + TO_SESSION_MAX_AGE + 1,
                                        TO_SESSION_MAX_AGE, &id));
    assert_true(to_session_cookie_read(pool, "secret", COOKIE_5, NOW + TO_SESSION_MAX_AGE,
                                       TO_SESSION_MAX_AGE, &id));
    assert_false(
        to_session_cookie_read(pool, "secret", COOKIE_5, NOW - 1, TO_SESSION_MAX_AGE, &id));
    /* a changed payload, timestamp or signature */
    bad = apr_pstrdup(pool, COOKIE_5);
    bad[3] = 'Z';
    assert_false(to_session_cookie_read(pool, "secret", bad, NOW, TO_SESSION_MAX_AGE, &id));
    bad = apr_pstrdup(pool, COOKIE_5);
    bad[14] = 'x';
    assert_false(to_session_cookie_read(pool, "secret", bad, NOW, TO_SESSION_MAX_AGE, &id));
    bad = apr_pstrdup(pool, COOKIE_5);
    bad[strlen(bad) - 1] = 'Y';
    assert_false(to_session_cookie_read(pool, "secret", bad, NOW, TO_SESSION_MAX_AGE, &id));
    /* shapes */
    assert_false(to_session_cookie_read(pool, "secret", "", NOW, TO_SESSION_MAX_AGE, &id));
    assert_false(to_session_cookie_read(pool, "secret", ".", NOW, TO_SESSION_MAX_AGE, &id));
    assert_false(to_session_cookie_read(pool, "secret", "..", NOW, TO_SESSION_MAX_AGE, &id));
    assert_false(to_session_cookie_read(pool, "secret", "null", NOW, TO_SESSION_MAX_AGE, &id));
    assert_false(to_session_cookie_read(pool, "", COOKIE_5, NOW, TO_SESSION_MAX_AGE, &id));
    assert_false(to_session_cookie_read(pool, NULL, COOKIE_5, NOW, TO_SESSION_MAX_AGE, &id));
}

static void test_read_refuses_signed_nonsense(void **state)
{
    /* correctly signed, but not {"id": positive int32} */
    static const char *const payloads[] = {"{}",          "[]",           "{\"id\": \"5\"}",
                                           "{\"id\": 0}", "{\"id\": -3}", "{\"id\": 99999999999}",
                                           "not json",    "{\"id\": 5.5}"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
        apr_int64_t id = 0;
        const char *value = to_session_cookie_sign(pool, "secret", payloads[i], NOW);
        assert_false(to_session_cookie_read(pool, "secret", value, NOW, TO_SESSION_MAX_AGE, &id));
    }
    /* and the same route accepts a good one */
    {
        apr_int64_t id = 0;
        const char *value = to_session_cookie_sign(pool, "secret", "{\"id\": 42, \"x\": 1}", NOW);
        assert_true(to_session_cookie_read(pool, "secret", value, NOW, TO_SESSION_MAX_AGE, &id));
        assert_int_equal(id, 42);
    }
}

static void test_round_trip(void **state)
{
    apr_int64_t ids[] = {1, 2, 255, 256, 65535, 2147483647};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        apr_int64_t id = 0;
        const char *c = to_session_cookie_make(pool, "s3cr3t", ids[i], NOW + (apr_int64_t)i);
        assert_true(to_session_cookie_read(pool, "s3cr3t", c, NOW + 100, TO_SESSION_MAX_AGE, &id));
        assert_int_equal(id, ids[i]);
    }
}

static void test_cookie_find(void **state)
{
    (void)state;
    assert_string_equal(to_cookie_find(pool, "session=abc.def", "session"), "abc.def");
    assert_string_equal(to_cookie_find(pool, "a=1; session=x=y.z ;b=2", "session"), "x=y.z");
    assert_string_equal(to_cookie_find(pool, "mysession=1; session=\"q\"", "session"), "q");
    assert_null(to_cookie_find(pool, "sessions=1; xsession=2", "session"));
    assert_null(to_cookie_find(pool, "", "session"));
    assert_null(to_cookie_find(pool, ";;;", "session"));
    assert_string_equal(to_cookie_find(pool, "session=", "session"), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_sha1_rfc_vector),
        cmocka_unit_test(test_make_matches_upstream),
        cmocka_unit_test(test_read_upstream_cookie),
        cmocka_unit_test(test_read_refuses),
        cmocka_unit_test(test_read_refuses_signed_nonsense),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_cookie_find),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests_name("session", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
