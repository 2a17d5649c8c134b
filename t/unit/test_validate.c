/* Unit tests of model/to_validate.c: every pydantic error the module
 * produces, compared as serialised JSON with what FastAPI answers. The
 * expected bodies come from pydantic 2.13 (a TypeAdapter given json.loads of
 * the same input, as FastAPI validates a body), checked against the sources
 * of upstream's pin, pydantic-core 2.33.1 (url 2.5.4, idna 1.0.3). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "json/to_json.h"
#include "model/to_validate.h"

static apr_pool_t *pool;

/* One error at ["body","f"], without and with ctx. */
#define LOC_F "[\"body\",\"f\"]"
#define ERR(type, msg, input)                                                                      \
    "[{\"type\":\"" type "\",\"loc\":" LOC_F ",\"msg\":\"" msg "\",\"input\":" input "}]"
#define ERRC(type, msg, input, ctx)                                                                \
    "[{\"type\":\"" type "\",\"loc\":" LOC_F ",\"msg\":\"" msg "\",\"input\":" input               \
    ",\"ctx\":" ctx "}]"
#define NOERR "[]"

#define MSG_INT_PARSING "Input should be a valid integer, unable to parse string as an integer"
#define MSG_LE "Input should be less than or equal to 2147483647"
#define MSG_GE "Input should be greater than or equal to -2147483648"
#define CTX_LE "{\"le\":2147483647}"
#define CTX_GE "{\"ge\":-2147483648}"
#define MSG_BOOL_PARSING "Input should be a valid boolean, unable to interpret input"
#define MSG_ABC "Input should be 'a', 'b' or 'c'"
#define CTX_ABC "{\"expected\":\"'a', 'b' or 'c'\"}"
#define CTX_SCHEMES "{\"expected_schemes\":\"'http' or 'https'\"}"
#define MSG_MODEL "Input should be a valid dictionary or object to extract fields from"

static const char *const abc[] = {"a", "b", "c", NULL};

static const to_field_t f_str = {"f", TO_T_STR, 0, 0, NULL};
static const to_field_t f_str5 = {"f", TO_T_STR, 0, 5, NULL};
static const to_field_t f_str1 = {"f", TO_T_STR, 0, 1, NULL};
static const to_field_t f_int = {"f", TO_T_INT, 0, 0, NULL};
static const to_field_t f_bool = {"f", TO_T_BOOL, 0, 0, NULL};
static const to_field_t f_enum = {"f", TO_T_ENUM, 0, 0, abc};
static const to_field_t f_url = {"f", TO_T_URL, 0, 0, NULL};
static const to_field_t f_list = {"f", TO_T_LIST, 0, 0, NULL};
static const to_field_t f_obj = {"f", TO_T_OBJECT, 0, 0, NULL};
static const to_field_t f_any = {"f", TO_T_ANY, 0, 0, NULL};

/* Parses JSON text into an object owned by the pool (NULL for null). */
static json_object *parse(const char *text)
{
    enum json_tokener_error err;
    json_object *obj = json_tokener_parse_verbose(text, &err);

    if (err != json_tokener_success) {
        fail_msg("bad test input '%s': %s", text, json_tokener_error_desc(err));
    }
    return to_json_own(pool, obj);
}

static to_verr_t *new_verr(void)
{
    to_verr_t *e = apr_pcalloc(pool, sizeof(*e));

    to_verr_init(e, pool);
    return e;
}

static const char *errors_of(const to_verr_t *e)
{
    return to_json_text(pool, e->list);
}

typedef struct {
    const to_field_t *field;
    const char *input;  /* JSON text */
    const char *errors; /* the error list, NOERR when the value is accepted */
} value_case_t;

static const value_case_t value_cases[] = {
    /* strings */
    {&f_str, "\"\"", NOERR},
    {&f_str, "\"any length at all\"", NOERR},
    {&f_str, "1", ERR("string_type", "Input should be a valid string", "1")},
    {&f_str, "null", ERR("string_type", "Input should be a valid string", "null")},
    {&f_str, "[\"a\"]", ERR("string_type", "Input should be a valid string", "[\"a\"]")},
    {&f_str, "true", ERR("string_type", "Input should be a valid string", "true")},
    {&f_str5, "\"hello\"", NOERR},
    {&f_str5,
     "\"h\xc3\xa9"
     "llo\"",
     NOERR}, /* 5 characters, 6 bytes */
    {&f_str5, "\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\"", NOERR},
    {&f_str5, "\"hello!\"",
     ERRC("string_too_long", "String should have at most 5 characters", "\"hello!\"",
          "{\"max_length\":5}")},
    {&f_str5, "\"h\xc3\xa9llo!\"",
     ERRC("string_too_long", "String should have at most 5 characters", "\"h\xc3\xa9llo!\"",
          "{\"max_length\":5}")},
    {&f_str1, "\"x\"", NOERR},
    {&f_str1, "\"ab\"",
     ERRC("string_too_long", "String should have at most 1 character", "\"ab\"",
          "{\"max_length\":1}")},

    /* integers: 32-bit, lax as pydantic is for JSON bodies */
    {&f_int, "5", NOERR},
    {&f_int, "0", NOERR},
    {&f_int, "2147483647", NOERR},
    {&f_int, "-2147483648", NOERR},
    {&f_int, "2147483648", ERRC("less_than_equal", MSG_LE, "2147483648", CTX_LE)},
    {&f_int, "-2147483649", ERRC("greater_than_equal", MSG_GE, "-2147483649", CTX_GE)},
    {&f_int, "9223372036854775807", ERRC("less_than_equal", MSG_LE, "9223372036854775807", CTX_LE)},
    {&f_int, "9223372036854775808", ERRC("less_than_equal", MSG_LE, "9223372036854775808", CTX_LE)},
    {&f_int, "2.0", NOERR},
    {&f_int, "-0.0", NOERR},
    {&f_int, "1.5",
     ERR("int_from_float", "Input should be a valid integer, got a number with a fractional part",
         "1.5")},
    {&f_int, "30000000000.0", ERRC("less_than_equal", MSG_LE, "30000000000.0", CTX_LE)},
    {&f_int, "-30000000000.0", ERRC("greater_than_equal", MSG_GE, "-30000000000.0", CTX_GE)},
    {&f_int, "1e+30",
     ERR("int_parsing_size", "Unable to parse input string as an integer, exceeded maximum size",
         "1e+30")},
    {&f_int, "-1e+19",
     ERR("int_parsing_size", "Unable to parse input string as an integer, exceeded maximum size",
         "-1e+19")},
    {&f_int, "true", NOERR},
    {&f_int, "false", NOERR},
    {&f_int, "\"12\"", NOERR},
    {&f_int, "\" 12 \"", NOERR},
    {&f_int, "\"+5\"", NOERR},
    {&f_int, "\"-0\"", NOERR},
    {&f_int, "\"1.0\"", NOERR}, /* pydantic drops a zero fraction */
    {&f_int, "\"1_000\"", NOERR},
    {&f_int, "\"abc\"", ERR("int_parsing", MSG_INT_PARSING, "\"abc\"")},
    {&f_int, "\"\"", ERR("int_parsing", MSG_INT_PARSING, "\"\"")},
    {&f_int, "\"0x10\"", ERR("int_parsing", MSG_INT_PARSING, "\"0x10\"")},
    {&f_int, "\"1.5\"", ERR("int_parsing", MSG_INT_PARSING, "\"1.5\"")},
    {&f_int, "\"1e3\"", ERR("int_parsing", MSG_INT_PARSING, "\"1e3\"")},
    {&f_int, "\"12abc\"", ERR("int_parsing", MSG_INT_PARSING, "\"12abc\"")},
    {&f_int, "\"- 5\"", ERR("int_parsing", MSG_INT_PARSING, "\"- 5\"")},
    {&f_int, "\"2147483648\"", ERRC("less_than_equal", MSG_LE, "\"2147483648\"", CTX_LE)},
    {&f_int, "\"-2147483649\"", ERRC("greater_than_equal", MSG_GE, "\"-2147483649\"", CTX_GE)},
    {&f_int, "\"99999999999999999999\"",
     ERRC("less_than_equal", MSG_LE, "\"99999999999999999999\"", CTX_LE)},
    {&f_int, "\"-99999999999999999999\"",
     ERRC("greater_than_equal", MSG_GE, "\"-99999999999999999999\"", CTX_GE)},
    {&f_int, "[]", ERR("int_type", "Input should be a valid integer", "[]")},
    {&f_int, "{}", ERR("int_type", "Input should be a valid integer", "{}")},
    {&f_int, "null", ERR("int_type", "Input should be a valid integer", "null")},

    /* booleans */
    {&f_bool, "true", NOERR},
    {&f_bool, "false", NOERR},
    {&f_bool, "1", NOERR},
    {&f_bool, "0", NOERR},
    {&f_bool, "1.0", NOERR},
    {&f_bool, "0.0", NOERR},
    {&f_bool, "\"TRUE\"", NOERR},
    {&f_bool, "\"yes\"", NOERR},
    {&f_bool, "\"T\"", NOERR},
    {&f_bool, "\"off\"", NOERR},
    {&f_bool, "\"N\"", NOERR},
    {&f_bool, "\"0\"", NOERR},
    {&f_bool, "2", ERR("bool_parsing", MSG_BOOL_PARSING, "2")},
    {&f_bool, "-1", ERR("bool_parsing", MSG_BOOL_PARSING, "-1")},
    {&f_bool, "2.0", ERR("bool_parsing", MSG_BOOL_PARSING, "2.0")},
    {&f_bool, "1.5", ERR("bool_type", "Input should be a valid boolean", "1.5")},
    {&f_bool, "\"abc\"", ERR("bool_parsing", MSG_BOOL_PARSING, "\"abc\"")},
    {&f_bool, "\"\"", ERR("bool_parsing", MSG_BOOL_PARSING, "\"\"")},
    {&f_bool, "\" true\"", ERR("bool_parsing", MSG_BOOL_PARSING, "\" true\"")},
    {&f_bool, "\"1.0\"", ERR("bool_parsing", MSG_BOOL_PARSING, "\"1.0\"")},
    {&f_bool, "[]", ERR("bool_type", "Input should be a valid boolean", "[]")},
    {&f_bool, "{}", ERR("bool_type", "Input should be a valid boolean", "{}")},
    {&f_bool, "null", ERR("bool_type", "Input should be a valid boolean", "null")},

    /* enumerations */
    {&f_enum, "\"a\"", NOERR},
    {&f_enum, "\"c\"", NOERR},
    {&f_enum, "\"d\"", ERRC("enum", MSG_ABC, "\"d\"", CTX_ABC)},
    {&f_enum, "\"A\"", ERRC("enum", MSG_ABC, "\"A\"", CTX_ABC)},
    {&f_enum, "\"\"", ERRC("enum", MSG_ABC, "\"\"", CTX_ABC)},
    {&f_enum, "1", ERRC("enum", MSG_ABC, "1", CTX_ABC)},
    {&f_enum, "null", ERRC("enum", MSG_ABC, "null", CTX_ABC)},
    {&f_enum, "[\"a\"]", ERRC("enum", MSG_ABC, "[\"a\"]", CTX_ABC)},

    /* http(s) URLs */
    {&f_url, "\"http://x\"", NOERR},
    {&f_url, "\"https://example.com/a/b?c=d#e\"", NOERR},
    {&f_url, "\"HTTPS://Example.com\"", NOERR},
    {&f_url, "\"http://x.com:8080/\"", NOERR},
    {&f_url, "\"http://user:pw@x/\"", NOERR},
    {&f_url, "\"https://x.com/a b\"", NOERR},
    {&f_url, "\"http:///x\"", NOERR},
    {&f_url, "\"ftp://x\"",
     ERRC("url_scheme", "URL scheme should be 'http' or 'https'", "\"ftp://x\"", CTX_SCHEMES)},
    {&f_url, "\"h+t://x\"",
     ERRC("url_scheme", "URL scheme should be 'http' or 'https'", "\"h+t://x\"", CTX_SCHEMES)},
    {&f_url, "\"mailto:a@b\"",
     ERRC("url_scheme", "URL scheme should be 'http' or 'https'", "\"mailto:a@b\"", CTX_SCHEMES)},
    {&f_url, "\"x\"",
     ERRC("url_parsing", "Input should be a valid URL, relative URL without a base", "\"x\"",
          "{\"error\":\"relative URL without a base\"}")},
    {&f_url, "\"/path\"",
     ERRC("url_parsing", "Input should be a valid URL, relative URL without a base", "\"/path\"",
          "{\"error\":\"relative URL without a base\"}")},
    {&f_url, "\"1http://x\"",
     ERRC("url_parsing", "Input should be a valid URL, relative URL without a base",
          "\"1http://x\"", "{\"error\":\"relative URL without a base\"}")},
    {&f_url, "\"\"",
     ERRC("url_parsing", "Input should be a valid URL, input is empty", "\"\"",
          "{\"error\":\"input is empty\"}")},
    {&f_url, "\"http://\"",
     ERRC("url_parsing", "Input should be a valid URL, empty host", "\"http://\"",
          "{\"error\":\"empty host\"}")},
    {&f_url, "\"http://a b/\"",
     ERRC("url_parsing", "Input should be a valid URL, invalid international domain name",
          "\"http://a b/\"", "{\"error\":\"invalid international domain name\"}")},
    {&f_url, "\"http://x:99999\"",
     ERRC("url_parsing", "Input should be a valid URL, invalid port number", "\"http://x:99999\"",
          "{\"error\":\"invalid port number\"}")},
    {&f_url, "\"http://x:abc/\"",
     ERRC("url_parsing", "Input should be a valid URL, invalid port number", "\"http://x:abc/\"",
          "{\"error\":\"invalid port number\"}")},
    {&f_url, "1", ERR("url_type", "URL input should be a string or URL", "1")},
    {&f_url, "null", ERR("url_type", "URL input should be a string or URL", "null")},

    /* lists, objects, anything */
    {&f_list, "[]", NOERR},
    {&f_list, "[1, \"a\"]", NOERR},
    {&f_list, "1", ERR("list_type", "Input should be a valid list", "1")},
    {&f_list, "\"abc\"", ERR("list_type", "Input should be a valid list", "\"abc\"")},
    {&f_list, "{}", ERR("list_type", "Input should be a valid list", "{}")},
    {&f_list, "null", ERR("list_type", "Input should be a valid list", "null")},
    {&f_obj, "{}", NOERR},
    {&f_obj, "{\"a\":1}", NOERR},
    {&f_obj, "[]", ERR("model_attributes_type", MSG_MODEL, "[]")},
    {&f_obj, "\"x\"", ERR("model_attributes_type", MSG_MODEL, "\"x\"")},
    {&f_obj, "7", ERR("model_attributes_type", MSG_MODEL, "7")},
    {&f_obj, "null", ERR("model_attributes_type", MSG_MODEL, "null")},
    {&f_any, "null", NOERR},
    {&f_any, "{\"a\":[1]}", NOERR},
};

static void test_validate_value(void **state)
{
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
        const value_case_t *c = &value_cases[i];
        to_verr_t *e = new_verr();
        json_object *loc = to_loc_key(e, to_loc(e, "body"), "f");
        int ok = to_validate_value(e, loc, parse(c->input), c->field);
        const char *got = errors_of(e);
        int want_ok = !strcmp(c->errors, NOERR);

        if (ok != want_ok || strcmp(got, c->errors)) {
            print_error("row %d input %s:\n  got      %d %s\n  expected %d %s\n", (int)i, c->input,
                        ok, got, want_ok, c->errors);
            bad++;
        }
    }
    if (bad) {
        fail_msg("%d value rows failed", bad);
    }
}

/* Strings of n copies of s. */
static const char *repeat(const char *s, int n)
{
    const char *r = "";
    int i;

    for (i = 0; i < n; i++) {
        r = apr_pstrcat(pool, r, s, NULL);
    }
    return r;
}

static void test_url_length(void **state)
{
    const char *ok = apr_pstrcat(pool, "http://", repeat("a", 2076), NULL); /* 2083 */
    const char *longer = apr_pstrcat(pool, "http://", repeat("a", 2077), NULL);
    const char *type = NULL;
    to_verr_t *e = new_verr();
    json_object *in = to_json_own(pool, json_object_new_string(longer));
    json_object *err;

    (void)state;
    assert_null(to_check_http_url(ok, &type));
    assert_string_equal(to_check_http_url(longer, &type),
                        "URL should have at most 2083 characters");
    assert_string_equal(type, "url_too_long");

    assert_false(to_validate_value(e, to_loc(e, "f"), in, &f_url));
    assert_int_equal(to_verr_count(e), 1);
    err = json_object_array_get_idx(e->list, 0);
    /* compared without the 2084-character input, which is checked apart */
    assert_string_equal(json_object_get_string(to_json_get(err, "input", NULL)), longer);
    json_object_object_del(err, "input");
    assert_string_equal(errors_of(e),
                        "[{\"type\":\"url_too_long\",\"loc\":[\"f\"],\"msg\":\"URL should have at "
                        "most 2083 characters\",\"ctx\":{\"max_length\":2083}}]");
}

static void test_check_http_url(void **state)
{
    static const struct {
        const char *url;
        const char *type; /* NULL: valid */
        const char *msg;
    } cases[] = {
        {"http://x", NULL, NULL},
        {"https://x/", NULL, NULL},
        {"HtTp://x", NULL, NULL},
        {"https://x?q", NULL, NULL},
        {"ftp://x", "url_scheme", "URL scheme should be 'http' or 'https'"},
        {"x", "url_parsing", "Input should be a valid URL, relative URL without a base"},
        {"://x", "url_parsing", "Input should be a valid URL, relative URL without a base"},
        {"http://", "url_parsing", "Input should be a valid URL, empty host"},
        {"http://?q", "url_parsing", "Input should be a valid URL, empty host"},
        {"http://#f", "url_parsing", "Input should be a valid URL, empty host"},
        {"http://a b", "url_parsing",
         "Input should be a valid URL, invalid international domain name"},
        {"http://a\x01b/", "url_parsing",
         "Input should be a valid URL, invalid international domain name"},
        {"http://a<b/", "url_parsing",
         "Input should be a valid URL, invalid international domain name"},
        {"http://a\tb/c", NULL, NULL}, /* tabs and newlines are removed first */
        {"http://ab/c d?e f", NULL, NULL},
    };
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *type = NULL;
        const char *msg = to_check_http_url(cases[i].url, &type);

        if (!cases[i].type) {
            if (msg) {
                print_error("row %d %s: refused with %s\n", (int)i, cases[i].url, msg);
                bad++;
            }
            continue;
        }
        if (!msg || strcmp(msg, cases[i].msg) || !type || strcmp(type, cases[i].type)) {
            print_error("row %d %s: got %s \"%s\", expected %s \"%s\"\n", (int)i, cases[i].url,
                        type ? type : "(none)", msg ? msg : "(accepted)", cases[i].type,
                        cases[i].msg);
            bad++;
        }
    }
    if (bad) {
        fail_msg("%d URL rows failed", bad);
    }
}

static void test_normal_http_url(void **state)
{
    static const struct {
        const char *url, *normal;
    } cases[] = {
        {"http://x", "http://x/"},
        {"https://x.example.com:8080", "https://x.example.com:8080/"},
        {"http://x/", "http://x/"},
        {"http://x/a/b", "http://x/a/b"},
        {"http://x/a?b#c", "http://x/a?b#c"},
        /* a bare host gets its "/" before the query or fragment too */
        {"http://x?q=1", "http://x/?q=1"},
        {"http://x#f", "http://x/#f"},
        /* pydantic lower-cases scheme and host and drops default ports */
        {"HTTP://Ex.COM/Path", "http://ex.com/Path"},
        {"http://x:80", "http://x/"},
        {"https://x:443/a", "https://x/a"},
    };
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = to_normal_http_url(pool, cases[i].url);
        if (strcmp(got, cases[i].normal)) {
            print_error("row %d %s: got %s, expected %s\n", (int)i, cases[i].url, got,
                        cases[i].normal);
            bad++;
        }
    }
    if (bad) {
        fail_msg("%d URL rows failed", bad);
    }
}

static void test_parse_int32(void **state)
{
    static const struct {
        const char *s;
        int value;
        const char *err; /* NULL: parsed */
    } cases[] = {
        {"0", 0, NULL},
        {"42", 42, NULL},
        {"-7", -7, NULL},
        {"+5", 5, NULL},
        {" 42 ", 42, NULL},
        {"\t42\n", 42, NULL},
        {"0042", 42, NULL},
        {"2147483647", 2147483647, NULL},
        {"-2147483648", -2147483647 - 1, NULL},
        {"1.0", 1, NULL},      /* pydantic strips a zero fraction */
        {"1.00", 1, NULL},     /* ... of any length */
        {"1_000", 1000, NULL}, /* and accepts Python's digit separators */
        {"2147483648", 0, "less_than_equal"},
        {"99999999999999999999", 0, "less_than_equal"},
        {"-2147483649", 0, "greater_than_equal"},
        {"-99999999999999999999", 0, "greater_than_equal"},
        {"", 0, "int_parsing"},
        {"   ", 0, "int_parsing"},
        {"abc", 0, "int_parsing"},
        {"12abc", 0, "int_parsing"},
        {"1.5", 0, "int_parsing"},
        {"1.01", 0, "int_parsing"},
        {"1e3", 0, "int_parsing"},
        {"0x10", 0, "int_parsing"},
        {"- 5", 0, "int_parsing"},
        {"+-1", 0, "int_parsing"},
        {"1 000", 0, "int_parsing"},
        {"1__000", 0, "int_parsing"},
        {"_1000", 0, "int_parsing"},
        {"1000_", 0, "int_parsing"},
    };
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int out = -42;
        const char *type = NULL;
        int ok = to_parse_int32(cases[i].s, &out, &type);

        if (cases[i].err ? (ok || !type || strcmp(type, cases[i].err))
                         : (!ok || out != cases[i].value)) {
            print_error("row %d \"%s\": got %s %d, expected %s %d\n", (int)i, cases[i].s,
                        ok ? "ok" : (type ? type : "(no type)"), out,
                        cases[i].err ? cases[i].err : "ok", cases[i].value);
            bad++;
        }
    }
    if (bad) {
        fail_msg("%d int32 rows failed", bad);
    }
}

static void test_loc(void **state)
{
    to_verr_t *e = new_verr();
    json_object *body = to_loc(e, "body");
    json_object *items = to_loc_key(e, body, "items");
    json_object *third = to_loc_index(e, items, 2);
    json_object *name = to_loc_key(e, third, "name");

    (void)state;
    assert_string_equal(to_json_text(pool, body), "[\"body\"]");
    assert_string_equal(to_json_text(pool, items), "[\"body\",\"items\"]");
    assert_string_equal(to_json_text(pool, third), "[\"body\",\"items\",2]");
    assert_string_equal(to_json_text(pool, name), "[\"body\",\"items\",2,\"name\"]");
    /* extending copies: the base is unchanged */
    assert_string_equal(to_json_text(pool, body), "[\"body\"]");
    assert_string_equal(to_json_text(pool, to_loc_index(e, NULL, 0)), "[0]");
    assert_string_equal(to_json_text(pool, to_loc_key(e, NULL, "query")), "[\"query\"]");
    assert_string_equal(to_json_text(pool, to_loc(e, "[key]")), "[\"[key]\"]");
}

static void test_verr_add(void **state)
{
    to_verr_t *e = new_verr();
    json_object *loc = to_loc(e, "body");
    json_object *in = parse("{\"x\":1}");
    json_object *ctx = json_object_new_object();

    (void)state;
    assert_int_equal(to_verr_count(e), 0);
    assert_string_equal(errors_of(e), "[]");
    json_object_object_add(ctx, "k", json_object_new_string("v"));
    to_verr_add(e, "t1", loc, "m1", in, ctx);
    to_verr_add(e, "missing", to_loc_key(e, loc, "a"), "Field required", NULL, NULL);
    to_verr_value_error(e, to_loc_key(e, loc, "b"), "bad thing", in);
    assert_int_equal(to_verr_count(e), 3);
    assert_string_equal(
        errors_of(e),
        "[{\"type\":\"t1\",\"loc\":[\"body\"],\"msg\":\"m1\",\"input\":{\"x\":1},\"ctx\":{\"k\":"
        "\"v\"}},{\"type\":\"missing\",\"loc\":[\"body\",\"a\"],\"msg\":\"Field "
        "required\",\"input\":null},{\"type\":\"value_error\",\"loc\":[\"body\",\"b\"],\"msg\":"
        "\"Value error, bad thing\",\"input\":{\"x\":1},\"ctx\":{\"error\":{}}}]");
}

static void test_choices_text(void **state)
{
    static const char *const one[] = {"a", NULL};
    static const char *const two[] = {"a", "b", NULL};
    static const char *const four[] = {"snap", "deb", "charm", "image", NULL};
    static const char *const none[] = {NULL};
    to_verr_t *e = new_verr();

    (void)state;
    assert_string_equal(to_choices_text(pool, one), "'a'");
    assert_string_equal(to_choices_text(pool, two), "'a' or 'b'");
    assert_string_equal(to_choices_text(pool, abc), "'a', 'b' or 'c'");
    assert_string_equal(to_choices_text(pool, four), "'snap', 'deb', 'charm' or 'image'");
    assert_string_equal(to_choices_text(pool, none), "");

    to_verr_enum(e, to_loc(e, "family"), parse("\"rpm\""), four);
    assert_string_equal(errors_of(e),
                        "[{\"type\":\"enum\",\"loc\":[\"family\"],\"msg\":\"Input should be "
                        "'snap', 'deb', 'charm' or 'image'\",\"input\":\"rpm\",\"ctx\":{"
                        "\"expected\":\"'snap', 'deb', 'charm' or 'image'\"}}]");
}

/* A model in the shape of upstream's request bodies. */
static const to_field_t model[] = {
    {"name", TO_T_STR, TO_REQUIRED, 10, NULL},
    {"count", TO_T_INT, 0, 0, NULL},
    {"flag", TO_T_BOOL, TO_NULLABLE, 0, NULL},
    {"kind", TO_T_ENUM, TO_REQUIRED, 0, abc},
    {"link", TO_T_URL, TO_NULLABLE, 0, NULL},
    {"either", TO_T_STR, TO_REQUIRED | TO_NULLABLE, 0, NULL},
};
#define NMODEL ((int)(sizeof(model) / sizeof(model[0])))

typedef struct {
    const char *input;
    int ok;
    const char *errors;
} object_case_t;

static void test_validate_object(void **state)
{
    static const object_case_t cases[] = {
        {"{\"name\":\"n\",\"kind\":\"a\",\"either\":null}", 1, NOERR},
        {"{\"name\":\"n\",\"kind\":\"b\",\"either\":\"e\",\"count\":3,\"flag\":null,"
         "\"link\":null,\"extra\":[1]}",
         1, NOERR},
        /* every required field missing, in declaration order, the whole
         * object as input */
        {"{}", 0,
         "[{\"type\":\"missing\",\"loc\":[\"body\",\"name\"],\"msg\":\"Field required\","
         "\"input\":{}},{\"type\":\"missing\",\"loc\":[\"body\",\"kind\"],\"msg\":\"Field "
         "required\",\"input\":{}},{\"type\":\"missing\",\"loc\":[\"body\",\"either\"],\"msg\":"
         "\"Field required\",\"input\":{}}]"},
        /* errors follow the fields' order, not the keys' */
        {"{\"either\":1,\"kind\":\"z\",\"count\":\"x\",\"name\":\"12345678901\"}", 0,
         "[{\"type\":\"string_too_long\",\"loc\":[\"body\",\"name\"],\"msg\":\"String should have "
         "at most 10 characters\",\"input\":\"12345678901\",\"ctx\":{\"max_length\":10}},"
         "{\"type\":\"int_parsing\",\"loc\":[\"body\",\"count\"],\"msg\":\"" MSG_INT_PARSING
         "\",\"input\":\"x\"},{\"type\":\"enum\",\"loc\":[\"body\",\"kind\"],\"msg\":\"" MSG_ABC
         "\",\"input\":\"z\",\"ctx\":" CTX_ABC "},{\"type\":\"string_type\",\"loc\":[\"body\","
         "\"either\"],\"msg\":\"Input should be a valid string\",\"input\":1}]"},
        /* null is an error for a field that is not nullable */
        {"{\"name\":null,\"kind\":\"a\",\"either\":null,\"count\":null}", 0,
         "[{\"type\":\"string_type\",\"loc\":[\"body\",\"name\"],\"msg\":\"Input should be a "
         "valid string\",\"input\":null},{\"type\":\"int_type\",\"loc\":[\"body\",\"count\"],"
         "\"msg\":\"Input should be a valid integer\",\"input\":null}]"},
        {"[]", 0,
         "[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],\"msg\":\"" MSG_MODEL
         "\",\"input\":[]}]"},
        {"\"x\"", 0,
         "[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],\"msg\":\"" MSG_MODEL
         "\",\"input\":\"x\"}]"},
        {"null", 0,
         "[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],\"msg\":\"" MSG_MODEL
         "\",\"input\":null}]"},
    };
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        to_verr_t *e = new_verr();
        to_obj_t o;
        const char *got;

        to_validate_object(e, to_loc(e, "body"), parse(cases[i].input), model, NMODEL, &o);
        got = errors_of(e);
        if (o.ok != cases[i].ok || strcmp(got, cases[i].errors)) {
            print_error("row %d input %s:\n  got      %d %s\n  expected %d %s\n", (int)i,
                        cases[i].input, o.ok, got, cases[i].ok, cases[i].errors);
            bad++;
        }
        assert_ptr_equal(o.fields, model);
        assert_int_equal(o.nfields, NMODEL);
        assert_non_null(o.values);
        assert_non_null(o.present);
    }
    if (bad) {
        fail_msg("%d object rows failed", bad);
    }
}

static void test_object_getters(void **state)
{
    to_verr_t *e = new_verr();
    to_obj_t o;

    (void)state;
    to_validate_object(e, to_loc(e, "body"),
                       parse("{\"name\":\"n\",\"count\":\"12\",\"flag\":\"yes\",\"kind\":\"c\","
                             "\"link\":null,\"either\":null}"),
                       model, NMODEL, &o);
    assert_true(o.ok);
    assert_string_equal(to_obj_str(&o, "name", "d"), "n");
    assert_string_equal(to_obj_str(&o, "kind", "d"), "c");
    assert_int_equal(to_obj_int(&o, "count", -1), 12);
    assert_int_equal(to_obj_bool(&o, "flag", -1), 1);
    /* null: given, but the default */
    assert_true(to_obj_given(&o, "link"));
    assert_null(to_obj_get(&o, "link"));
    assert_string_equal(to_obj_str(&o, "link", "none"), "none");
    assert_null(to_obj_str(&o, "either", NULL));
    /* unknown names */
    assert_false(to_obj_given(&o, "nope"));
    assert_null(to_obj_get(&o, "nope"));
    assert_int_equal(to_obj_int(&o, "nope", 9), 9);
    assert_int_equal(to_obj_bool(&o, "nope", 1), 1);

    e = new_verr();
    to_validate_object(
        e, to_loc(e, "body"),
        parse("{\"name\":\"n\",\"count\":7,\"flag\":\"off\",\"kind\":\"a\",\"either\":\"e\"}"),
        model, NMODEL, &o);
    assert_true(o.ok);
    assert_int_equal(to_obj_int(&o, "count", -1), 7);
    assert_int_equal(to_obj_bool(&o, "flag", -1), 0);
    assert_false(to_obj_given(&o, "link"));
    assert_string_equal(to_obj_str(&o, "link", "none"), "none");
    assert_string_equal(to_obj_str(&o, "either", NULL), "e");

    e = new_verr();
    to_validate_object(e, to_loc(e, "body"),
                       parse("{\"name\":\"n\",\"count\":true,\"flag\":1,\"kind\":\"a\","
                             "\"either\":null,\"link\":\"https://x\"}"),
                       model, NMODEL, &o);
    assert_true(o.ok);
    assert_int_equal(to_obj_int(&o, "count", -1), 1);
    assert_int_equal(to_obj_bool(&o, "flag", -1), 1);
    assert_string_equal(to_obj_str(&o, "link", NULL), "https://x");

    /* invalid values are not kept: the getters give the defaults */
    e = new_verr();
    to_validate_object(e, to_loc(e, "body"),
                       parse("{\"name\":5,\"count\":\"x\",\"flag\":\"maybe\",\"kind\":\"a\"}"),
                       model, NMODEL, &o);
    assert_false(o.ok);
    assert_true(to_obj_given(&o, "name"));
    assert_string_equal(to_obj_str(&o, "name", "dflt"), "dflt");
    assert_int_equal(to_obj_int(&o, "count", -1), -1);
    assert_int_equal(to_obj_bool(&o, "flag", -1), -1);
    assert_string_equal(to_obj_str(&o, "kind", NULL), "a");

    /* not an object: nothing given */
    e = new_verr();
    to_validate_object(e, to_loc(e, "body"), parse("[1]"), model, NMODEL, &o);
    assert_false(o.ok);
    assert_false(to_obj_given(&o, "name"));
    assert_string_equal(to_obj_str(&o, "name", "d"), "d");
}

/* ok reports this object's errors only, not earlier ones */
static void test_object_ok_is_local(void **state)
{
    static const to_field_t one[] = {{"a", TO_T_INT, TO_REQUIRED, 0, NULL}};
    to_verr_t *e = new_verr();
    to_obj_t o;

    (void)state;
    to_verr_add(e, "x", to_loc(e, "query"), "earlier", NULL, NULL);
    to_validate_object(e, to_loc(e, "body"), parse("{\"a\":1}"), one, 1, &o);
    assert_true(o.ok);
    to_validate_object(e, to_loc(e, "body"), parse("{}"), one, 1, &o);
    assert_false(o.ok);
    assert_int_equal(to_verr_count(e), 2);
    /* no fields at all */
    to_validate_object(e, to_loc(e, "body"), parse("{}"), one, 0, &o);
    assert_true(o.ok);
}

#define LOC_M "[\"body\",\"execution_metadata\""
#define MSG_SHORT "String should have at least 1 character"

static void test_validate_metadata(void **state)
{
    static const object_case_t cases[] = {
        {"{}", 1, NOERR},
        {"{\"k\":[\"a\",\"b\"],\"other\":[]}", 1, NOERR},
        {"[]", 0,
         "[{\"type\":\"dict_type\",\"loc\":" LOC_M "],\"msg\":\"Input should be a valid "
         "dictionary\",\"input\":[]}]"},
        {"null", 0,
         "[{\"type\":\"dict_type\",\"loc\":" LOC_M "],\"msg\":\"Input should be a valid "
         "dictionary\",\"input\":null}]"},
        {"{\"\":[\"a\"]}", 0,
         "[{\"type\":\"string_too_short\",\"loc\":" LOC_M ",\"\",\"[key]\"],\"msg\":\"" MSG_SHORT
         "\",\"input\":\"\",\"ctx\":{\"min_length\":1}}]"},
        {"{\"k\":\"x\"}", 0,
         "[{\"type\":\"list_type\",\"loc\":" LOC_M ",\"k\"],\"msg\":\"Input should be a valid "
         "list\",\"input\":\"x\"}]"},
        {"{\"k\":[\"\",1,\"ok\",null]}", 0,
         "[{\"type\":\"string_too_short\",\"loc\":" LOC_M ",\"k\",0],\"msg\":\"" MSG_SHORT
         "\",\"input\":\"\",\"ctx\":{\"min_length\":1}},{\"type\":\"string_type\",\"loc\":" LOC_M
         ",\"k\",1],\"msg\":\"Input should be a valid string\",\"input\":1},{\"type\":"
         "\"string_type\",\"loc\":" LOC_M ",\"k\",3],\"msg\":\"Input should be a valid "
         "string\",\"input\":null}]"},
        /* a bad key and its bad value are both reported */
        {"{\"\":5}", 0,
         "[{\"type\":\"string_too_short\",\"loc\":" LOC_M ",\"\",\"[key]\"],\"msg\":\"" MSG_SHORT
         "\",\"input\":\"\",\"ctx\":{\"min_length\":1}},{\"type\":\"list_type\",\"loc\":" LOC_M
         ",\"\"],\"msg\":\"Input should be a valid list\",\"input\":5}]"},
    };
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        to_verr_t *e = new_verr();
        json_object *loc = to_loc_key(e, to_loc(e, "body"), "execution_metadata");
        int ok = to_validate_metadata(e, loc, parse(cases[i].input));
        const char *got = errors_of(e);

        if (ok != cases[i].ok || strcmp(got, cases[i].errors)) {
            print_error("row %d input %s:\n  got      %d %s\n  expected %d %s\n", (int)i,
                        cases[i].input, ok, got, cases[i].ok, cases[i].errors);
            bad++;
        }
    }
    if (bad) {
        fail_msg("%d metadata rows failed", bad);
    }
}

/* 200 characters are allowed, counted as characters, not bytes. */
static void test_metadata_lengths(void **state)
{
    const char *max = repeat("\xc3\xa9", 200);
    const char *over = repeat("x", 201);
    to_verr_t *e = new_verr();
    const char *doc = apr_pstrcat(pool, "{\"", max, "\":[\"", max, "\"]}", NULL);

    (void)state;
    assert_true(to_validate_metadata(e, to_loc(e, "m"), parse(doc)));
    assert_int_equal(to_verr_count(e), 0);

    doc = apr_pstrcat(pool, "{\"", over, "\":[\"", over, "\"]}", NULL);
    assert_false(to_validate_metadata(e, to_loc(e, "m"), parse(doc)));
    assert_string_equal(
        errors_of(e),
        apr_pstrcat(pool, "[{\"type\":\"string_too_long\",\"loc\":[\"m\",\"", over,
                    "\",\"[key]\"],\"msg\":\"String should have at most 200 characters\","
                    "\"input\":\"",
                    over,
                    "\",\"ctx\":{\"max_length\":200}},{\"type\":\"string_too_long\",\"loc\":[\"m\","
                    "\"",
                    over,
                    "\",0],\"msg\":\"String should have at most 200 characters\",\"input\":\"",
                    over, "\",\"ctx\":{\"max_length\":200}}]", NULL));
}

/* Query integers: the answers of a FastAPI int query parameter with ge/le
 * (an error at ["query","n"]), and no upper bound when max < min. */
static void test_query_int(void **state)
{
#define QLOC "\"loc\":[\"query\",\"n\"]"
#define QPARSE(in)                                                                                 \
    "[{\"type\":\"int_parsing\"," QLOC ",\"msg\":\"" MSG_INT_PARSING "\",\"input\":\"" in "\"}]"
#define QBOUND(type, word, op, bound, in)                                                          \
    "[{\"type\":\"" type "\"," QLOC ",\"msg\":\"Input should be " word " than or equal to " bound  \
    "\",\"input\":\"" in "\",\"ctx\":{\"" op "\":" bound "}}]"
    static const struct {
        const char *s;
        long long min, max;
        long long value;    /* when accepted */
        const char *errors; /* NOERR when accepted */
    } cases[] = {
        {"5", 1, 1000, 5, NOERR},
        {" 7 ", 1, 1000, 7, NOERR},
        {"+8", 1, 1000, 8, NOERR},
        {"1000", 1, 1000, 1000, NOERR},
        {"1001", 1, 1000, 0, QBOUND("less_than_equal", "less", "le", "1000", "1001")},
        {"0", 1, 1000, 0, QBOUND("greater_than_equal", "greater", "ge", "1", "0")},
        {"-3", 0, -1, 0, QBOUND("greater_than_equal", "greater", "ge", "0", "-3")},
        {"", 0, -1, 0, QPARSE("")},
        {"  ", 0, -1, 0, QPARSE("  ")},
        {"x", 0, -1, 0, QPARSE("x")},
        {"1.0", 0, -1, 0, QPARSE("1.0")},
        {"12 3", 0, -1, 0, QPARSE("12 3")},
        /* unbounded: past 64 bits reads as the largest */
        {"123456789012", 0, -1, 123456789012LL, NOERR},
        {"99999999999999999999", 0, -1, 9223372036854775807LL, NOERR},
        {"-99999999999999999999", 0, -1, 0,
         QBOUND("greater_than_equal", "greater", "ge", "0", "-99999999999999999999")},
        /* bounded by the 64-bit range: past it is over the bound */
        {"99999999999999999999", 0, 9223372036854775807LL, 0,
         QBOUND("less_than_equal", "less", "le", "9223372036854775807", "99999999999999999999")},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        to_verr_t *e = new_verr();
        long long out = -42;
        int ok = to_query_int(e, to_loc_key(e, to_loc(e, "query"), "n"), cases[i].s, cases[i].min,
                              cases[i].max, &out);

        assert_string_equal(errors_of(e), cases[i].errors);
        assert_int_equal(ok, !strcmp(cases[i].errors, NOERR));
        assert_int_equal(out, ok ? cases[i].value : -42);
    }
#undef QLOC
#undef QPARSE
#undef QBOUND
}

/* Boolean words and lax boolean values, as pydantic reads them. */
static void test_bool_words(void **state)
{
    static const char *const yes[] = {"true", "1", "yes", "on", "t", "y", "TRUE", "Yes", "oN"};
    static const char *const no[] = {"false", "0", "no", "off", "f", "n", "False", "NO", "Off"};
    static const char *const neither[] = {"", "2", "yess", "tru", "nope", " true", "-1", "1.0"};
    size_t i;
    int v;

    (void)state;
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        v = -1;
        assert_true(to_bool_word(yes[i], &v));
        assert_int_equal(v, 1);
        assert_true(to_lax_bool(parse(apr_psprintf(pool, "\"%s\"", yes[i]))));
    }
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        v = -1;
        assert_true(to_bool_word(no[i], &v));
        assert_int_equal(v, 0);
        assert_false(to_lax_bool(parse(apr_psprintf(pool, "\"%s\"", no[i]))));
    }
    for (i = 0; i < sizeof(neither) / sizeof(neither[0]); i++) {
        v = -1;
        assert_false(to_bool_word(neither[i], &v));
        assert_int_equal(v, -1);
    }
    assert_true(to_lax_bool(parse("true")));
    assert_true(to_lax_bool(parse("1")));
    assert_true(to_lax_bool(parse("1.0")));
    assert_false(to_lax_bool(parse("false")));
    assert_false(to_lax_bool(parse("0")));
    assert_false(to_lax_bool(parse("0.0")));
    assert_false(to_lax_bool(NULL));
}

/* to_lax_int reads what validation let through as pydantic does. */
static void test_lax_int(void **state)
{
    (void)state;
    assert_int_equal(to_lax_int(parse("7")), 7);
    assert_int_equal(to_lax_int(parse("-7")), -7);
    assert_int_equal(to_lax_int(parse("\"7\"")), 7);
    assert_int_equal(to_lax_int(parse("\" 1_000 \"")), 1000);
    assert_int_equal(to_lax_int(parse("\"7.00\"")), 7);
    assert_int_equal(to_lax_int(parse("\"-2147483648\"")), INT_MIN);
    assert_int_equal(to_lax_int(parse("2147483647")), INT_MAX);
    assert_int_equal(to_lax_int(parse("7.0")), 7);
    assert_int_equal(to_lax_int(parse("-3.0")), -3);
    assert_int_equal(to_lax_int(parse("true")), 1);
    assert_int_equal(to_lax_int(parse("false")), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_value),     cmocka_unit_test(test_url_length),
        cmocka_unit_test(test_check_http_url),     cmocka_unit_test(test_normal_http_url),
        cmocka_unit_test(test_parse_int32),        cmocka_unit_test(test_loc),
        cmocka_unit_test(test_verr_add),           cmocka_unit_test(test_choices_text),
        cmocka_unit_test(test_validate_object),    cmocka_unit_test(test_object_getters),
        cmocka_unit_test(test_object_ok_is_local), cmocka_unit_test(test_validate_metadata),
        cmocka_unit_test(test_metadata_lengths),   cmocka_unit_test(test_query_int),
        cmocka_unit_test(test_bool_words),         cmocka_unit_test(test_lax_int),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests_name("validate", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
