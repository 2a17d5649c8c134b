/* Unit tests of migrate/to_migrations.c: headers, chain order, pending
 * migrations and the naming of new revisions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "to_migrations.h"

#define LONG32 "abcdefghijabcdefghijabcdefghij12"

static apr_pool_t *pool;

/* The checks name the table row that failed (cmocka's asserts cannot). */
static void expect_error(const char *label, const char *err, const char *part)
{
    if (!err || !strstr(err, part)) {
        fail_msg("%s: expected an error with \"%s\", got \"%s\"", label, part,
                 err ? err : "(no error)");
    }
}

static void expect_ok(const char *label, const char *err)
{
    if (err) {
        fail_msg("%s: unexpected error \"%s\"", label, err);
    }
}

static void expect_str(const char *label, const char *got, const char *want)
{
    if (got != want && (!got || !want || strcmp(got, want))) {
        fail_msg("%s: got \"%s\", expected \"%s\"", label, got ? got : "(null)",
                 want ? want : "(null)");
    }
}

static const char *row(size_t i, const char *what)
{
    return apr_psprintf(pool, "row %" APR_SIZE_T_FMT ": %s", i, what);
}

/* Migrations from a spec of "REV<DOWN" words, DOWN empty for the first:
 * "a< b<a" is a, then b after a.  Files are named NNNN_REV.sql. */
static apr_array_header_t *migs_from(const char *spec)
{
    apr_array_header_t *migs = apr_array_make(pool, 4, sizeof(to_migration_t *));
    char *copy = apr_pstrdup(pool, spec), *word, *last, *lt;
    to_migration_t *m;

    for (word = apr_strtok(copy, " ", &last); word; word = apr_strtok(NULL, " ", &last)) {
        m = apr_pcalloc(pool, sizeof(*m));
        lt = strchr(word, '<');
        assert_non_null(lt);
        *lt = '\0';
        m->revision = word;
        m->down_revision = lt[1] ? lt + 1 : NULL;
        m->message = "";
        m->name = apr_psprintf(pool, "%04d_%s.sql", migs->nelts + 1, word);
        APR_ARRAY_PUSH(migs, to_migration_t *) = m;
    }
    return migs;
}

/* Revisions of a chain joined by spaces. */
static const char *revs_of(const apr_array_header_t *chain)
{
    const char *s = "";
    int i;

    for (i = 0; i < chain->nelts; i++) {
        s = apr_pstrcat(pool, s, i ? " " : "", TO_MIG_AT(chain, i)->revision, NULL);
    }
    return s;
}

static void test_parse(void **state)
{
    static const struct {
        const char *text;
        const char *error; /* part of the expected error, or NULL */
        const char *revision, *down_revision, *message;
    } cases[] = {
        {"-- revision: eba1d1c92dba\n-- down_revision: (none)\n"
         "-- message: upstream schema\n\nCREATE TABLE t (a int);\n",
         NULL, "eba1d1c92dba", NULL, "upstream schema"},
        {"-- revision: b2\n-- down_revision: a1\n-- message: add x\n", NULL, "b2", "a1", "add x"},
        {"-- revision: b2\r\n-- down_revision: a1\r\n-- message: crlf\r\n", NULL, "b2", "a1",
         "crlf"},
        {"--revision:b2\n--   down_revision:\t a1  \n", NULL, "b2", "a1", ""},
        {"-- down_revision: a1\n-- author: someone\n-- revision: b2\n", NULL, "b2", "a1", ""},
        {"-- revision: b2\n-- down_revision: a1\n--\n-- message: late\n", NULL, "b2", "a1", ""},
        {"-- revision: b2\n-- down_revision: a1\n-- message: a: b: c\n", NULL, "b2", "a1",
         "a: b: c"},
        {"-- revision: b2\n-- down_revision: a1", NULL, "b2", "a1", ""},
        {"-- revision: " LONG32 "\n-- down_revision: (none)\n", NULL, LONG32, NULL, ""},
        {"", "no '-- revision:'", NULL, NULL, NULL},
        {"CREATE TABLE t (a int);\n", "no '-- revision:'", NULL, NULL, NULL},
        {"\n-- revision: b2\n-- down_revision: a1\n", "no '-- revision:'", NULL, NULL, NULL},
        {"-- Revision: b2\n-- down_revision: a1\n", "no '-- revision:'", NULL, NULL, NULL},
        {"-- revision: b2\n-- message: m\n", "no '-- down_revision:'", NULL, NULL, NULL},
        {"-- revision: b2\n-- revision: b3\n-- down_revision: a1\n", "'revision' appears twice",
         NULL, NULL, NULL},
        {"-- revision: b2\n-- down_revision: a1\n-- down_revision: a0\n",
         "'down_revision' appears twice", NULL, NULL, NULL},
        {"-- revision:\n-- down_revision: a1\n", "invalid revision ''", NULL, NULL, NULL},
        {"-- revision: b-2\n-- down_revision: a1\n", "invalid revision 'b-2'", NULL, NULL, NULL},
        {"-- revision: " LONG32 "x\n-- down_revision: a1\n", "invalid revision", NULL, NULL, NULL},
        {"-- revision: b2\n-- down_revision: a1, a0\n", "invalid down_revision 'a1, a0'", NULL,
         NULL, NULL},
        {"-- revision: b2\n-- down_revision: none\n", NULL, "b2", "none", ""},
        {"-- revision: b2\n-- down_revision:\n", "invalid down_revision ''", NULL, NULL, NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        to_migration_t *m = NULL;
        const char *err = to_migration_parse(&m, pool, "0002_b2_x.sql", cases[i].text);

        if (cases[i].error) {
            expect_error(row(i, "error"), err, cases[i].error);
            expect_error(row(i, "file name"), err, "0002_b2_x.sql: ");
            continue;
        }
        expect_ok(row(i, "parse"), err);
        expect_str(row(i, "name"), m->name, "0002_b2_x.sql");
        assert_ptr_equal(m->text, cases[i].text);
        expect_str(row(i, "revision"), m->revision, cases[i].revision);
        expect_str(row(i, "down_revision"), m->down_revision, cases[i].down_revision);
        expect_str(row(i, "message"), m->message, cases[i].message);
    }
}

static void test_order(void **state)
{
    static const struct {
        const char *spec;
        const char *chain; /* expected order, or NULL when it fails */
        const char *error;
    } cases[] = {
        {"", "", NULL},
        {"a<", "a", NULL},
        {"a< b<a c<b", "a b c", NULL},
        {"c<b a< b<a", "a b c", NULL},
        {"d<c b<a c<b a<", "a b c d", NULL},
        {"a< b<a b<a", NULL, "revision b is defined twice: in 0002_b.sql and in 0003_b.sql"},
        {"a< b<a c<x", NULL, "0003_c.sql: down_revision x is not a known revision"},
        {"a< b<b", NULL, "cycle through b (0002_b.sql)"},
        {"a< b<c c<b", NULL, "cycle through"},
        {"a< b<a c<d d<c e<c", NULL, "cycle through"},
        {"b<c c<b", NULL, "cycle through"},
        {"a< b<a c<a", NULL, "more than one head: b (0002_b.sql), c (0003_c.sql)"},
        {"a< b<", NULL, "more than one head: a (0001_a.sql), b (0002_b.sql)"},
        {"a< b<a c<b d<b e<d", NULL, "more than one head: c (0003_c.sql), e (0005_e.sql)"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        apr_array_header_t *chain = NULL;
        const char *err = to_migrations_order(&chain, pool, migs_from(cases[i].spec));

        if (cases[i].error) {
            expect_error(row(i, cases[i].spec), err, cases[i].error);
            continue;
        }
        expect_ok(row(i, cases[i].spec), err);
        expect_str(row(i, cases[i].spec), revs_of(chain), cases[i].chain);
    }
}

static void test_head(void **state)
{
    apr_array_header_t *chain;

    (void)state;
    assert_null(to_migrations_order(&chain, pool, migs_from("")));
    assert_null(to_migrations_head(chain));
    assert_null(to_migrations_order(&chain, pool, migs_from("b<a c<b a<")));
    assert_string_equal(to_migrations_head(chain), "c");
}

static void test_pending(void **state)
{
    static const struct {
        const char *spec, *current;
        const char *pending; /* or NULL when it fails */
    } cases[] = {
        {"a< b<a c<b", NULL, "a b c"},
        {"a< b<a c<b", "a", "b c"},
        {"a< b<a c<b", "b", "c"},
        {"a< b<a c<b", "c", ""},
        {"a< b<a c<b", "x", NULL},
        {"", NULL, ""},
        {"", "a", NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        apr_array_header_t *chain, *pending = NULL;
        const char *err;

        expect_ok(row(i, "order"), to_migrations_order(&chain, pool, migs_from(cases[i].spec)));
        err = to_migrations_pending(&pending, pool, chain, cases[i].current);
        if (!cases[i].pending) {
            expect_error(row(i, "pending"), err,
                         apr_psprintf(pool,
                                      "database is at revision %s, "
                                      "which no migration file defines",
                                      cases[i].current));
            continue;
        }
        expect_ok(row(i, "pending"), err);
        expect_str(row(i, "pending"), revs_of(pending), cases[i].pending);
    }
}

static void test_revision_ok(void **state)
{
    static const struct {
        const char *s;
        int ok;
    } cases[] = {
        {"eba1d1c92dba", 1}, {"a", 1},    {"A_b9", 1}, {LONG32, 1},   {"", 0},
        {LONG32 "x", 0},     {"ab-c", 0}, {"a b", 0},  {"(none)", 0}, {"a;b", 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (to_migration_revision_ok(cases[i].s) != cases[i].ok) {
            fail_msg("revision \"%s\" should be %s", cases[i].s,
                     cases[i].ok ? "accepted" : "refused");
        }
    }
}

static void test_file_name(void **state)
{
    static const struct {
        const char *name;
        int ok;
    } cases[] = {
        {"0001_eba1d1c92dba_upstream_schema.sql", 1},
        {"0001_abc.sql", 1},
        {"1_a.sql", 1},
        {"abc.sql", 0},
        {"0001abc.sql", 0},
        {"0001_.sql", 0},
        {"0001_abc.sql~", 0},
        {"0001_abc.SQL", 0},
        {"README", 0},
        {"_0001_a.sql", 0},
        {"", 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (to_migration_is_file_name(cases[i].name) != cases[i].ok) {
            fail_msg("file name \"%s\" should be %s", cases[i].name,
                     cases[i].ok ? "accepted" : "refused");
        }
    }
}

static void test_slug(void **state)
{
    static const struct {
        const char *message, *slug;
    } cases[] = {
        {"Add a widget's table: 100% better!", "add_a_widget_s_table_100_better"},
        {"  leading and trailing  ", "leading_and_trailing"},
        {"UPPER Case", "upper_case"},
        {"", "migration"},
        {"!!! ...", "migration"},
        {"\xc3\xbc"
         "n"
         "\xc3\xaf"
         "code",
         "n_code"},
        {"abcdefghij abcdefghij abcdefghij abcdefghij", "abcdefghij_abcdefghij_abcdefghij"},
        {"abcdefghij abcdefghij abcdefghij abcdefg", "abcdefghij_abcdefghij_abcdefghij_abcdefg"},
        {"abcdefghij abcdefghij abcdefghij abcdefg x", "abcdefghij_abcdefghij_abcdefghij_abcdefg"},
        {"abcdefghijabcdefghijabcdefghijabcdefghijabcde",
         "abcdefghijabcdefghijabcdefghijabcdefghij"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *slug = to_migration_slug(pool, cases[i].message);

        expect_str(row(i, cases[i].message), slug, cases[i].slug);
        assert_true(strlen(slug) <= TO_MIG_SLUG_MAX);
    }
}

static void test_revision_ids(void **state)
{
    static const unsigned char low[6] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab};
    static const unsigned char high[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
    const char *r1, *r2;
    int i;

    (void)state;
    assert_string_equal(to_migration_revision_from(pool, low), "0123456789ab");
    assert_string_equal(to_migration_revision_from(pool, high), "fffffffffffe");

    assert_int_equal(to_migration_new_revision(&r1, pool), APR_SUCCESS);
    assert_int_equal(to_migration_new_revision(&r2, pool), APR_SUCCESS);
    assert_int_equal(strlen(r1), TO_MIG_REVISION_HEX);
    for (i = 0; r1[i]; i++) {
        assert_true(apr_isxdigit(r1[i]) && !apr_isupper(r1[i]));
    }
    assert_true(to_migration_revision_ok(r1));
    assert_string_not_equal(r1, r2);
}

static void test_new(void **state)
{
    apr_array_header_t *chain;
    to_migration_t *m;
    const char *name, *text;

    (void)state;
    /* The first migration. */
    assert_null(to_migrations_order(&chain, pool, migs_from("")));
    assert_null(to_migration_new(&name, &text, pool, chain, "0123456789ab", "  First one  "));
    assert_string_equal(name, "0001_0123456789ab_first_one.sql");
    assert_string_equal(text, "-- revision: 0123456789ab\n"
                              "-- down_revision: (none)\n"
                              "-- message: First one\n\n");

    /* After the head, numbered above the highest file number. */
    assert_null(to_migrations_order(&chain, pool, migs_from("a< b<a")));
    TO_MIG_AT(chain, 1)->name = "0007_b_x.sql";
    assert_null(to_migration_new(&name, &text, pool, chain, "c", "Next: step"));
    assert_string_equal(name, "0008_c_next_step.sql");
    assert_null(to_migration_parse(&m, pool, name, text));
    assert_string_equal(m->revision, "c");
    assert_string_equal(m->down_revision, "b");
    assert_string_equal(m->message, "Next: step");

    /* File names without numbers: count the chain instead. */
    TO_MIG_AT(chain, 0)->name = "first.sql";
    TO_MIG_AT(chain, 1)->name = "second.sql";
    assert_null(to_migration_new(&name, &text, pool, chain, "c", "x"));
    assert_string_equal(name, "0003_c_x.sql");

    expect_error("blank message", to_migration_new(&name, &text, pool, chain, "c", " \t"),
                 "a message is required");
    expect_error("two lines", to_migration_new(&name, &text, pool, chain, "c", "two\nlines"),
                 "single line");
    expect_error("bad revision", to_migration_new(&name, &text, pool, chain, "c-1", "x"),
                 "invalid revision 'c-1'");
    expect_error("taken revision", to_migration_new(&name, &text, pool, chain, "b", "x"),
                 "revision b already exists (second.sql)");
}

static int setup(void **state)
{
    (void)state;
    if (apr_initialize() != APR_SUCCESS || apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),       cmocka_unit_test(test_order),
        cmocka_unit_test(test_head),        cmocka_unit_test(test_pending),
        cmocka_unit_test(test_revision_ok), cmocka_unit_test(test_file_name),
        cmocka_unit_test(test_slug),        cmocka_unit_test(test_revision_ids),
        cmocka_unit_test(test_new),
    };

    return cmocka_run_group_tests_name("to_migrations", tests, setup, teardown);
}
