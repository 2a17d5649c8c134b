/* Unit tests of model/to_status.c and model/to_enums.c: the status of a
 * completed execution, enumeration look-ups, the stages of each family. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "model/to_enums.h"
#include "model/to_status.h"

static apr_pool_t *pool;

static void test_completed_status(void **state)
{
    static const struct {
        long results, failed;
        const char *status;
    } cases[] = {
        {0, 0, "ENDED_PREMATURELY"}, /* no results at all */
        {0, 3, "ENDED_PREMATURELY"}, /* no results wins over failures */
        {-1, 0, "ENDED_PREMATURELY"}, {1, 0, "PASSED"},     {250, 0, "PASSED"}, {1, 1, "FAILED"},
        {250, 1, "FAILED"},           {250, 250, "FAILED"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = to_completed_status(cases[i].results, cases[i].failed);
        if (strcmp(got, cases[i].status)) {
            fail_msg("row %d: results %ld failed %ld: got %s, expected %s", (int)i,
                     cases[i].results, cases[i].failed, got, cases[i].status);
        }
        /* every answer is one of the execution statuses */
        assert_true(to_enum_index(to_execution_statuses, got) >= 0);
    }
}

static void test_enum_index(void **state)
{
    static const struct {
        const char *const *list;
        const char *s;
        int index;
    } cases[] = {
        {to_families, "snap", 0},
        {to_families, "deb", 1},
        {to_families, "charm", 2},
        {to_families, "image", 3},
        {to_families, "solution", 4},
        {to_families, "Snap", -1}, /* case-sensitive */
        {to_families, "snaps", -1},
        {to_families, "sna", -1},
        {to_families, "", -1},
        {to_families, NULL, -1},
        {to_execution_statuses, "NOT_STARTED", 0},
        {to_execution_statuses, "ENDED_PREMATURELY", 5},
        {to_execution_statuses, "COMPLETED", -1},
        {to_result_statuses, "PASSED", 0},
        {to_result_statuses, "FAILED", 1},
        {to_result_statuses, "SKIPPED", 2},
        {to_result_statuses, "passed", -1},
        {to_permissions, "add_application", 0},
        {to_permissions, "VIEW_TEST", -1},
        {to_stages_all, "proposed", 0},
        {to_stages_all, "current", 7},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = to_enum_index(cases[i].list, cases[i].s);
        if (got != cases[i].index) {
            fail_msg("row %d: \"%s\": got %d, expected %d", (int)i,
                     cases[i].s ? cases[i].s : "(null)", got, cases[i].index);
        }
    }
    /* the permissions the routes of this module name */
    assert_true(to_enum_index(to_permissions, "view_test") >= 0);
    assert_true(to_enum_index(to_permissions, "change_test") >= 0);
    assert_true(to_enum_index(to_permissions, "change_rerun") >= 0);
}

static const char *joined(const char *const *list)
{
    const char *s = "";
    int i;

    for (i = 0; list && list[i]; i++) {
        s = apr_pstrcat(pool, s, i ? " " : "", list[i], NULL);
    }
    return s;
}

static void test_family_stages(void **state)
{
    static const struct {
        const char *family;
        const char *stages; /* NULL: unknown family */
    } cases[] = {
        {"snap", "edge beta candidate stable"},
        {"deb", "proposed updates"},
        {"charm", "edge beta candidate stable"},
        {"image", "pending current"},
        {"solution", "edge beta candidate stable"},
        {"Snap", NULL},
        {"rpm", NULL},
        {"", NULL},
        {NULL, NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *const *stages = to_family_stages(cases[i].family);
        if (!cases[i].stages) {
            assert_null(stages);
            continue;
        }
        assert_non_null(stages);
        assert_string_equal(joined(stages), cases[i].stages);
    }
}

/* to_stages_all is exactly the union of every family's stages */
static void test_stages_all(void **state)
{
    int f, s, found;

    (void)state;
    for (f = 0; to_families[f]; f++) {
        const char *const *stages = to_family_stages(to_families[f]);
        for (s = 0; stages[s]; s++) {
            assert_true(to_enum_index(to_stages_all, stages[s]) >= 0);
        }
    }
    for (s = 0; to_stages_all[s]; s++) {
        found = 0;
        for (f = 0; to_families[f]; f++) {
            found |= to_enum_index(to_family_stages(to_families[f]), to_stages_all[s]) >= 0;
        }
        if (!found) {
            fail_msg("stage %s belongs to no family", to_stages_all[s]);
        }
    }
}

/* No list names a value twice (to_enum_index would hide the second). */
static void test_no_duplicates(void **state)
{
    const char *const *const lists[] = {to_families,
                                        to_stages_all,
                                        to_execution_statuses,
                                        to_result_statuses,
                                        to_permissions,
                                        to_permissions_declared,
                                        NULL};
    int l, i;

    (void)state;
    for (l = 0; lists[l]; l++) {
        for (i = 0; lists[l][i]; i++) {
            if (to_enum_index(lists[l], lists[l][i]) != i) {
                fail_msg("list %d names \"%s\" twice", l, lists[l][i]);
            }
        }
    }
}

/* upstream's declaration order names exactly the database's permissions */
static void test_permissions_declared(void **state)
{
    int i, n = 0;

    (void)state;
    for (i = 0; to_permissions_declared[i]; i++) {
        assert_true(to_enum_index(to_permissions, to_permissions_declared[i]) >= 0);
    }
    while (to_permissions[n]) {
        n++;
    }
    assert_int_equal(i, n);
    assert_string_equal(to_permissions_declared[0], "view_user");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_completed_status), cmocka_unit_test(test_enum_index),
        cmocka_unit_test(test_family_stages),    cmocka_unit_test(test_stages_all),
        cmocka_unit_test(test_no_duplicates),    cmocka_unit_test(test_permissions_declared),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests_name("status", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
