/* Request validation with FastAPI/pydantic-shaped errors (pure). */
#ifndef TO_VALIDATE_H
#define TO_VALIDATE_H

#include <apr_pools.h>
#include <json-c/json.h>

/* The list of validation errors of one request: FastAPI answers them all
 * at once as 422 {"detail": [...]}. */
typedef struct {
    apr_pool_t *pool;
    json_object *list; /* array, owned by pool */
} to_verr_t;

void to_verr_init(to_verr_t *e, apr_pool_t *pool);
int to_verr_count(const to_verr_t *e);

/* Adds one error. loc and input are borrowed (references are taken);
 * ctx is taken and may be NULL. */
void to_verr_add(to_verr_t *e, const char *type, json_object *loc, const char *msg,
                 json_object *input, json_object *ctx);

/* "value_error" as pydantic words a custom validator's refusal. */
void to_verr_value_error(to_verr_t *e, json_object *loc, const char *msg, json_object *input);

/* Locations: loc arrays are owned by e->pool; extending copies. */
json_object *to_loc(to_verr_t *e, const char *first);
json_object *to_loc_key(to_verr_t *e, json_object *base, const char *key);
json_object *to_loc_index(to_verr_t *e, json_object *base, int index);
/* base + [index] as a new reference the caller releases (json_object_put),
 * for the many locations of a long list that are mostly not needed. */
json_object *to_loc_index_ref(json_object *base, int index);

/* Number of elements of a static array. */
#define TO_NELTS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Field types of request models. */
typedef enum {
    TO_T_STR,    /* string, optional max_len */
    TO_T_INT,    /* 32-bit integer (lax: numeric strings accepted) */
    TO_T_BOOL,   /* boolean (lax: "true", 1, ...) */
    TO_T_ENUM,   /* one of choices */
    TO_T_URL,    /* http(s) URL, as pydantic's HttpUrl */
    TO_T_LIST,   /* array; items checked by the caller */
    TO_T_OBJECT, /* object; fields checked by the caller */
    TO_T_ANY
} to_type_t;

#define TO_REQUIRED 0x1 /* absent -> "missing" */
#define TO_NULLABLE 0x2 /* null accepted as "not given" */

typedef struct {
    const char *name;
    to_type_t type;
    unsigned flags;
    int max_len;                /* TO_T_STR: 0 = unbounded */
    const char *const *choices; /* TO_T_ENUM: NULL-terminated */
} to_field_t;

/* Validated values of one object: values[i] belongs to fields[i]; NULL when
 * absent or null. Values are borrowed from the request body. */
typedef struct {
    const to_field_t *fields;
    int nfields;
    json_object **values;
    int *present; /* key given, even as null */
    int ok;       /* no error was added for this object */
} to_obj_t;

/* Checks that input is an object and validates every field in declaration
 * order (pydantic's order of errors). Always fills out. */
void to_validate_object(to_verr_t *e, json_object *loc, json_object *input,
                        const to_field_t *fields, int nfields, to_obj_t *out);

/* Validates one value against one field, adding errors at loc. Returns 1 when
 * the value is acceptable. */
int to_validate_value(to_verr_t *e, json_object *loc, json_object *value, const to_field_t *field);

/* Getters by field name; a missing/null value gives the default. */
const char *to_obj_str(const to_obj_t *o, const char *name, const char *dflt);
int to_obj_int(const to_obj_t *o, const char *name, int dflt);
int to_obj_bool(const to_obj_t *o, const char *name, int dflt);
json_object *to_obj_get(const to_obj_t *o, const char *name);
int to_obj_given(const to_obj_t *o, const char *name);

/* Parses a 32-bit integer as pydantic does for path and query parameters and
 * lax JSON strings; returns 1 on success. */
int to_parse_int32(const char *s, int *out, const char **err_type);

/* An integer query parameter as FastAPI reads it: decimal digits with
 * blanks around them, within [min, max]; max < min leaves it unbounded
 * above (a value past the 64-bit range then reads as the largest). Returns
 * 1 with *out set, or adds pydantic's error at loc (the text as input) and
 * returns 0. */
int to_query_int(to_verr_t *e, json_object *loc, const char *s, long long min, long long max,
                 long long *out);

/* A word pydantic reads as a boolean, in any case: true, 1, yes, on, t, y
 * or false, 0, no, off, f, n. Returns 1 with *value set, else 0. */
int to_bool_word(const char *s, int *value);

/* The value of a lax boolean that passed validation (true, 1, "yes"...). */
int to_lax_bool(json_object *v);

/* The value of an integer that passed validation as TO_T_INT, read as
 * pydantic's lax mode reads it: "7", " 1_000 ", "7.00", 7.0, true, 7. */
int to_lax_int(json_object *v);

/* "'a', 'b' or 'c'" as pydantic lists expected values. */
const char *to_choices_text(apr_pool_t *pool, const char *const *choices);

/* Adds the "enum" error for a value that is not one of choices. */
void to_verr_enum(to_verr_t *e, json_object *loc, json_object *input, const char *const *choices);

/* Checks a URL as pydantic's HttpUrl; returns NULL when valid, else sets
 * *type and returns the message. */
const char *to_check_http_url(const char *url, const char **type);

/* The host of a valid http(s) URL, in lower case; NULL for an invalid URL. */
const char *to_url_host(apr_pool_t *pool, const char *url);

/* The normal form pydantic gives an HttpUrl (a bare host gets "/"). */
const char *to_normal_http_url(apr_pool_t *pool, const char *url);

#endif

#ifndef TO_VALIDATE_METADATA
#define TO_VALIDATE_METADATA
/* Execution metadata: {category: [value, ...]}, every string 1 to 200
 * characters. Returns 1 when valid. */
int to_validate_metadata(to_verr_t *e, json_object *loc, json_object *value);
#endif
