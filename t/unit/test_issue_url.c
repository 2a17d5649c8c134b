/* Unit tests of model/to_issue_url.c: the tracker, project and key a URL
 * names, as upstream's parser reads them, and the canonical URLs. URLs go
 * through to_normal_http_url first, as the handler does (pydantic's
 * HttpUrl normalises them before upstream reads them). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "model/to_issue_url.h"
#include "model/to_validate.h"

static apr_pool_t *pool;

typedef struct {
    const char *url;
    const char *source; /* NULL: refused */
    const char *project;
    const char *key;
    const char *canonical;
} url_case_t;

#define GH "https://github.com/"
#define JIRA "https://warthogs.atlassian.net/browse/"
#define LP "https://bugs.launchpad.net/"

static const url_case_t cases[] = {
    /* GitHub */
    {GH "canonical/test_observer/issues/71", "github", "canonical/test_observer", "71",
     GH "canonical/test_observer/issues/71"},
    {GH "canonical/Test_Observer/issues/71", "github", "canonical/test_observer", "71",
     GH "canonical/test_observer/issues/71"},
    {GH "Canonical/gc-gh-ABC/issues/42", "github", "canonical/gc-gh-abc", "42",
     GH "canonical/gc-gh-abc/issues/42"},
    {"http://github.com/canonical/test_observer/issues/71", "github", "canonical/test_observer",
     "71", GH "canonical/test_observer/issues/71"},
    {"http://github.com/canonical/test_observer/issues/71?some=param", "github",
     "canonical/test_observer", "71", GH "canonical/test_observer/issues/71"},
    {GH "canonical/test_observer/issues/71#issuecomment-1", "github", "canonical/test_observer",
     "71", GH "canonical/test_observer/issues/71"},
    {"HTTPS://GitHub.COM/a/b/issues/1", "github", "a/b", "1", GH "a/b/issues/1"},
    {"https://user:pw@github.com:443/a/b/issues/1", "github", "a/b", "1", GH "a/b/issues/1"},
    {"https://github.com:8443/a/b/issues/1", "github", "a/b", "1", GH "a/b/issues/1"},
    {GH "a/b/./issues/1", "github", "a/b", "1", GH "a/b/issues/1"},
    {GH "a/c/../b/issues/1", "github", "a/b", "1", GH "a/b/issues/1"},
    {"  https://github.com/a/b/issues/007  ", "github", "a/b", "007", GH "a/b/issues/007"},
    {GH "a/b%20c/issues/9", "github", "a/b%20c", "9", GH "a/b%20c/issues/9"},
    {GH "a/b c/issues/9", "github", "a/b%20c", "9", GH "a/b%20c/issues/9"},
    {GH "a/\xc3\x89t\xc3\xa9/issues/9", "github", "a/%c3%89t%c3%a9", "9",
     GH "a/%c3%89t%c3%a9/issues/9"},
    {GH "unknown", NULL, NULL, NULL, NULL},
    {GH "canonical/issues/71", NULL, NULL, NULL, NULL},
    {GH "canonical/test_observer/issues/abc", NULL, NULL, NULL, NULL},
    {GH "canonical/test_observer/issues/71/", NULL, NULL, NULL, NULL},
    {GH "canonical/test_observer/issues/", NULL, NULL, NULL, NULL},
    {GH "canonical/test_observer/pull/71", NULL, NULL, NULL, NULL},
    {GH "a/b/c/issues/1", NULL, NULL, NULL, NULL},
    {GH "canonical//issues/1", NULL, NULL, NULL, NULL},
    {GH "canonical/test_observer/issues/-1", NULL, NULL, NULL, NULL},
    {GH "canonical/test_observer/issues/1e3", NULL, NULL, NULL, NULL},
    {"https://www.github.com/a/b/issues/1", NULL, NULL, NULL, NULL},
    {"https://github.com./a/b/issues/1", NULL, NULL, NULL, NULL},
    /* Jira */
    {JIRA "TS-142", "jira", "TS", "142", JIRA "TS-142"},
    {JIRA "ts-142", "jira", "TS", "142", JIRA "TS-142"},
    {JIRA "gcJiraProj-77", "jira", "GCJIRAPROJ", "77", JIRA "GCJIRAPROJ-77"},
    {"http://Warthogs.Atlassian.NET/browse/ab-1?focusedId=3#c", "jira", "AB", "1", JIRA "AB-1"},
    {"https://warthogs.atlassian.net/unknown", NULL, NULL, NULL, NULL},
    {JIRA "000-142", NULL, NULL, NULL, NULL},
    {JIRA "TS-ABC", NULL, NULL, NULL, NULL},
    {JIRA "TS1-2", NULL, NULL, NULL, NULL},
    {JIRA "TS-1-2", NULL, NULL, NULL, NULL},
    {JIRA "-12", NULL, NULL, NULL, NULL},
    {JIRA "TS-", NULL, NULL, NULL, NULL},
    {JIRA "TS142", NULL, NULL, NULL, NULL},
    {JIRA "TS-142/", NULL, NULL, NULL, NULL},
    {"https://warthogs.atlassian.net/jira/browse/TS-1", NULL, NULL, NULL, NULL},
    {"https://canonical.atlassian.net/browse/TS-1", NULL, NULL, NULL, NULL},
    /* Launchpad */
    {LP "abc/+bug/123", "launchpad", "abc", "123", LP "abc/+bug/123"},
    {LP "ABC/+bug/123", "launchpad", "abc", "123", LP "abc/+bug/123"},
    {LP "ubuntu/+source/linux-meta/+bug/2137746", "launchpad", "ubuntu", "2137746",
     LP "ubuntu/+bug/2137746"},
    {LP "Gc-Lp-X/+source/Linux/+bug/2000002?comments=all", "launchpad", "gc-lp-x", "2000002",
     LP "gc-lp-x/+bug/2000002"},
    {"http://bugs.launchpad.net/abc/+bug/1", "launchpad", "abc", "1", LP "abc/+bug/1"},
    {"https://bugs.launchpad.net/unknown", NULL, NULL, NULL, NULL},
    {LP "abc/abc/*bug/123", NULL, NULL, NULL, NULL},
    {LP "abc/+bug/abc", NULL, NULL, NULL, NULL},
    {LP "+bug/123", NULL, NULL, NULL, NULL},
    {LP "abc/+source/+bug/123", NULL, NULL, NULL, NULL},
    {LP "abc/+source/x/y/+bug/123", NULL, NULL, NULL, NULL},
    {LP "abc/+bugs/123", NULL, NULL, NULL, NULL},
    {"https://launchpad.net/abc/+bug/123", NULL, NULL, NULL, NULL},
    /* other hosts */
    {"https://unknown.com/canonical/test_observer/issues/71", NULL, NULL, NULL, NULL},
    {"https://example.com/issues/1", NULL, NULL, NULL, NULL},
    {"https://example.com", NULL, NULL, NULL, NULL},
};

static void test_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const url_case_t *c = &cases[i];
        const char *normal = to_normal_http_url(pool, c->url);
        to_issue_ref_t ref;
        const char *err = to_issue_url_parse(pool, normal, &ref);

        if (!c->source) {
            if (!err || ref.source) {
                fail_msg("%s: accepted as %s %s %s", c->url, ref.source, ref.project, ref.key);
            }
            continue;
        }
        if (err) {
            fail_msg("%s: refused: %s", c->url, err);
        }
        if (strcmp(ref.source, c->source) || strcmp(ref.project, c->project) ||
            strcmp(ref.key, c->key) || strcmp(ref.url, c->canonical)) {
            fail_msg("%s: got %s %s %s %s", c->url, ref.source, ref.project, ref.key, ref.url);
        }
    }
}

static void test_error_names_host_and_path(void **state)
{
    to_issue_ref_t ref;
    const char *err;

    (void)state;
    err = to_issue_url_parse(pool, to_normal_http_url(pool, "https://Example.com/issues/1?x=1"),
                             &ref);
    assert_non_null(err);
    assert_string_equal(
        err, "Unrecognized issue URL format:\n  host = 'example.com'\n  path = '/issues/1'\n\n"
             "Expected formats:\n"
             "  GitHub:     https://github.com/<owner>/<repo>/issues/<number>\n"
             "  JIRA:       https://warthogs.atlassian.net/browse/<PROJECT-123>\n"
             "  Launchpad:  https://bugs.launchpad.net/<project>/+bug/<number>");
    err = to_issue_url_parse(pool, to_normal_http_url(pool, "https://example.com"), &ref);
    assert_non_null(strstr(err, "host = 'example.com'\n  path = '/'\n"));
    err =
        to_issue_url_parse(pool, to_normal_http_url(pool, "https://github.com/a/b/issues/x"), &ref);
    assert_non_null(strstr(err, "host = 'github.com'\n  path = '/a/b/issues/x'\n"));
}

/* Without the normalisation too: the parts a URL is read by. */
static void test_raw_urls(void **state)
{
    to_issue_ref_t ref;

    (void)state;
    assert_null(to_issue_url_parse(pool, "https://u@GITHUB.com:1/O/R/issues/5?q#f", &ref));
    assert_string_equal(ref.project, "o/r");
    assert_string_equal(ref.key, "5");
    assert_null(to_issue_url_parse(pool, "https:\\\\github.com\\o/r/issues/5", &ref));
    assert_string_equal(ref.project, "o/r");
    assert_non_null(to_issue_url_parse(pool, "", &ref));
    assert_non_null(to_issue_url_parse(pool, "https://[::1]/o/r/issues/5", &ref));
    assert_null(ref.source);
}

static void test_canonical(void **state)
{
    (void)state;
    assert_string_equal(to_issue_url(pool, "github", "o/r", "1"),
                        "https://github.com/o/r/issues/1");
    assert_string_equal(to_issue_url(pool, "jira", "TS", "2"),
                        "https://warthogs.atlassian.net/browse/TS-2");
    assert_string_equal(to_issue_url(pool, "launchpad", "p", "3"),
                        "https://bugs.launchpad.net/p/+bug/3");
    assert_null(to_issue_url(pool, "bugzilla", "p", "3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_error_names_host_and_path),
        cmocka_unit_test(test_raw_urls),
        cmocka_unit_test(test_canonical),
    };
    int rv;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rv = cmocka_run_group_tests(tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rv;
}
