/* Unit tests of model/to_api_key.c: the shape of new API keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "model/to_api_key.h"

static apr_pool_t *pool;

static void test_shape(void **state)
{
    const char *key = NULL;
    size_t i;

    (void)state;
    assert_int_equal(to_api_key_new(pool, &key), APR_SUCCESS);
    assert_non_null(key);
    assert_int_equal(strlen(key), TO_API_KEY_LEN);
    assert_memory_equal(key, TO_API_KEY_PREFIX, 3);
    /* url-safe base64 without padding */
    for (i = 3; key[i]; i++) {
        assert_non_null(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", key[i]));
    }
}

static void test_keys_differ(void **state)
{
    const char *seen[64];
    int i, j;

    (void)state;
    for (i = 0; i < 64; i++) {
        assert_int_equal(to_api_key_new(pool, &seen[i]), APR_SUCCESS);
        for (j = 0; j < i; j++) {
            assert_string_not_equal(seen[i], seen[j]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape),
        cmocka_unit_test(test_keys_differ),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests_name("api_key", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
