/* Unit tests of json/to_json.c: parsing with Python-worded errors,
 * compacting PostgreSQL's JSON text, serialising, pool-bound lifetimes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "json/to_json.h"

static apr_pool_t *pool;

/* Sizes of string literals that may hold NUL bytes. */
#define TEXT(s) s, sizeof(s) - 1

typedef struct {
    const char *text;
    apr_size_t len;
    const char *value; /* serialised result, "null" for JSON null */
} parse_ok_t;

typedef struct {
    const char *text;
    apr_size_t len;
    const char *error; /* as Python's json module words it */
    long offset;       /* as Python's json module reports it */
} parse_err_t;

static void test_parse_valid(void **state)
{
    static const parse_ok_t cases[] = {
        {TEXT("{\"a\": [1, 2.5, \"x\", true, null]}"), "{\"a\":[1,2.5,\"x\",true,null]}"},
        {TEXT("  {\"a\":1}\t\r\n"), "{\"a\":1}"},
        {TEXT("{} \n"), "{}"},
        {TEXT("[]"), "[]"},
        {TEXT("\"s\""), "\"s\""},
        {TEXT("\"h\xc3\xa9\""), "\"h\xc3\xa9\""},
        {TEXT("\"\\u00e9\""), "\"\xc3\xa9\""},
        {TEXT("{\"url\": \"http:\\/\\/x\\/y\"}"), "{\"url\":\"http://x/y\"}"},
        /* documents that end at the last byte, with nothing after them */
        {TEXT("123"), "123"},
        {TEXT("-1.5"), "-1.5"},
        {TEXT("true"), "true"},
        {TEXT("false"), "false"},
        {TEXT("null"), "null"},
        {TEXT("123 "), "123"},
    };
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        to_json_parse_t res;
        apr_status_t rv = to_json_parse(pool, cases[i].text, cases[i].len, &res);
        const char *got = rv == APR_SUCCESS ? to_json_text(pool, res.value) : NULL;

        if (rv != APR_SUCCESS || strcmp(got, cases[i].value)) {
            print_error("row %d '%s': got %s (%s at %ld), expected %s\n", (int)i, cases[i].text,
                        got ? got : "failure", res.error ? res.error : "no error", res.offset,
                        cases[i].value);
            bad++;
        }
        else if (res.error) {
            print_error("row %d: error %s set on success\n", (int)i, res.error);
            bad++;
        }
    }
    if (bad) {
        fail_msg("%d valid documents were not parsed", bad);
    }
}

static void test_parse_invalid(void **state)
{
    static const parse_err_t cases[] = {
        /* trailing data */
        {TEXT("{\"a\":1} x"), "Extra data", 8},
        {TEXT("{}{}"), "Extra data", 2},
        {TEXT("[1] ]"), "Extra data", 4},
        {TEXT("{} \n x"), "Extra data", 5},
        {TEXT("{}\0"), "Extra data", 2},
        {TEXT("{}\0x"), "Extra data", 2},
        /* truncated: "Expecting value" where the text ends */
        {TEXT("{\"a\": "), "Expecting value", 6},
        {TEXT("[1, "), "Expecting value", 4},
        {TEXT(""), "Expecting value", 0},
        {TEXT("   "), "Expecting value", 3},
        /* malformed */
        {TEXT("'a'"), "Expecting value", 0},
        {TEXT("[1,]"), "Expecting value", 3},
        {TEXT("[1 2]"), "Expecting ',' delimiter", 3},
        {TEXT("{a:1}"), "Expecting property name enclosed in double quotes", 1},
        {TEXT("{\"a\" 1}"), "Expecting ':' delimiter", 5},
        /* invalid UTF-8 is refused where the sequence breaks */
        {TEXT("\"\xff\""), "Invalid UTF-8", 1},
        {TEXT("{\"a\":\"\xc3\x28\"}"), "Invalid UTF-8", 7},
        /* what json-c's own check lets through: overlong forms, UTF-16
         * surrogates, code points past U+10FFFF; where the break is */
        {TEXT("\"\xc0\xaf\""), "Invalid UTF-8", 1},
        {TEXT("[\"ok\", \"\xed\xa0\x80\"]"), "Invalid UTF-8", 9},
        {TEXT("\"\xf4\x90\x80\x80\""), "Invalid UTF-8", 2},
        {TEXT("{\"\xe0\x80\xaf\": 1}"), "Invalid UTF-8", 3},
        {TEXT("\"\xe2\x82"), "Invalid UTF-8", 3},
    };
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        to_json_parse_t res;
        apr_status_t rv = to_json_parse(pool, cases[i].text, cases[i].len, &res);

        if (rv != APR_EINVAL || !res.error || strcmp(res.error, cases[i].error) ||
            res.offset != cases[i].offset || res.value) {
            print_error("row %d '%s': got rv %d \"%s\" at %ld, expected \"%s\" at %ld\n", (int)i,
                        cases[i].text, rv, res.error ? res.error : "(none)", res.offset,
                        cases[i].error, cases[i].offset);
            bad++;
        }
    }
    if (bad) {
        fail_msg("%d invalid documents were misreported", bad);
    }
}

/* n arrays nested in each other */
static const char *nested(int n)
{
    char *s = apr_palloc(pool, (apr_size_t)n * 2 + 1);

    memset(s, '[', (size_t)n);
    memset(s + n, ']', (size_t)n);
    s[n * 2] = '\0';
    return s;
}

static void test_parse_depth(void **state)
{
    to_json_parse_t res;
    const char *ok = nested(TO_JSON_MAX_DEPTH);
    const char *deep = nested(TO_JSON_MAX_DEPTH + 1);

    (void)state;
    assert_int_equal(to_json_parse(pool, ok, strlen(ok), &res), APR_SUCCESS);
    assert_int_equal(to_json_parse(pool, deep, strlen(deep), &res), APR_EINVAL);
    assert_string_equal(res.error, "Nesting too deep");
    assert_int_equal(res.offset, TO_JSON_MAX_DEPTH);
}

typedef struct {
    const char *text;
    const char *compact;
} compact_case_t;

static void test_compact(void **state)
{
    static const compact_case_t cases[] = {
        /* PostgreSQL's json_build_object and friends */
        {"{\"a\" : \"x \\\" y\", \"b\" : [1, \n 2]}", "{\"a\":\"x \\\" y\",\"b\":[1,2]}"},
        {"{\"k\" : \"a\\\\\", \"l\" : \"b c\"}", "{\"k\":\"a\\\\\",\"l\":\"b c\"}"},
        {"{\"k\" : \"\\\\\\\"\" , \"l\" : 1}", "{\"k\":\"\\\\\\\"\",\"l\":1}"},
        {"[\"\", \" \", \"  \"]", "[\"\",\" \",\"  \"]"},
        {"{\"t\" : \"a\\tb\\n\"}\r\n\t", "{\"t\":\"a\\tb\\n\"}"},
        {"{\"a\":1}", "{\"a\":1}"},
        {" \n\t\r", ""},
        {"", ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *buf = apr_pstrdup(pool, cases[i].text);
        apr_size_t len = to_json_compact(buf, strlen(buf));

        if (len != strlen(cases[i].compact) || memcmp(buf, cases[i].compact, len)) {
            fail_msg("row %d: got '%.*s' (%d), expected '%s'", (int)i, (int)len, buf, (int)len,
                     cases[i].compact);
        }
        /* NUL-terminated when it shrank */
        if (len < strlen(cases[i].text)) {
            assert_int_equal(buf[len], '\0');
        }
    }
}

/* A string cut after a backslash is copied, not read past its end. */
static void test_compact_bounds(void **state)
{
    char buf[] = "[\"ab\\XXXX";

    (void)state;
    assert_int_equal(to_json_compact(buf, 5), 5);
    assert_memory_equal(buf, "[\"ab\\", 5);
    assert_string_equal(buf + 5, "XXXX");
}

static void test_text(void **state)
{
    json_object *obj = to_json_own(pool, json_object_new_object());
    json_object *arr = json_object_new_array();

    (void)state;
    json_object_object_add(obj, "url", json_object_new_string("https://x.example/a/b"));
    json_object_object_add(obj, "s", json_object_new_string("qu\"ote back\\slash\nnl \xc3\xa9"));
    json_object_array_add(arr, json_object_new_int(1));
    json_object_array_add(arr, NULL);
    json_object_array_add(arr, json_object_new_boolean(0));
    json_object_object_add(obj, "list", arr);
    json_object_object_add(obj, "empty", json_object_new_object());
    assert_string_equal(to_json_text(pool, obj), "{\"url\":\"https://x.example/a/b\","
                                                 "\"s\":\"qu\\\"ote back\\\\slash\\nnl \xc3\xa9\","
                                                 "\"list\":[1,null,false],\"empty\":{}}");
    assert_string_equal(to_json_text(pool, NULL), "null");
}

static void test_builders(void **state)
{
    json_object *obj;
    int present = -1;

    (void)state;
    assert_string_equal(json_object_get_string(to_json_own(pool, to_json_str("abc"))), "abc");
    assert_string_equal(json_object_get_string(to_json_own(pool, to_json_str(NULL))), "");
    assert_string_equal(json_object_get_string(to_json_own(pool, to_json_strn("abcdef", 3))),
                        "abc");
    assert_string_equal(json_object_get_string(to_json_own(pool, to_json_strn(NULL, 5))), "");
    obj = to_json_own(pool, json_object_new_string_len("a\0b", 3));
    assert_int_equal(json_object_get_string_len(obj), 3);

    obj = to_json_own(pool, json_tokener_parse("{\"a\":1,\"n\":null}"));
    assert_int_equal(json_object_get_int(to_json_get(obj, "a", &present)), 1);
    assert_int_equal(present, 1);
    assert_null(to_json_get(obj, "n", &present));
    assert_int_equal(present, 1); /* explicit null */
    assert_null(to_json_get(obj, "x", &present));
    assert_int_equal(present, 0); /* absent */
    assert_null(to_json_get(obj, "x", NULL));
    assert_null(to_json_get(to_json_own(pool, json_object_new_array()), "a", &present));
    assert_int_equal(present, 0);
    assert_null(to_json_get(NULL, "a", &present));
    assert_int_equal(present, 0);
}

/* The pool's cleanup drops the reference to_json_own took over. */
static void test_own(void **state)
{
    apr_pool_t *sub;
    json_object *obj = json_object_new_array();
    to_json_parse_t res;

    (void)state;
    assert_null(to_json_own(pool, NULL));

    apr_pool_create(&sub, pool);
    json_object_get(obj); /* ours, so that obj outlives the pool */
    json_object_array_add(obj, json_object_new_string("x"));
    assert_ptr_equal(to_json_own(sub, obj), obj);
    apr_pool_destroy(sub);
    assert_int_equal(json_object_put(obj), 1); /* ours was the last reference */

    /* parsed documents belong to the pool too (valgrind checks the rest) */
    apr_pool_create(&sub, pool);
    assert_int_equal(to_json_parse(sub, TEXT("{\"a\": [1, {\"b\": \"c\"}]}"), &res), APR_SUCCESS);
    json_object_get(res.value);
    apr_pool_destroy(sub);
    assert_int_equal(json_object_put(res.value), 1);

    /* failures leak nothing either */
    apr_pool_create(&sub, pool);
    assert_int_equal(to_json_parse(sub, TEXT("{\"a\": [1, {\"b\": \"c\"}]} x"), &res), APR_EINVAL);
    assert_int_equal(to_json_parse(sub, TEXT("{\"a\": [1, {\"b\": "), &res), APR_EINVAL);
    apr_pool_destroy(sub);
}

/* to_json_release frees an owned tree at once; the pool's cleanup is gone. */
static void test_release(void **state)
{
    apr_pool_t *sub;
    to_json_parse_t res;

    (void)state;
    apr_pool_create(&sub, pool);
    assert_int_equal(to_json_parse(sub, TEXT("[{\"a\": 1}, {\"b\": 2}]"), &res), APR_SUCCESS);
    json_object_get(res.value);
    to_json_release(sub, res.value);
    assert_int_equal(json_object_put(res.value), 1); /* ours was the last reference */
    to_json_release(sub, NULL);
    apr_pool_destroy(sub); /* no cleanup left to put it again */
}

/* Outside bytes become a string that serialises as JSON: bad UTF-8 as
 * U+FFFD, NUL kept. */
static void test_outside_str(void **state)
{
    static const char raw[] = "a\x87"
                              "b\0c\xed\xa0\x80";
    json_object *s;

    (void)state;
    s = to_json_own(pool, to_json_outside_str(pool, raw, sizeof(raw) - 1));
    assert_int_equal(json_object_get_string_len(s), 1 + 3 + 1 + 1 + 1 + 9);
    assert_memory_equal(json_object_get_string(s),
                        "a\xef\xbf\xbd"
                        "b\0c",
                        7);
    assert_string_equal(to_json_text(pool, s), "\"a\xef\xbf\xbd"
                                               "b\\u0000c"
                                               "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
    s = to_json_own(pool, to_json_outside_str(pool, "caf\xc3\xa9", 5));
    assert_string_equal(json_object_get_string(s), "caf\xc3\xa9");
}

/* Text built piece by piece: strings escaped as JSON, any length. */
static void test_jbuf(void **state)
{
    to_jbuf_t b;
    to_json_parse_t res;
    int i;

    (void)state;
    to_jbuf_init(&b, pool, 4);
    to_jbuf_lit(&b, "[");
    to_jbuf_str(&b, "q\"b\\n\nt\tr\r\x01\x1f/\xc3\xa9", strlen("q\"b\\n\nt\tr\r\x01\x1f/\xc3\xa9"));
    to_jbuf_lit(&b, "]");
    assert_string_equal(b.data, "[\"q\\\"b\\\\n\\nt\\tr\\r\\u0001\\u001f/\xc3\xa9\"]");
    assert_int_equal(to_json_parse(pool, b.data, b.len, &res), APR_SUCCESS);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(res.value, 0)),
                        "q\"b\\n\nt\tr\r\x01\x1f/\xc3\xa9");

    to_jbuf_init(&b, pool, 0);
    for (i = 0; i < 5000; i++) {
        to_jbuf_lit(&b, "ab");
    }
    assert_int_equal(b.len, 10000);
    assert_int_equal(strlen(b.data), 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),    cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_parse_depth),    cmocka_unit_test(test_compact),
        cmocka_unit_test(test_compact_bounds), cmocka_unit_test(test_text),
        cmocka_unit_test(test_builders),       cmocka_unit_test(test_own),
        cmocka_unit_test(test_release),        cmocka_unit_test(test_outside_str),
        cmocka_unit_test(test_jbuf),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests_name("json", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
