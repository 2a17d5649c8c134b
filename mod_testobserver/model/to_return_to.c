/* The return_to check of the sign-in routes. */
#include <string.h>

#include <apr_strings.h>

#include "to_return_to.h"

/* Length of the scheme and "://" of an http(s) URL, or 0. */
static apr_size_t scheme_len(const char *url)
{
    if (!strncasecmp(url, "http://", 7)) {
        return 7;
    }
    if (!strncasecmp(url, "https://", 8)) {
        return 8;
    }
    return 0;
}

/* Whether url's origin (its first origin_len bytes) is origin. */
static int same_origin(const char *url, apr_size_t origin_len, const char *origin)
{
    apr_size_t n = strlen(origin);

    /* an origin written with a trailing slash names the same origin */
    if (n > 0 && origin[n - 1] == '/') {
        n--;
    }
    return n == origin_len && !strncasecmp(url, origin, n);
}

int to_return_to_allowed(const apr_array_header_t *origins, const char *url)
{
    apr_size_t start, end;
    const char *p;
    int i;

    if (!origins || !url || !(start = scheme_len(url))) {
        return 0;
    }
    for (p = url; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c <= 0x20 || c >= 0x7f || c == '\\') {
            return 0;
        }
    }
    end = start + strcspn(url + start, "/?#");
    if (end == start || memchr(url + start, '@', end - start)) {
        return 0;
    }
    for (i = 0; i < origins->nelts; i++) {
        const char *origin = APR_ARRAY_IDX(origins, i, const char *);

        if (origin && scheme_len(origin) && same_origin(url, end, origin)) {
            return 1;
        }
    }
    return 0;
}
