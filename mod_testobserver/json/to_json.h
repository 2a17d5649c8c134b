/* JSON helpers bound to APR pools (pure: APR and json-c only). */
#ifndef TO_JSON_H
#define TO_JSON_H

#include <apr_pools.h>
#include <json-c/json.h>

/* Nesting deeper than this is refused as malformed input. */
#define TO_JSON_MAX_DEPTH 64

/* Ties the object's lifetime to the pool: the pool's cleanup releases it.
 * Returns obj for chaining. NULL is passed through. */
json_object *to_json_own(apr_pool_t *pool, json_object *obj);

/* Serialises compactly (no spaces, no escaped slashes) into pool memory. */
const char *to_json_text(apr_pool_t *pool, json_object *obj);

typedef struct {
    json_object *value; /* owned by the pool on success */
    long offset;        /* on failure: where parsing stopped */
    const char *error;  /* on failure: Python-style description */
} to_json_parse_t;

/* Parses len bytes as one JSON document (UTF-8 checked, depth limited).
 * Returns APR_SUCCESS or APR_EINVAL with res->offset and res->error set. */
apr_status_t to_json_parse(apr_pool_t *pool, const char *buf, apr_size_t len, to_json_parse_t *res);

/* Removes insignificant white space from JSON text produced by PostgreSQL
 * (json_build_object writes " : " and ", ") so answers are compact, in place.
 * Returns the new length. */
apr_size_t to_json_compact(char *text, apr_size_t len);

/* Builders that never return NULL for a non-NULL input. */
json_object *to_json_str(const char *s);
json_object *to_json_strn(const char *s, apr_size_t len);

/* Looks up key in an object; NULL when obj is not an object or key absent.
 * *present tells an explicit null from an absent key when not NULL. */
json_object *to_json_get(json_object *obj, const char *key, int *present);

#endif
