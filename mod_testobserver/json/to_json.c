/* JSON helpers bound to APR pools. */
#include <string.h>

#include <apr_strings.h>

#include "to_json.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. When 0,
 * *bad is the length of its maximal valid prefix (at least 1). */
static apr_size_t utf8_seq(const unsigned char *s, apr_size_t n, apr_size_t *bad)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    apr_size_t need, i;

    *bad = 1;
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    }
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    }
    else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    }
    else {
        return 0;
    }
    for (i = 1; i <= need; i++) {
        if (i >= n || s[i] < lo || s[i] > hi) {
            *bad = i;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* Whether s[0..n) is UTF-8; if not, *at is where the first byte that
 * breaks it is (n when the text ends inside a sequence). */
static int utf8_check(const char *s, apr_size_t n, apr_size_t *at)
{
    apr_size_t i = 0, k, bad;

    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        if ((k = utf8_seq((const unsigned char *)s + i, n - i, &bad)) == 0) {
            /* a lead byte that starts no sequence, or the first byte that
             * does not continue it */
            *at = (unsigned char)s[i] >= 0xC2 && (unsigned char)s[i] <= 0xF4 ? i + bad : i;
            return 0;
        }
        i += k;
    }
    return 1;
}

int to_utf8_valid(const char *s, apr_size_t n)
{
    apr_size_t at;

    return utf8_check(s, n, &at);
}

const char *to_utf8_fixn(apr_pool_t *pool, const char *s, apr_size_t n, apr_size_t *out_len)
{
    apr_size_t i = 0, o = 0, k, bad;
    char *out;

    if (to_utf8_valid(s, n)) {
        if (out_len) {
            *out_len = n;
        }
        return apr_pstrmemdup(pool, s, n);
    }
    out = apr_palloc(pool, n * 3 + 1);
    while (i < n) {
        if ((k = utf8_seq((const unsigned char *)s + i, n - i, &bad)) > 0) {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        }
        else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += bad;
        }
    }
    out[o] = '\0';
    if (out_len) {
        *out_len = o;
    }
    return out;
}

const char *to_utf8_fix(apr_pool_t *pool, const char *s)
{
    apr_size_t n = strlen(s);

    return to_utf8_valid(s, n) ? s : to_utf8_fixn(pool, s, n, NULL);
}

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

void to_json_release(apr_pool_t *pool, json_object *obj)
{
    if (obj) {
        apr_pool_cleanup_kill(pool, obj, json_release);
        json_object_put(obj);
    }
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
    /* json-c's own check lets overlong forms, surrogates and code points
     * past U+10FFFF through, which Python (upstream) and PostgreSQL refuse */
    if (!utf8_check(buf, len, &i)) {
        res->error = "Invalid UTF-8";
        res->offset = (long)i;
        return APR_EINVAL;
    }
    tok = json_tokener_new_ex(TO_JSON_MAX_DEPTH);
    if (!tok) {
        res->error = "Out of memory";
        return APR_ENOMEM;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
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

json_object *to_json_outside_str(apr_pool_t *pool, const char *s, apr_size_t len)
{
    apr_size_t n = 0;
    const char *text = to_utf8_fixn(pool, s ? s : "", s ? len : 0, &n);

    return json_object_new_string_len(text, (int)n);
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

/* ---- JSON text built piece by piece */

static void jbuf_grow(to_jbuf_t *b, apr_size_t more)
{
    apr_size_t cap = b->cap ? b->cap : 256;
    char *bigger;

    while (cap < b->len + more + 1) {
        cap *= 2;
    }
    bigger = apr_palloc(b->pool, cap);
    memcpy(bigger, b->data, b->len);
    b->data = bigger;
    b->cap = cap;
}

void to_jbuf_init(to_jbuf_t *b, apr_pool_t *pool, apr_size_t size_hint)
{
    b->pool = pool;
    b->len = 0;
    b->cap = size_hint ? size_hint + 1 : 256;
    b->data = apr_palloc(pool, b->cap);
    b->data[0] = '\0';
}

void to_jbuf_add(to_jbuf_t *b, const char *s, apr_size_t n)
{
    if (b->len + n + 1 > b->cap) {
        jbuf_grow(b, n);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void to_jbuf_str(to_jbuf_t *b, const char *s, apr_size_t n)
{
    static const char hex[] = "0123456789abcdef";
    apr_size_t i, start = 0;

    to_jbuf_add(b, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6] = {'\\', 'u', '0', '0', 0, 0};
        apr_size_t elen = 2;

        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        to_jbuf_add(b, s + start, i - start);
        start = i + 1;
        switch (c) {
        case '"':
        case '\\':
            esc[1] = (char)c;
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            elen = 6;
        }
        to_jbuf_add(b, esc, elen);
    }
    to_jbuf_add(b, s + start, n - start);
    to_jbuf_add(b, "\"", 1);
}
