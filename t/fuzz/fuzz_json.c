/* libFuzzer target: JSON request bodies (to_json_parse, to_json_text) and
 * the compaction of PostgreSQL's JSON answers (to_json_compact).
 * Invariants: a parsed document serialises to JSON that parses back to the
 * same text; a failure's offset lies within the input; compaction never
 * grows the text, is idempotent, and keeps a valid document's value; what
 * parses is UTF-8 (RFC 3629: no overlong forms, surrogates or code points
 * past U+10FFFF), as Python's json module and PostgreSQL require. */
#include "fuzz_common.h"

#include "json/to_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *pool = to_fuzz_pool();
    to_json_parse_t res, again;
    const char *text = NULL;
    char *copy;
    apr_size_t n, m;

    if (to_json_parse(pool, (const char *)data, size, &res) == APR_SUCCESS) {
        text = to_json_text(pool, res.value);
        TO_FUZZ_ASSERT(to_fuzz_is_utf8(data, size));
        TO_FUZZ_ASSERT(to_fuzz_is_utf8((const uint8_t *)text, strlen(text)));
        TO_FUZZ_ASSERT(to_json_parse(pool, text, strlen(text), &again) == APR_SUCCESS);
        TO_FUZZ_ASSERT(!strcmp(to_json_text(pool, again.value), text));
    }
    else {
        TO_FUZZ_ASSERT(res.error != NULL);
        TO_FUZZ_ASSERT(res.offset >= 0 && (size_t)res.offset <= size);
    }

    copy = apr_pmemdup(pool, data, size ? size : 1);
    n = to_json_compact(copy, size);
    TO_FUZZ_ASSERT(n <= size);
    m = to_json_compact(copy, n);
    TO_FUZZ_ASSERT(m == n);
    if (text) {
        TO_FUZZ_ASSERT(to_json_parse(pool, copy, n, &again) == APR_SUCCESS);
        TO_FUZZ_ASSERT(!strcmp(to_json_text(pool, again.value), text));
    }
    apr_pool_destroy(pool);
    return 0;
}
