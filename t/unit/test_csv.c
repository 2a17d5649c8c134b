/* Unit tests of model/to_csv.c: CSV fields and rows as Python's csv.writer
 * writes them, and Python's repr() of strings. The expected texts were
 * produced by Python itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "model/to_csv.h"

static apr_pool_t *pool;

static void expect_str(const char *label, const char *got, const char *want)
{
    if (strcmp(got, want)) {
        fail_msg("%s: got \"%s\", expected \"%s\"", label, got, want);
    }
}

/* One row of the given fields, as text. */
static const char *row(int n, ...)
{
    to_csv_t csv;
    va_list args;
    int i;

    to_csv_init(&csv, pool);
    va_start(args, n);
    for (i = 0; i < n; i++) {
        to_csv_field(&csv, va_arg(args, const char *));
    }
    va_end(args);
    to_csv_end_row(&csv);
    return to_csv_text(&csv, NULL);
}

static void test_plain_fields(void **state)
{
    (void)state;
    expect_str("plain", row(3, "a", "b c", "1.5"), "a,b c,1.5\r\n");
    expect_str("utf-8", row(2, "\xc3\xa9t\xc3\xa9", "x"), "\xc3\xa9t\xc3\xa9,x\r\n");
    expect_str("spaces kept", row(2, " sp ", "x\ty"), " sp ,x\ty\r\n");
}

static void test_quoting(void **state)
{
    (void)state;
    expect_str("comma", row(2, "b,c", "d"), "\"b,c\",d\r\n");
    expect_str("quote doubled", row(1, "d\"e"), "\"d\"\"e\"\r\n");
    expect_str("newline", row(1, "f\ng"), "\"f\ng\"\r\n");
    expect_str("carriage return", row(1, "h\rk"), "\"h\rk\"\r\n");
    expect_str("only quotes", row(1, "\"\""), "\"\"\"\"\"\"\r\n");
}

static void test_empty_and_none(void **state)
{
    (void)state;
    expect_str("empty and None", row(4, "a", "", NULL, "b"), "a,,,b\r\n");
    expect_str("one empty field is quoted", row(1, ""), "\"\"\r\n");
    expect_str("one None is quoted", row(1, NULL), "\"\"\r\n");
    expect_str("two empty fields", row(2, "", ""), ",\r\n");
    expect_str("no field", row(0), "\r\n");
}

static void test_many_rows_grow(void **state)
{
    to_csv_t csv;
    apr_size_t len;
    const char *text;
    int i;

    (void)state;
    to_csv_init(&csv, pool);
    for (i = 0; i < 5000; i++) {
        to_csv_field(&csv, apr_itoa(pool, i));
        to_csv_field(&csv, "x,y");
        to_csv_end_row(&csv);
    }
    text = to_csv_text(&csv, &len);
    assert_int_equal(len, strlen(text));
    assert_true(strncmp(text, "0,\"x,y\"\r\n1,\"x,y\"\r\n", 18) == 0);
    assert_non_null(strstr(text, "\r\n4999,\"x,y\"\r\n"));
    assert_int_equal(text[len - 1], '\n');
}

static void test_pyrepr(void **state)
{
    (void)state;
    expect_str("plain", to_csv_pyrepr(pool, "abc"), "'abc'");
    expect_str("empty", to_csv_pyrepr(pool, ""), "''");
    expect_str("single quote", to_csv_pyrepr(pool, "it's"), "\"it's\"");
    expect_str("double quote", to_csv_pyrepr(pool, "say \"hi\""), "'say \"hi\"'");
    expect_str("both quotes", to_csv_pyrepr(pool, "both ' \""), "'both \\' \"'");
    expect_str("backslash", to_csv_pyrepr(pool, "back\\slash"), "'back\\\\slash'");
    expect_str("tab newline cr", to_csv_pyrepr(pool, "t\tn\nr\r"), "'t\\tn\\nr\\r'");
    expect_str("controls", to_csv_pyrepr(pool, "\x01\x7f"), "'\\x01\\x7f'");
    expect_str("c1 and nbsp", to_csv_pyrepr(pool, "\xc2\x80\xc2\xa0"), "'\\x80\\xa0'");
    expect_str("printable utf-8", to_csv_pyrepr(pool, "\xc3\xa9"), "'\xc3\xa9'");
    expect_str("zero width space", to_csv_pyrepr(pool, "\xe2\x80\x8b"), "'\\u200b'");
    expect_str("line separator", to_csv_pyrepr(pool, "\xe2\x80\xa8"), "'\\u2028'");
    expect_str("emoji", to_csv_pyrepr(pool, "\xf0\x9f\x98\x80"), "'\xf0\x9f\x98\x80'");
    expect_str("private use", to_csv_pyrepr(pool, "\xee\x80\x80"), "'\\ue000'");
    expect_str("plane 15", to_csv_pyrepr(pool, "\xf3\xb0\x80\x80"), "'\\U000f0000'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_fields),   cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_empty_and_none), cmocka_unit_test(test_many_rows_grow),
        cmocka_unit_test(test_pyrepr),
    };
    int rv;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rv = cmocka_run_group_tests(tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rv;
}
