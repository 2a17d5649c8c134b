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

/* Releases an owned object before its pool ends (a large request body once
 * it has been read). References taken elsewhere keep their part alive. */
void to_json_release(apr_pool_t *pool, json_object *obj);

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

/* Whether s[0..n) is UTF-8 that Python's strict decoder accepts (no
 * overlong forms, surrogates or code points past U+10FFFF). */
int to_utf8_valid(const char *s, apr_size_t n);

/* s with every invalid UTF-8 sequence replaced by U+FFFD as Python's
 * decode(errors="replace") does; s itself when it is valid. The n form
 * reads n bytes (NULs included) and returns a NUL-terminated copy in pool
 * memory, its length in *out_len when not NULL. */
const char *to_utf8_fix(apr_pool_t *pool, const char *s);
const char *to_utf8_fixn(apr_pool_t *pool, const char *s, apr_size_t n, apr_size_t *out_len);

/* A string object of len bytes from outside (a body that is not JSON, a
 * path value): invalid UTF-8 becomes U+FFFD, so echoing it in an answer
 * keeps the answer JSON. */
json_object *to_json_outside_str(apr_pool_t *pool, const char *s, apr_size_t len);

/* Builders that never return NULL for a non-NULL input. */
json_object *to_json_str(const char *s);
json_object *to_json_strn(const char *s, apr_size_t len);

/* Looks up key in an object; NULL when obj is not an object or key absent.
 * *present tells an explicit null from an absent key when not NULL. */
json_object *to_json_get(json_object *obj, const char *key, int *present);

/* JSON text built piece by piece in pool memory, for long lists that a
 * json-c tree would hold several times over. data is NUL-terminated. */
typedef struct {
    apr_pool_t *pool;
    char *data;
    apr_size_t len, cap;
} to_jbuf_t;

void to_jbuf_init(to_jbuf_t *b, apr_pool_t *pool, apr_size_t size_hint);
void to_jbuf_add(to_jbuf_t *b, const char *s, apr_size_t n);
#define to_jbuf_lit(b, lit) to_jbuf_add((b), "" lit, sizeof(lit) - 1)
/* Appends s[0..n) (UTF-8) as a JSON string literal. */
void to_jbuf_str(to_jbuf_t *b, const char *s, apr_size_t n);

#endif
