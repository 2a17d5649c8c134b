/* Parsers of directive values (pure): each returns NULL or an error text. */
#ifndef TO_CONFIG_PARSE_H
#define TO_CONFIG_PARSE_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

/* "On"/"Off" (any case), also true/false, yes/no, 1/0. */
const char *to_parse_flag(const char *arg, int *out);

/* A byte count with an optional K, M or G suffix; at least 1. */
const char *to_parse_size(const char *arg, apr_off_t *out);

/* Appends the permission names in arg (separated by commas or blanks) to
 * list; each must be one of upstream's permissions. */
const char *to_parse_permissions(apr_pool_t *pool, const char *arg, apr_array_header_t *list);

/* Appends origins (separated by commas or blanks): "*" or scheme://host[:port]
 * without a path. */
const char *to_parse_origins(apr_pool_t *pool, const char *arg, apr_array_header_t *list);

/* A duration: a whole number with an optional unit, ms, s, m, h or d
 * (seconds without one); at least 1 of its unit, at most ten years. */
const char *to_parse_duration(const char *arg, apr_interval_time_t *out);

/* A whole number from 1 to max. */
const char *to_parse_count(const char *arg, int max, int *out);

/* Whether origin is one of allowed ("*" allows every origin). */
int to_origin_allowed(const apr_array_header_t *allowed, const char *origin);

#endif
