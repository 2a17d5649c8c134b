/* libFuzzer target: the scalar parsers of request validation, on any text
 * (a path parameter, a query value, a JSON string): to_parse_int32,
 * to_check_http_url and to_normal_http_url, to_choices_text.
 * Invariants: a parsed integer printed and parsed again is the same; a
 * valid URL's normal form is valid and normal; an invalid URL is left as it
 * is; every failure has an error type and message. */
#include "fuzz_common.h"

#include "model/to_validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *pool = to_fuzz_pool();
    char *s = to_fuzz_cstr(pool, data, size);
    const char *type = NULL, *msg, *normal;
    int n = 0, again = 0;

    if (to_parse_int32(s, &n, &type)) {
        TO_FUZZ_ASSERT(to_parse_int32(apr_itoa(pool, n), &again, &type) && again == n);
    }
    else {
        TO_FUZZ_ASSERT(type != NULL);
    }

    type = NULL;
    msg = to_check_http_url(s, &type);
    normal = to_normal_http_url(pool, s);
    if (msg) {
        TO_FUZZ_ASSERT(type != NULL);
        TO_FUZZ_ASSERT(normal == s);
    }
    else {
        TO_FUZZ_ASSERT(to_check_http_url(normal, &type) == NULL);
        TO_FUZZ_ASSERT(!strcmp(to_normal_http_url(pool, normal), normal));
    }
    apr_pool_destroy(pool);
    return 0;
}
