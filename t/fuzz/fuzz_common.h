/* What every libFuzzer target of the pure core shares: APR set up once, a
 * pool per input (destroyed after it, so json-c objects owned by it are
 * released and leaks show), and a NUL-terminated copy of the input. */
#ifndef TO_FUZZ_COMMON_H
#define TO_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

static apr_pool_t *to_fuzz_root;

/* TO_FUZZ_KNOWN=1 (fuzz-regress, over t/fuzz/known/): check the cases of
 * known defects too, which fuzzing leaves out so they do not hide new
 * findings. */
static int to_fuzz_known;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    to_fuzz_known = getenv("TO_FUZZ_KNOWN") && !strcmp(getenv("TO_FUZZ_KNOWN"), "1");
    if (apr_initialize() != APR_SUCCESS || apr_pool_create(&to_fuzz_root, NULL) != APR_SUCCESS) {
        abort();
    }
    return 0;
}

static inline apr_pool_t *to_fuzz_pool(void)
{
    apr_pool_t *pool;

    if (apr_pool_create(&pool, to_fuzz_root) != APR_SUCCESS) {
        abort();
    }
    return pool;
}

/* The input as a C string (it may hold NUL bytes: C code reading it as a
 * string stops at the first, as the module's does). */
static inline char *to_fuzz_cstr(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    return apr_pstrmemdup(pool, (const char *)data, size);
}

/* RFC 3629 UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF */
static inline int to_fuzz_is_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0, k, len;
    uint32_t c;

    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if (s[i] >= 0xC2 && s[i] <= 0xDF) {
            len = 2, c = s[i] & 0x1F;
        }
        else if (s[i] >= 0xE0 && s[i] <= 0xEF) {
            len = 3, c = s[i] & 0x0F;
        }
        else if (s[i] >= 0xF0 && s[i] <= 0xF4) {
            len = 4, c = s[i] & 0x07;
        }
        else {
            return 0;
        }
        if (i + len > n) {
            return 0;
        }
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return 0;
            }
            c = (c << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10FFFF ||
            (c >= 0xD800 && c <= 0xDFFF)) {
            return 0;
        }
        i += len;
    }
    return 1;
}

/* An invariant of the code under test failed: a finding, as a crash is. */
#define TO_FUZZ_ASSERT(cond)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
