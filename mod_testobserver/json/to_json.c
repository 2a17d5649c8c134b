/* JSON helpers bound to APR pools. */
#include <string.h>

#include <apr_strings.h>

#include "to_json.h"

static apr_status_t json_release(void *data)
{
    json_object_put((json_object *)data);
    return APR_SUCCESS;
}

json_object *to_json_own(apr_pool_t *pool, json_object *obj)
{
    if (obj) {
        apr_pool_cleanup_register(pool, obj, json_release, apr_pool_cleanup_null);
    }
    return obj;
}

const char *to_json_text(apr_pool_t *pool, json_object *obj)
{
    size_t len = 0;
    const char *s = json_object_to_json_string_length(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    return apr_pstrmemdup(pool, s, len);
}

/* Python's json module words its errors differently from json-c; clients
 * only see the wording, so keep it close to what upstream answers. */
static const char *python_error(enum json_tokener_error err)
{
    switch (err) {
    case json_tokener_error_parse_eof:
    case json_tokener_error_parse_unexpected:
    case json_tokener_error_parse_null:
    case json_tokener_error_parse_boolean:
    case json_tokener_error_parse_number:
        return "Expecting value";
    case json_tokener_error_parse_array:
        return "Expecting ',' delimiter";
    case json_tokener_error_parse_object_key_name:
        return "Expecting property name enclosed in double quotes";
    case json_tokener_error_parse_object_key_sep:
        return "Expecting ':' delimiter";
    case json_tokener_error_parse_object_value_sep:
        return "Expecting ',' delimiter";
    case json_tokener_error_parse_string:
        return "Unterminated string";
    case json_tokener_error_depth:
        return "Nesting too deep";
    case json_tokener_error_parse_utf8_string:
        return "Invalid UTF-8";
    default:
        return json_tokener_error_desc(err);
    }
}

apr_status_t to_json_parse(apr_pool_t *pool, const char *buf, apr_size_t len, to_json_parse_t *res)
{
    struct json_tokener *tok;
    enum json_tokener_error err;
    json_object *obj;
    apr_size_t i;

    memset(res, 0, sizeof(*res));
    tok = json_tokener_new_ex(TO_JSON_MAX_DEPTH);
    if (!tok) {
        res->error = "Out of memory";
        return APR_ENOMEM;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
                                    JSON_TOKENER_VALIDATE_UTF8);
    obj = json_tokener_parse_ex(tok, buf, (int)len);
    err = json_tokener_get_error(tok);
    res->offset = (long)json_tokener_get_parse_end(tok);
    if (err == json_tokener_continue) {
        /* tell json-c the text has ended: a number may be complete */
        obj = json_tokener_parse_ex(tok, "", 1);
        err = json_tokener_get_error(tok);
    }
    json_tokener_free(tok);
    if (err != json_tokener_success) {
        json_object_put(obj);
        res->error = python_error(err);
        return APR_EINVAL;
    }
    /* Only white space may follow the document. */
    for (i = (apr_size_t)res->offset; i < len; i++) {
        if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n') {
            json_object_put(obj);
            res->error = "Extra data";
            res->offset = (long)i;
            return APR_EINVAL;
        }
    }
    res->value = to_json_own(pool, obj);
    return APR_SUCCESS;
}

apr_size_t to_json_compact(char *text, apr_size_t len)
{
    apr_size_t in, out = 0;
    int in_string = 0;

    for (in = 0; in < len; in++) {
        char c = text[in];
        if (in_string) {
            text[out++] = c;
            if (c == '\\' && in + 1 < len) {
                text[out++] = text[++in];
            }
            else if (c == '"') {
                in_string = 0;
            }
        }
        else if (c == '"') {
            in_string = 1;
            text[out++] = c;
        }
        else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
            text[out++] = c;
        }
    }
    if (out < len) {
        text[out] = '\0';
    }
    return out;
}

json_object *to_json_str(const char *s)
{
    return json_object_new_string(s ? s : "");
}

json_object *to_json_strn(const char *s, apr_size_t len)
{
    return json_object_new_string_len(s ? s : "", s ? (int)len : 0);
}

json_object *to_json_get(json_object *obj, const char *key, int *present)
{
    json_object *val = NULL;
    int found = 0;

    if (obj && json_object_is_type(obj, json_type_object)) {
        found = json_object_object_get_ex(obj, key, &val);
    }
    if (present) {
        *present = found;
    }
    return found ? val : NULL;
}
