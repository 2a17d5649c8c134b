/* libFuzzer target: the parsers of directive values (config/to_config_parse.c)
 * on any argument text, and the CORS origin check on any Origin header.
 * Invariants: a size is at least 1; a flag is 0 or 1; an accepted list
 * holds only non-empty words. */
#include "fuzz_common.h"

#include <apr_tables.h>

#include "config/to_config_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *pool = to_fuzz_pool();
    char *s = to_fuzz_cstr(pool, data, size);
    apr_array_header_t *perms = apr_array_make(pool, 4, sizeof(const char *));
    apr_array_header_t *origins = apr_array_make(pool, 4, sizeof(const char *));
    apr_off_t bytes = 0;
    int flag = -1, i;

    if (!to_parse_flag(s, &flag)) {
        TO_FUZZ_ASSERT(flag == 0 || flag == 1);
    }
    if (!to_parse_size(s, &bytes)) {
        TO_FUZZ_ASSERT(bytes >= 1);
    }
    if (!to_parse_permissions(pool, s, perms)) {
        for (i = 0; i < perms->nelts; i++) {
            TO_FUZZ_ASSERT(*APR_ARRAY_IDX(perms, i, const char *) != '\0');
        }
    }
    if (!to_parse_origins(pool, s, origins)) {
        for (i = 0; i < origins->nelts; i++) {
            TO_FUZZ_ASSERT(*APR_ARRAY_IDX(origins, i, const char *) != '\0');
        }
        (void)to_origin_allowed(origins, s);
        (void)to_origin_allowed(origins, "https://test-observer.example.com");
    }
    (void)to_origin_allowed(NULL, s);
    apr_pool_destroy(pool);
    return 0;
}
