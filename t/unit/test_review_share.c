/* Unit tests of model/to_review_share.c: environment reviews shared out
 * among an artefact's reviewers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/to_review_share.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void test_nobody_or_nothing(void **state)
{
    long load[1] = {0};
    int held[2] = {0, 0}, choice[2] = {7, 7};

    (void)state;
    assert_int_equal(to_review_share(load, 0, held, 2, choice), 0);
    assert_int_equal(choice[0], -1);
    assert_int_equal(choice[1], -1);
    assert_int_equal(to_review_share(load, 1, held, 0, choice), 0);
    assert_int_equal(load[0], 0);
}

static void test_one_reviewer_takes_every_open_review(void **state)
{
    long load[1] = {1};
    int held[4] = {1, 0, 0, 0}, choice[4];

    (void)state;
    assert_int_equal(to_review_share(load, 1, held, 4, choice), 3);
    assert_int_equal(choice[0], -1); /* already held */
    assert_int_equal(choice[1], 0);
    assert_int_equal(choice[3], 0);
    assert_int_equal(load[0], 4);
}

static void test_even_shares(void **state)
{
    /* 53 reviews, 2 new reviewers: 27 and 26 */
    long load[2] = {0, 0};
    int held[53] = {0}, choice[53], j, first = 0;

    (void)state;
    assert_int_equal(to_review_share(load, 2, held, N(held), choice), 53);
    assert_int_equal(load[0], 27);
    assert_int_equal(load[1], 26);
    for (j = 0; j < N(held); j++) {
        first += choice[j] == 0;
        /* the first reviewer's share comes first, in order */
        assert_int_equal(choice[j], j < 27 ? 0 : 1);
    }
    assert_int_equal(first, 27);
}

static void test_loaded_reviewers_get_less(void **state)
{
    /* 6 reviews, 3 held by reviewer 1 (listed last: most loaded); share 3 */
    long load[2] = {0, 3};
    int held[6] = {1, 0, 1, 0, 1, 0}, choice[6];

    (void)state;
    assert_int_equal(to_review_share(load, 2, held, 6, choice), 3);
    assert_int_equal(choice[1], 0);
    assert_int_equal(choice[3], 0);
    assert_int_equal(choice[5], 0);
    assert_int_equal(load[0], 3);
    assert_int_equal(load[1], 3);
}

static void test_never_past_the_last_reviewer(void **state)
{
    /* loads above the share (reviews reassigned since): the last reviewer
     * takes what is left rather than running off the list */
    long load[2] = {5, 5};
    int held[3] = {0, 0, 0}, choice[3];

    (void)state;
    assert_int_equal(to_review_share(load, 2, held, 3, choice), 3);
    assert_int_equal(choice[0], 1);
    assert_int_equal(choice[2], 1);
    assert_int_equal(load[1], 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nobody_or_nothing),
        cmocka_unit_test(test_one_reviewer_takes_every_open_review),
        cmocka_unit_test(test_even_shares),
        cmocka_unit_test(test_loaded_reviewers_get_less),
        cmocka_unit_test(test_never_past_the_last_reviewer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
