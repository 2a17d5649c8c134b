/* Parsers of directive values. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "../model/to_enums.h"
#include "to_config_parse.h"

const char *to_parse_flag(const char *arg, int *out)
{
    static const char *const on[] = {"on", "true", "yes", "1", NULL};
    static const char *const off[] = {"off", "false", "no", "0", NULL};
    int i;

    for (i = 0; on[i]; i++) {
        if (!strcasecmp(arg, on[i])) {
            *out = 1;
            return NULL;
        }
        if (!strcasecmp(arg, off[i])) {
            *out = 0;
            return NULL;
        }
    }
    return "must be On or Off";
}

const char *to_parse_size(const char *arg, apr_off_t *out)
{
    static const char *const err = "must be a number of bytes, optionally with K, M or G";
    apr_int64_t n, unit = 1;
    char *end;

    if (!apr_isdigit(*arg)) {
        return err;
    }
    errno = 0;
    n = apr_strtoi64(arg, &end, 10);
    if (errno == ERANGE) {
        return err;
    }
    switch (apr_tolower(*end)) {
    case 'k':
        unit = 1024;
        end++;
        break;
    case 'm':
        unit = APR_INT64_C(1024) * 1024;
        end++;
        break;
    case 'g':
        unit = APR_INT64_C(1024) * 1024 * 1024;
        end++;
        break;
    default:
        break;
    }
    if (*end != '\0' || n < 1 || n > APR_INT64_MAX / unit) {
        return err;
    }
    *out = (apr_off_t)(n * unit);
    return NULL;
}

/* Splits arg on commas and blanks, calling check on each word. */
static const char *each_word(apr_pool_t *pool, const char *arg, apr_array_header_t *list,
                             const char *(*check)(apr_pool_t *, const char *))
{
    char *copy = apr_pstrdup(pool, arg), *state, *word;
    const char *err;

    for (word = apr_strtok(copy, ", \t", &state); word; word = apr_strtok(NULL, ", \t", &state)) {
        if ((err = check(pool, word)) != NULL) {
            return err;
        }
        APR_ARRAY_PUSH(list, const char *) = word;
    }
    return NULL;
}

static const char *check_permission(apr_pool_t *pool, const char *word)
{
    char *lower = apr_pstrdup(pool, word), *p;

    for (p = lower; *p; p++) {
        *p = (char)apr_tolower(*p);
    }
    if (to_enum_index(to_permissions, lower) < 0) {
        return apr_psprintf(pool, "unknown permission '%s'", word);
    }
    return NULL;
}

const char *to_parse_permissions(apr_pool_t *pool, const char *arg, apr_array_header_t *list)
{
    const char *err = each_word(pool, arg, list, check_permission);
    int i;

    /* upstream lower-cases IGNORE_PERMISSIONS */
    for (i = 0; !err && i < list->nelts; i++) {
        char *p = apr_pstrdup(pool, APR_ARRAY_IDX(list, i, const char *)), *q;
        for (q = p; *q; q++) {
            *q = (char)apr_tolower(*q);
        }
        APR_ARRAY_IDX(list, i, const char *) = p;
    }
    return err;
}

static const char *check_origin(apr_pool_t *pool, const char *word)
{
    const char *host;

    if (!strcmp(word, "*")) {
        return NULL;
    }
    if (strncmp(word, "http://", 7) && strncmp(word, "https://", 8)) {
        return apr_psprintf(pool, "origin '%s' must start with http:// or https://", word);
    }
    host = strstr(word, "://") + 3;
    if (*host == '\0' || strchr(host, '/')) {
        return apr_psprintf(pool, "origin '%s' must be scheme://host[:port] without a path", word);
    }
    return NULL;
}

const char *to_parse_origins(apr_pool_t *pool, const char *arg, apr_array_header_t *list)
{
    return each_word(pool, arg, list, check_origin);
}

int to_origin_allowed(const apr_array_header_t *allowed, const char *origin)
{
    int i;

    if (!origin || !allowed) {
        return 0;
    }
    for (i = 0; i < allowed->nelts; i++) {
        const char *a = APR_ARRAY_IDX(allowed, i, const char *);
        if (!strcmp(a, "*") || !strcmp(a, origin)) {
            return 1;
        }
    }
    return 0;
}

const char *to_parse_duration(const char *arg, apr_interval_time_t *out)
{
    static const char *const err = "must be a whole number with ms, s, m, h or d (seconds if none)";
    static const struct {
        const char *suffix;
        apr_int64_t usec;
    } units[] = {{"", APR_USEC_PER_SEC},         {"ms", 1000},
                 {"s", APR_USEC_PER_SEC},        {"m", 60 * APR_USEC_PER_SEC},
                 {"h", 3600 * APR_USEC_PER_SEC}, {"d", 86400 * APR_USEC_PER_SEC}};
    apr_int64_t n;
    char *end;
    size_t i;

    if (!apr_isdigit(*arg)) {
        return err;
    }
    errno = 0;
    n = apr_strtoi64(arg, &end, 10);
    if (errno == ERANGE) {
        return err;
    }
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (!strcasecmp(end, units[i].suffix)) {
            /* at most ten years, whatever the unit */
            if (n < 1 || n > APR_INT64_C(315360000) * APR_USEC_PER_SEC / units[i].usec) {
                return err;
            }
            *out = (apr_interval_time_t)(n * units[i].usec);
            return NULL;
        }
    }
    return err;
}

const char *to_parse_count(const char *arg, int max, int *out)
{
    apr_int64_t n;
    char *end;

    static const char *const err = "must be a whole number, at least 1 and within its limit";

    if (!apr_isdigit(*arg)) {
        return err;
    }
    errno = 0;
    n = apr_strtoi64(arg, &end, 10);
    if (errno == ERANGE || *end || n < 1 || n > max) {
        return err;
    }
    *out = (int)n;
    return NULL;
}
