/* Request validation with FastAPI/pydantic-shaped errors. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "to_validate.h"

void to_verr_init(to_verr_t *e, apr_pool_t *pool)
{
    e->pool = pool;
    e->list = to_json_own(pool, json_object_new_array());
}

int to_verr_count(const to_verr_t *e)
{
    return (int)json_object_array_length(e->list);
}

void to_verr_add(to_verr_t *e, const char *type, json_object *loc, const char *msg,
                 json_object *input, json_object *ctx)
{
    json_object *err = json_object_new_object();

    json_object_object_add(err, "type", json_object_new_string(type));
    json_object_object_add(err, "loc", json_object_get(loc));
    json_object_object_add(err, "msg", json_object_new_string(msg));
    json_object_object_add(err, "input", json_object_get(input));
    if (ctx) {
        json_object_object_add(err, "ctx", ctx);
    }
    json_object_array_add(e->list, err);
}

void to_verr_value_error(to_verr_t *e, json_object *loc, const char *msg, json_object *input)
{
    json_object *ctx = json_object_new_object();

    json_object_object_add(ctx, "error", json_object_new_object());
    to_verr_add(e, "value_error", loc, apr_pstrcat(e->pool, "Value error, ", msg, NULL), input,
                ctx);
}

/* A new location: base's items then last (taken). The caller owns the
 * reference; an error that keeps the location takes its own. */
static json_object *loc_new(json_object *base, json_object *last)
{
    size_t i, n = base ? json_object_array_length(base) : 0;
    json_object *loc = json_object_new_array_ext((int)n + 1);

    for (i = 0; i < n; i++) {
        json_object_array_add(loc, json_object_get(json_object_array_get_idx(base, i)));
    }
    json_object_array_add(loc, last);
    return loc;
}

json_object *to_loc(to_verr_t *e, const char *first)
{
    return to_loc_key(e, NULL, first);
}

json_object *to_loc_key(to_verr_t *e, json_object *base, const char *key)
{
    return to_json_own(e->pool, loc_new(base, json_object_new_string(key)));
}

json_object *to_loc_index(to_verr_t *e, json_object *base, int index)
{
    return to_json_own(e->pool, loc_new(base, json_object_new_int(index)));
}

json_object *to_loc_index_ref(json_object *base, int index)
{
    return loc_new(base, json_object_new_int(index));
}

const char *to_choices_text(apr_pool_t *pool, const char *const *choices)
{
    const char *text = "";
    int i, n = 0;

    while (choices[n]) {
        n++;
    }
    for (i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : (i == n - 1 ? " or " : ", ");
        text = apr_psprintf(pool, "%s%s'%s'", text, sep, choices[i]);
    }
    return text;
}

void to_verr_enum(to_verr_t *e, json_object *loc, json_object *input, const char *const *choices)
{
    const char *expected = to_choices_text(e->pool, choices);
    json_object *ctx = json_object_new_object();

    json_object_object_add(ctx, "expected", json_object_new_string(expected));
    to_verr_add(e, "enum", loc, apr_pstrcat(e->pool, "Input should be ", expected, NULL), input,
                ctx);
}

int to_parse_int32(const char *s, int *out, const char **err_type)
{
    /* pydantic accepts surrounding blanks, single underscores between digits
     * and a fraction of zeros ("1_000", "7.00") */
    char digits[64];
    const char *p = s;
    size_t n = 0;
    int negative = 0;
    long long v = 0;

    while (apr_isspace(*p)) {
        p++;
    }
    if (*p == '+' || *p == '-') {
        negative = *p == '-';
        p++;
    }
    while (*p) {
        if (apr_isdigit(*p)) {
            if (n + 1 >= sizeof(digits)) {
                break;
            }
            digits[n++] = *p++;
        }
        else if (*p == '_' && n > 0 && apr_isdigit(p[1])) {
            p++;
        }
        else {
            break;
        }
    }
    if (*p == '.' && n > 0) {
        p++;
        while (*p == '0') {
            p++;
        }
    }
    while (apr_isspace(*p)) {
        p++;
    }
    if (n == 0 || *p != '\0') {
        *err_type = "int_parsing";
        return 0;
    }
    digits[n] = '\0';
    for (p = digits; *p; p++) {
        v = v * 10 + (*p - '0');
        if (v > (long long)INT_MAX + 1) {
            break;
        }
    }
    if (negative) {
        v = -v;
    }
    if (v > INT_MAX) {
        *err_type = "less_than_equal";
        return 0;
    }
    if (v < INT_MIN) {
        *err_type = "greater_than_equal";
        return 0;
    }
    *out = (int)v;
    return 1;
}
/* "less_than_equal" / "greater_than_equal" with the bound in ctx. */
static void bound_error(to_verr_t *e, json_object *loc, json_object *input, int upper,
                        long long bound)
{
    json_object *ctx = json_object_new_object();

    json_object_object_add(ctx, upper ? "le" : "ge", json_object_new_int64(bound));
    to_verr_add(e, upper ? "less_than_equal" : "greater_than_equal", loc,
                apr_psprintf(e->pool, "Input should be %s than or equal to %" APR_INT64_T_FMT,
                             upper ? "less" : "greater", (apr_int64_t)bound),
                input, ctx);
}

int to_query_int(to_verr_t *e, json_object *loc, const char *s, long long min, long long max,
                 long long *out)
{
    const char *p = s;
    json_object *input;
    char *end;
    long long v;
    int over, ok = 0;

    while (apr_isspace(*p)) {
        p++;
    }
    errno = 0;
    v = strtoll(p, &end, 10);
    over = errno == ERANGE && v > 0;
    if (end != p) {
        while (apr_isspace(*end)) {
            end++;
        }
    }
    input = json_object_new_string(s);
    if (end == p || *end) {
        to_verr_add(e, "int_parsing", loc,
                    "Input should be a valid integer, unable to parse string as an integer", input,
                    NULL);
    }
    else if (max >= min && (over || v > max)) {
        bound_error(e, loc, input, 1, max);
    }
    else if (v < min) {
        bound_error(e, loc, input, 0, min);
    }
    else {
        *out = v;
        ok = 1;
    }
    json_object_put(input);
    return ok;
}

/* Adds the error for an integer that failed to_parse_int32. */
static void int_error(to_verr_t *e, json_object *loc, json_object *input, const char *type)
{
    json_object *ctx;

    if (!strcmp(type, "int_parsing")) {
        to_verr_add(e, type, loc,
                    "Input should be a valid integer, unable to parse string as an integer", input,
                    NULL);
    }
    else if (!strcmp(type, "less_than_equal")) {
        ctx = json_object_new_object();
        json_object_object_add(ctx, "le", json_object_new_int(INT_MAX));
        to_verr_add(e, type, loc, "Input should be less than or equal to 2147483647", input, ctx);
    }
    else {
        ctx = json_object_new_object();
        json_object_object_add(ctx, "ge", json_object_new_int(INT_MIN));
        to_verr_add(e, type, loc, "Input should be greater than or equal to -2147483648", input,
                    ctx);
    }
}

static int check_int(to_verr_t *e, json_object *loc, json_object *v)
{
    const char *type = NULL;
    int n;

    switch (json_object_get_type(v)) {
    case json_type_int: {
        /* json-c clamps what does not fit 64 bits; the text tells the sign */
        const char *text = json_object_to_json_string(v);
        int64_t i = json_object_get_int64(v);
        if (i > INT_MAX || (text[0] != '-' && i == INT64_MAX)) {
            int_error(e, loc, v, "less_than_equal");
            return 0;
        }
        if (i < INT_MIN) {
            int_error(e, loc, v, "greater_than_equal");
            return 0;
        }
        return 1;
    }
    case json_type_double: {
        double d = json_object_get_double(v);
        if (d >= 9.2e18 || d <= -9.2e18 || d != d) {
            to_verr_add(e, "int_parsing_size", loc,
                        "Unable to parse input string as an integer, exceeded maximum size", v,
                        NULL);
            return 0;
        }
        if (d != (double)(long long)d) {
            to_verr_add(e, "int_from_float", loc,
                        "Input should be a valid integer, got a number with a fractional part", v,
                        NULL);
            return 0;
        }
        if (d > INT_MAX || d < INT_MIN) {
            int_error(e, loc, v, d > 0 ? "less_than_equal" : "greater_than_equal");
            return 0;
        }
        return 1;
    }
    case json_type_boolean:
        return 1;
    case json_type_string:
        if (to_parse_int32(json_object_get_string(v), &n, &type)) {
            return 1;
        }
        int_error(e, loc, v, type);
        return 0;
    default:
        to_verr_add(e, "int_type", loc, "Input should be a valid integer", v, NULL);
        return 0;
    }
}

int to_bool_word(const char *s, int *value)
{
    static const char *const yes[] = {"true", "1", "yes", "on", "t", "y", NULL};
    static const char *const no[] = {"false", "0", "no", "off", "f", "n", NULL};
    int i;

    for (i = 0; yes[i]; i++) {
        if (!strcasecmp(s, yes[i]) || !strcasecmp(s, no[i])) {
            *value = !strcasecmp(s, yes[i]);
            return 1;
        }
    }
    return 0;
}

int to_lax_bool(json_object *v)
{
    int value;

    if (json_object_is_type(v, json_type_string)) {
        return to_bool_word(json_object_get_string(v), &value) && value;
    }
    return json_object_get_boolean(v);
}

static int check_bool(to_verr_t *e, json_object *loc, json_object *v)
{
    double d;
    int word;

    switch (json_object_get_type(v)) {
    case json_type_boolean:
        return 1;
    case json_type_int:
    case json_type_double:
        d = json_object_get_double(v);
        if (d == 0.0 || d == 1.0) {
            return 1;
        }
        if (json_object_is_type(v, json_type_double) &&
            (d > 9.2e18 || d < -9.2e18 || d != (double)(long long)d)) {
            break;
        }
        to_verr_add(e, "bool_parsing", loc,
                    "Input should be a valid boolean, unable to interpret input", v, NULL);
        return 0;
    case json_type_string:
        if (to_bool_word(json_object_get_string(v), &word)) {
            return 1;
        }
        to_verr_add(e, "bool_parsing", loc,
                    "Input should be a valid boolean, unable to interpret input", v, NULL);
        return 0;
    default:
        break;
    }
    to_verr_add(e, "bool_type", loc, "Input should be a valid boolean", v, NULL);
    return 0;
}
/* An http(s) URL taken apart as the WHATWG parser (pydantic's) does for
 * special schemes; offsets point into the cleaned text. */
typedef struct {
    char text[2100];
    size_t scheme_len;
    size_t auth; /* user information, up to the host */
    size_t host, host_len;
    size_t port, port_len; /* digits after ':' */
    size_t rest;           /* path, query and fragment */
} url_parts_t;

static const char *url_parse(const char *url, url_parts_t *u, const char **type)
{
    size_t len = 0, i;
    const char *p;

    memset(u, 0, sizeof(*u));
    *type = "url_parsing";
    /* leading and trailing blanks and controls go, tabs and newlines anywhere */
    while (*url && (unsigned char)*url <= ' ') {
        url++;
    }
    for (p = url; *p; p++) {
        if (*p == '\t' || *p == '\n' || *p == '\r') {
            continue;
        }
        if (len + 1 >= sizeof(u->text)) {
            *type = "url_too_long";
            return "URL should have at most 2083 characters";
        }
        u->text[len++] = *p;
    }
    while (len > 0 && (unsigned char)u->text[len - 1] <= ' ') {
        len--;
    }
    u->text[len] = '\0';
    if (len == 0) {
        return "Input should be a valid URL, input is empty";
    }
    if (len > 2083) {
        *type = "url_too_long";
        return "URL should have at most 2083 characters";
    }
    if (!apr_isalpha(u->text[0])) {
        return "Input should be a valid URL, relative URL without a base";
    }
    for (i = 1;
         apr_isalnum(u->text[i]) || u->text[i] == '+' || u->text[i] == '-' || u->text[i] == '.';
         i++) {
    }
    if (u->text[i] != ':') {
        return "Input should be a valid URL, relative URL without a base";
    }
    u->scheme_len = i;
    if (!((i == 4 && !strncasecmp(u->text, "http", 4)) ||
          (i == 5 && !strncasecmp(u->text, "https", 5)))) {
        *type = "url_scheme";
        return "URL scheme should be 'http' or 'https'";
    }
    for (i++; u->text[i] == '/' || u->text[i] == '\\'; i++) {
    }
    /* user information ends at the last '@' before the host */
    u->auth = i;
    u->host = i;
    u->rest = i + strcspn(u->text + i, "/\\?#");
    for (p = u->text + u->host; p < u->text + u->rest; p++) {
        if (*p == '@') {
            u->host = (size_t)(p - u->text) + 1;
        }
    }
    u->host_len = u->rest - u->host;
    p = memchr(u->text + u->host, ':', u->host_len);
    if (p && u->text[u->host] != '[') {
        u->port = (size_t)(p - u->text) + 1;
        u->port_len = u->rest - u->port;
        u->host_len = (size_t)(p - u->text) - u->host;
        for (i = u->port; i < u->rest; i++) {
            if (!apr_isdigit(u->text[i])) {
                return "Input should be a valid URL, invalid port number";
            }
        }
        if (u->port_len > 5 || (u->port_len && atol(u->text + u->port) > 65535)) {
            return "Input should be a valid URL, invalid port number";
        }
    }
    if (u->host_len == 0) {
        return "Input should be a valid URL, empty host";
    }
    for (i = u->host; i < u->host + u->host_len; i++) {
        if (strchr(" <>^|%", u->text[i]) || (unsigned char)u->text[i] < ' ' || u->text[i] == 0x7f) {
            return "Input should be a valid URL, invalid international domain name";
        }
    }
    return NULL;
}

const char *to_url_host(apr_pool_t *pool, const char *url)
{
    url_parts_t u;
    const char *type;
    char *host;
    size_t i;

    if (url_parse(url, &u, &type)) {
        return NULL;
    }
    host = apr_pstrmemdup(pool, u.text + u.host, u.host_len);
    for (i = 0; host[i]; i++) {
        host[i] = (char)apr_tolower(host[i]);
    }
    return host;
}

const char *to_check_http_url(const char *url, const char **type)
{
    url_parts_t u;
    return url_parse(url, &u, type);
}

/* Appends text[0..len) to out, percent-encoding the bytes of set and every
 * byte outside printable ASCII, as the WHATWG URL parser does. */
static char *percent_encode(char *out, const char *text, size_t len, const char *set)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c <= 0x20 || c >= 0x7f || strchr(set, c)) {
            *out++ = '%';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 15];
        }
        else {
            *out++ = (char)c;
        }
    }
    return out;
}

/* Resolves "." and ".." segments of an absolute path, in place. */
static void remove_dot_segments(char *path)
{
    char *out = path, *seg = path;

    while (*seg) {
        char *next = strchr(seg + 1, '/');
        size_t len = next ? (size_t)(next - seg) : strlen(seg);

        if (len == 2 && seg[1] == '.') {
            if (!next) {
                *out++ = '/';
            }
        }
        else if (len == 3 && seg[1] == '.' && seg[2] == '.') {
            while (out > path && *--out != '/') {
            }
            if (!next) {
                *out++ = '/';
            }
        }
        else {
            memmove(out, seg, len);
            out += len;
        }
        if (!next) {
            break;
        }
        seg = next;
    }
    if (out == path) {
        *out++ = '/';
    }
    *out = '\0';
}

const char *to_normal_http_url(apr_pool_t *pool, const char *url)
{
    url_parts_t u;
    const char *type, *port = "";
    const char *rest, *query, *fragment;
    char *scheme, *host, *out, *path;
    size_t i, path_len, query_len;

    if (url_parse(url, &u, &type)) {
        return url;
    }
    scheme = apr_pstrmemdup(pool, u.text, u.scheme_len);
    host = apr_pstrmemdup(pool, u.text + u.host, u.host_len);
    for (i = 0; scheme[i]; i++) {
        scheme[i] = (char)apr_tolower(scheme[i]);
    }
    for (i = 0; host[i]; i++) {
        host[i] = (char)apr_tolower(host[i]);
    }
    if (u.port_len) {
        long n = atol(u.text + u.port);
        if (!((n == 80 && !strcmp(scheme, "http")) || (n == 443 && !strcmp(scheme, "https")))) {
            port = apr_psprintf(pool, ":%ld", n);
        }
    }
    rest = u.text + u.rest;
    path_len = strcspn(rest, "?#");
    query = rest + path_len;
    query_len = *query == '?' ? strcspn(query, "#") : 0;
    fragment = query + query_len;

    /* the path, with backslashes as slashes, encoded, then its dot segments */
    path = apr_palloc(pool, path_len * 3 + 2);
    out = path;
    if (path_len == 0 || (rest[0] != '/' && rest[0] != '\\')) {
        *out++ = '/';
    }
    for (i = 0; i < path_len; i++) {
        if (rest[i] == '\\') {
            *out++ = '/';
        }
        else {
            out = percent_encode(out, rest + i, 1, "\"<>`{}");
        }
    }
    *out = '\0';
    remove_dot_segments(path);

    out = apr_palloc(pool, strlen(path) + (query_len + strlen(fragment)) * 3 + 1);
    {
        char *end = out;
        memcpy(end, path, strlen(path));
        end += strlen(path);
        end = percent_encode(end, query, query_len, "\"<>'");
        end = percent_encode(end, fragment, strlen(fragment), "\"<>`");
        *end = '\0';
    }
    return apr_pstrcat(pool, scheme, "://", apr_pstrmemdup(pool, u.text + u.auth, u.host - u.auth),
                       host, port, out, NULL);
}

/* PostgreSQL cannot store U+0000 in text, and C strings end there. */
static int has_nul(json_object *v)
{
    return strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v);
}

int to_validate_value(to_verr_t *e, json_object *loc, json_object *v, const to_field_t *f)
{
    const char *s, *type, *msg;
    const char *const *c;

    switch (f->type) {
    case TO_T_STR:
        if (!json_object_is_type(v, json_type_string)) {
            to_verr_add(e, "string_type", loc, "Input should be a valid string", v, NULL);
            return 0;
        }
        if (has_nul(v)) {
            to_verr_value_error(e, loc, "NUL characters are not allowed in strings", v);
            return 0;
        }
        if (f->max_len > 0) {
            /* pydantic counts characters, not bytes */
            const unsigned char *p = (const unsigned char *)json_object_get_string(v);
            int chars = 0;
            for (; *p; p++) {
                chars += (*p & 0xC0) != 0x80;
            }
            if (chars > f->max_len) {
                json_object *ctx = json_object_new_object();
                json_object_object_add(ctx, "max_length", json_object_new_int(f->max_len));
                to_verr_add(e, "string_too_long", loc,
                            apr_psprintf(e->pool, "String should have at most %d character%s",
                                         f->max_len, f->max_len == 1 ? "" : "s"),
                            v, ctx);
                return 0;
            }
        }
        return 1;
    case TO_T_INT:
        return check_int(e, loc, v);
    case TO_T_BOOL:
        return check_bool(e, loc, v);
    case TO_T_ENUM:
        if (json_object_is_type(v, json_type_string)) {
            s = json_object_get_string(v);
            for (c = f->choices; *c; c++) {
                if (!strcmp(s, *c)) {
                    return 1;
                }
            }
        }
        to_verr_enum(e, loc, v, f->choices);
        return 0;
    case TO_T_URL:
        if (!json_object_is_type(v, json_type_string)) {
            to_verr_add(e, "url_type", loc, "URL input should be a string or URL", v, NULL);
            return 0;
        }
        if (has_nul(v)) {
            to_verr_value_error(e, loc, "NUL characters are not allowed in strings", v);
            return 0;
        }
        msg = to_check_http_url(json_object_get_string(v), &type);
        if (msg) {
            json_object *ctx = NULL;
            if (!strcmp(type, "url_scheme")) {
                ctx = json_object_new_object();
                json_object_object_add(ctx, "expected_schemes",
                                       json_object_new_string("'http' or 'https'"));
            }
            else if (!strcmp(type, "url_parsing")) {
                ctx = json_object_new_object();
                json_object_object_add(ctx, "error", json_object_new_string(strchr(msg, ',') + 2));
            }
            else if (!strcmp(type, "url_too_long")) {
                ctx = json_object_new_object();
                json_object_object_add(ctx, "max_length", json_object_new_int(2083));
            }
            to_verr_add(e, type, loc, msg, v, ctx);
            return 0;
        }
        return 1;
    case TO_T_LIST:
        if (!json_object_is_type(v, json_type_array)) {
            to_verr_add(e, "list_type", loc, "Input should be a valid list", v, NULL);
            return 0;
        }
        return 1;
    case TO_T_OBJECT:
        if (!json_object_is_type(v, json_type_object)) {
            to_verr_add(e, "model_attributes_type", loc,
                        "Input should be a valid dictionary or object to extract fields from", v,
                        NULL);
            return 0;
        }
        return 1;
    case TO_T_ANY:
    default:
        return 1;
    }
}

void to_validate_object(to_verr_t *e, json_object *loc, json_object *input,
                        const to_field_t *fields, int nfields, to_obj_t *out)
{
    int i, before = to_verr_count(e);

    out->fields = fields;
    out->nfields = nfields;
    out->values = apr_pcalloc(e->pool, sizeof(json_object *) * (nfields ? nfields : 1));
    out->present = apr_pcalloc(e->pool, sizeof(int) * (nfields ? nfields : 1));
    if (!json_object_is_type(input, json_type_object)) {
        to_verr_add(e, "model_attributes_type", loc,
                    "Input should be a valid dictionary or object to extract fields from", input,
                    NULL);
        out->ok = 0;
        return;
    }
    for (i = 0; i < nfields; i++) {
        const to_field_t *f = &fields[i];
        json_object *v = to_json_get(input, f->name, &out->present[i]);
        json_object *floc;

        if (!out->present[i]) {
            if (f->flags & TO_REQUIRED) {
                to_verr_add(e, "missing", to_loc_key(e, loc, f->name), "Field required", input,
                            NULL);
            }
            continue;
        }
        if (v == NULL && (f->flags & TO_NULLABLE)) {
            continue;
        }
        /* released at once unless an error keeps it: a batch of many
         * objects must not pile up a location per field */
        floc = loc_new(loc, json_object_new_string(f->name));
        if (to_validate_value(e, floc, v, f)) {
            out->values[i] = v;
        }
        json_object_put(floc);
    }
    out->ok = to_verr_count(e) == before;
}

static int field_index(const to_obj_t *o, const char *name)
{
    int i;

    for (i = 0; i < o->nfields; i++) {
        if (!strcmp(o->fields[i].name, name)) {
            return i;
        }
    }
    return -1;
}

json_object *to_obj_get(const to_obj_t *o, const char *name)
{
    int i = field_index(o, name);
    return i < 0 ? NULL : o->values[i];
}

int to_obj_given(const to_obj_t *o, const char *name)
{
    int i = field_index(o, name);
    return i < 0 ? 0 : o->present[i];
}

const char *to_obj_str(const to_obj_t *o, const char *name, const char *dflt)
{
    json_object *v = to_obj_get(o, name);
    return v ? json_object_get_string(v) : dflt;
}

int to_lax_int(json_object *v)
{
    const char *type;
    int n = 0;

    if (json_object_is_type(v, json_type_string)) {
        /* validation passed: the text parses */
        return to_parse_int32(json_object_get_string(v), &n, &type) ? n : 0;
    }
    /* json-c reads a double by truncation, a boolean as 0 or 1 */
    return (int)json_object_get_int64(v);
}

int to_obj_int(const to_obj_t *o, const char *name, int dflt)
{
    json_object *v = to_obj_get(o, name);

    return v ? to_lax_int(v) : dflt;
}

int to_obj_bool(const to_obj_t *o, const char *name, int dflt)
{
    json_object *v = to_obj_get(o, name);

    return v ? to_lax_bool(v) : dflt;
}

/* pydantic's length errors for a string constrained to 1..200 characters */
static int check_short_string(to_verr_t *e, json_object *loc, json_object *v)
{
    static const to_field_t limit = {"", TO_T_STR, 0, 200, NULL};
    json_object *ctx;

    if (!to_validate_value(e, loc, v, &limit)) {
        return 0;
    }
    if (json_object_get_string_len(v) == 0) {
        ctx = json_object_new_object();
        json_object_object_add(ctx, "min_length", json_object_new_int(1));
        to_verr_add(e, "string_too_short", loc, "String should have at least 1 character", v, ctx);
        return 0;
    }
    return 1;
}

int to_validate_metadata(to_verr_t *e, json_object *loc, json_object *value)
{
    int before = to_verr_count(e);

    if (!json_object_is_type(value, json_type_object)) {
        to_verr_add(e, "dict_type", loc, "Input should be a valid dictionary", value, NULL);
        return 0;
    }
    json_object_object_foreach(value, key, values)
    {
        json_object *kloc = to_loc_key(e, loc, key);
        json_object *kobj = to_json_own(e->pool, json_object_new_string(key));
        size_t i, n;

        check_short_string(e, to_loc_key(e, kloc, "[key]"), kobj);
        if (!json_object_is_type(values, json_type_array)) {
            to_verr_add(e, "list_type", kloc, "Input should be a valid list", values, NULL);
            continue;
        }
        n = json_object_array_length(values);
        for (i = 0; i < n; i++) {
            check_short_string(e, to_loc_index(e, kloc, (int)i),
                               json_object_array_get_idx(values, i));
        }
    }
    return to_verr_count(e) == before;
}
