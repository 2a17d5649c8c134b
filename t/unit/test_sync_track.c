/* Unit tests of sync/to_sync_track.c (what the issue sync asks each
 * tracker, how it reads the answers, when it backs off, what it changes)
 * and of the duration and count parsers its directives use. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "config/to_config_parse.h"
#include "sync/to_sync_track.h"

static apr_pool_t *pool;

static const char *labels_text(const apr_array_header_t *a)
{
    return a ? apr_array_pstrcat(pool, a, ',') : "(null)";
}

static apr_array_header_t *labels(int n, ...)
{
    apr_array_header_t *a = apr_array_make(pool, n + 1, sizeof(const char *));
    va_list ap;
    int i;

    va_start(ap, n);
    for (i = 0; i < n; i++) {
        APR_ARRAY_PUSH(a, const char *) = va_arg(ap, const char *);
    }
    va_end(ap);
    return a;
}

static void test_sources(void **state)
{
    (void)state;
    assert_int_equal(to_tracker_of_source("GITHUB"), TO_TRACKER_GITHUB);
    assert_int_equal(to_tracker_of_source("jira"), TO_TRACKER_JIRA);
    assert_int_equal(to_tracker_of_source("Launchpad"), TO_TRACKER_LAUNCHPAD);
    assert_int_equal(to_tracker_of_source("gitlab"), -1);
    assert_int_equal(to_tracker_of_source(NULL), -1);
    assert_string_equal(to_tracker_source(TO_TRACKER_JIRA), "JIRA");
    assert_string_equal(to_tracker_name(TO_TRACKER_LAUNCHPAD), "Launchpad");
}

typedef struct {
    to_tracker_t tracker;
    const char *base, *project, *key;
    const char *url; /* NULL: no address */
} url_case_t;

static const url_case_t url_cases[] = {
    {TO_TRACKER_GITHUB, "https://api.github.com", "canonical/test_observer", "71",
     "https://api.github.com/repos/canonical/test_observer/issues/71"},
    {TO_TRACKER_GITHUB, "http://127.0.0.1:9/gh/", "a/b.c", "1",
     "http://127.0.0.1:9/gh/repos/a/b.c/issues/1"},
    {TO_TRACKER_GITHUB, "https://x", "a b/c?d", "2", "https://x/repos/a%20b/c%3Fd/issues/2"},
    {TO_TRACKER_GITHUB, "https://x", "noslash", "1", NULL},
    {TO_TRACKER_GITHUB, "https://x", "a/b/c", "1", NULL},
    {TO_TRACKER_GITHUB, "https://x", "/b", "1", NULL},
    {TO_TRACKER_GITHUB, "https://x", "a/b", "12a", NULL},
    {TO_TRACKER_GITHUB, "https://x", "a/b", "", NULL},
    {TO_TRACKER_JIRA, "https://api.atlassian.com/ex/jira/cloud", "TO", "169",
     "https://api.atlassian.com/ex/jira/cloud/rest/api/3/issue/TO-169"},
    {TO_TRACKER_JIRA, "https://j//", "TO", "TO-169", "https://j/rest/api/3/issue/TO-169"},
    {TO_TRACKER_JIRA, "https://j", "", "X-1", "https://j/rest/api/3/issue/X-1"},
    {TO_TRACKER_JIRA, "https://j", "A", "1/../..", "https://j/rest/api/3/issue/A-1%2F..%2F.."},
    {TO_TRACKER_LAUNCHPAD, "https://api.launchpad.net/devel", "ubuntu", "2137746",
     "https://api.launchpad.net/devel/bugs/2137746"},
    {TO_TRACKER_LAUNCHPAD, "https://lp/", "ubuntu", " #123 ", "https://lp/bugs/123"},
    {TO_TRACKER_LAUNCHPAD, "https://lp", "ubuntu", "12x", NULL},
    {TO_TRACKER_LAUNCHPAD, "https://lp", "ubuntu", "#", NULL},
};

static void test_issue_urls(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
        const url_case_t *c = &url_cases[i];
        const char *url = to_sync_issue_url(pool, c->tracker, c->base, c->project, c->key);

        if (!c->url != !url || (url && strcmp(url, c->url))) {
            fail_msg("%d %s %s: got %s, want %s", c->tracker, c->project, c->key,
                     url ? url : "NULL", c->url ? c->url : "NULL");
        }
    }
    assert_null(to_sync_issue_url(pool, TO_TRACKER_GITHUB, NULL, "a/b", "1"));
    assert_string_equal(to_sync_launchpad_tasks_url(pool, "https://lp/devel/", "#42"),
                        "https://lp/devel/bugs/42/bug_tasks");
    assert_null(to_sync_launchpad_tasks_url(pool, "https://lp", "x"));
}

static void test_statuses(void **state)
{
    (void)state;
    assert_string_equal(to_sync_github_status("closed"), "CLOSED");
    assert_string_equal(to_sync_github_status("CLOSED"), "CLOSED");
    assert_string_equal(to_sync_github_status("open"), "OPEN");
    assert_string_equal(to_sync_github_status("weird"), "OPEN");
    assert_string_equal(to_sync_jira_status("Done"), "CLOSED");
    assert_string_equal(to_sync_jira_status("closed"), "CLOSED");
    assert_string_equal(to_sync_jira_status("RESOLVED"), "CLOSED");
    assert_string_equal(to_sync_jira_status("In Progress"), "OPEN");
    assert_string_equal(to_sync_jira_status(NULL), "OPEN");
    assert_string_equal(to_sync_launchpad_status("Fix Released"), "CLOSED");
    assert_string_equal(to_sync_launchpad_status("Invalid"), "CLOSED");
    assert_string_equal(to_sync_launchpad_status("Won't Fix"), "CLOSED");
    assert_string_equal(to_sync_launchpad_status("Expired"), "CLOSED");
    /* upstream's client reads Fix Committed as still open */
    assert_string_equal(to_sync_launchpad_status("Fix Committed"), "OPEN");
    assert_string_equal(to_sync_launchpad_status("Triaged"), "OPEN");
    assert_string_equal(to_sync_launchpad_status(NULL), "OPEN");
}

static const char *read_gh(const char *body, to_tracked_t *out)
{
    memset(out, 0, sizeof(*out));
    return to_sync_read_github(pool, body, strlen(body), out);
}

static void test_read_github(void **state)
{
    to_tracked_t t;

    (void)state;
    assert_null(read_gh("{\"title\":\"Wifi\",\"state\":\"closed\",\"state_reason\":\"completed\","
                        "\"labels\":[{\"name\":\"zeta\"},{\"name\":\"alpha\",\"color\":\"f00\"},"
                        "\"plain\",{\"id\":3}]}",
                        &t));
    assert_string_equal(t.title, "Wifi");
    assert_string_equal(t.status, "CLOSED");
    assert_string_equal(labels_text(t.labels), "alpha,plain,zeta");
    assert_null(read_gh("{\"title\":\"\",\"state\":\"open\"}", &t));
    assert_string_equal(t.status, "OPEN");
    assert_int_equal(t.labels->nelts, 0);
    assert_null(read_gh("{\"title\":\"t\",\"state\":\"open\",\"labels\":null}", &t));
    assert_non_null(read_gh("{\"title\":\"t\",\"state\":\"open\",\"labels\":{}}", &t));
    assert_non_null(read_gh("{\"state\":\"open\"}", &t));
    assert_non_null(read_gh("{\"title\":1,\"state\":\"open\"}", &t));
    assert_non_null(read_gh("[]", &t));
    assert_non_null(read_gh("<html>", &t));
    assert_non_null(read_gh("", &t));
    assert_non_null(to_sync_read_github(pool, NULL, 0, &t));
}

static const char *read_jira(const char *body, to_tracked_t *out)
{
    memset(out, 0, sizeof(*out));
    return to_sync_read_jira(pool, body, strlen(body), out);
}

static void test_read_jira(void **state)
{
    to_tracked_t t;

    (void)state;
    assert_null(read_jira("{\"key\":\"TO-1\",\"fields\":{\"summary\":\"Oops\",\"status\":{\"name\":"
                          "\"Done\"},\"labels\":[\"b\",\"a\"]}}",
                          &t));
    assert_string_equal(t.title, "Oops");
    assert_string_equal(t.status, "CLOSED");
    assert_string_equal(labels_text(t.labels), "a,b");
    /* as upstream: no summary is an empty title, no status is open */
    assert_null(read_jira("{\"fields\":{}}", &t));
    assert_string_equal(t.title, "");
    assert_string_equal(t.status, "OPEN");
    assert_null(read_jira("{\"fields\":{\"summary\":\"x\",\"status\":\"Done\"}}", &t));
    assert_string_equal(t.status, "OPEN");
    assert_non_null(read_jira("{\"errorMessages\":[\"no\"]}", &t));
    assert_non_null(read_jira("{\"fields\":[]}", &t));
    assert_non_null(read_jira("{\"fields\":{\"labels\":7}}", &t));
}

#define LP_BUG(extra) "{\"title\":\"Boot hangs\",\"tags\":[\"noble\",\"arm64\"]" extra "}"
#define LP_TASKS                                                                                   \
    "{\"entries\":[{\"bug_target_name\":\"ubuntu\",\"status\":\"Fix Released\","                   \
    "\"self_link\":\"https://api.launchpad.net/devel/ubuntu/+bug/1\"},"                            \
    "{\"bug_target_name\":\"linux (Ubuntu)\",\"status\":\"New\","                                  \
    "\"self_link\":\"https://api.launchpad.net/devel/ubuntu/+source/linux/+bug/1\"},"              \
    "{\"bug_target_name\":\"snapd\",\"bug_target_display_name\":\"Snapd\",\"status\":\"Triaged\"," \
    "\"self_link\":\"https://api.launchpad.net/devel/snapd/+bug/1\"}]}"

static const char *read_lp(const char *bug, const char *tasks, const char *project,
                           to_tracked_t *out)
{
    memset(out, 0, sizeof(*out));
    return to_sync_read_launchpad(pool, bug, strlen(bug), tasks, strlen(tasks), project, out);
}

static void test_read_launchpad(void **state)
{
    to_tracked_t t;

    (void)state;
    /* the task of the project: by target name, any case */
    assert_null(read_lp(LP_BUG(""), LP_TASKS, "SNAPD", &t));
    assert_string_equal(t.title, "Boot hangs");
    assert_string_equal(t.status, "OPEN");
    assert_string_equal(labels_text(t.labels), "arm64,noble");
    assert_null(read_lp(LP_BUG(""), LP_TASKS, "ubuntu", &t));
    assert_string_equal(t.status, "CLOSED");
    /* by its link: "linux" is only in the source package task's link */
    assert_null(read_lp(LP_BUG(""), LP_TASKS, "linux", &t));
    assert_string_equal(t.status, "OPEN");
    /* no match: the first task */
    assert_null(read_lp(LP_BUG(""), LP_TASKS, "other", &t));
    assert_string_equal(t.status, "CLOSED");
    assert_null(read_lp(LP_BUG(""), LP_TASKS, "", &t));
    assert_string_equal(t.status, "CLOSED");
    /* no task at all: open */
    assert_null(read_lp(LP_BUG(""), "{\"entries\":[]}", "ubuntu", &t));
    assert_string_equal(t.status, "OPEN");
    /* is_complete on the bug wins */
    assert_null(read_lp(LP_BUG(",\"is_complete\":false"), LP_TASKS, "ubuntu", &t));
    assert_string_equal(t.status, "OPEN");
    assert_null(read_lp(LP_BUG(",\"is_complete\":true"), LP_TASKS, "snapd", &t));
    assert_string_equal(t.status, "CLOSED");
    assert_non_null(read_lp("{\"tags\":[]}", LP_TASKS, "ubuntu", &t));
    assert_non_null(read_lp(LP_BUG(""), "{}", "ubuntu", &t));
    assert_non_null(read_lp(LP_BUG(""), "nope", "ubuntu", &t));
}

#define NOW apr_time_from_sec(1700000000)

static void test_backoff(void **state)
{
    (void)state;
    /* ordinary answers: go on */
    assert_int_equal(to_sync_backoff(200, NULL, "4999", "1700003600", NOW), 0);
    assert_int_equal(to_sync_backoff(404, NULL, NULL, NULL, NOW), 0);
    assert_int_equal(to_sync_backoff(500, "30", NULL, NULL, NOW), 0);
    /* a 403 that is not about limits is an error, not a pause */
    assert_int_equal(to_sync_backoff(403, NULL, "10", "1700003600", NOW), 0);
    assert_int_equal(to_sync_backoff(403, NULL, NULL, NULL, NOW), 0);
    /* GitHub's exhausted quota: until the reset */
    assert_true(to_sync_backoff(403, NULL, "0", "1700003600", NOW) ==
                apr_time_from_sec(1700003600));
    assert_true(to_sync_backoff(429, NULL, "0", "1700000100", NOW) ==
                apr_time_from_sec(1700000100));
    /* the last request of the quota: read it, pause after */
    assert_true(to_sync_backoff(200, NULL, "0", "1700000500", NOW) ==
                apr_time_from_sec(1700000500));
    /* Retry-After first, in seconds or as an HTTP date */
    assert_true(to_sync_backoff(429, "30", "0", "1700003600", NOW) == NOW + apr_time_from_sec(30));
    assert_true(to_sync_backoff(403, " 5 ", NULL, NULL, NOW) == NOW + apr_time_from_sec(5));
    assert_true(to_sync_backoff(503, "120", NULL, NULL, NOW) == NOW + apr_time_from_sec(120));
    assert_true(to_sync_backoff(429, "Tue, 14 Nov 2023 22:15:20 GMT", NULL, NULL, NOW) ==
                apr_time_from_sec(1700000120));
    /* nothing usable: a minute */
    assert_true(to_sync_backoff(429, NULL, NULL, NULL, NOW) == NOW + apr_time_from_sec(60));
    assert_true(to_sync_backoff(429, "soon", NULL, "x", NOW) == NOW + apr_time_from_sec(60));
    /* a reset already past: a second; never more than a day */
    assert_true(to_sync_backoff(429, NULL, "0", "1600000000", NOW) == NOW + apr_time_from_sec(1));
    assert_true(to_sync_backoff(429, NULL, "0", "1900000000", NOW) ==
                NOW + apr_time_from_sec(24 * 3600));
}

static void test_diff(void **state)
{
    to_issue_state_t cur = {"Title", "OPEN", NULL};
    to_tracked_t got = {"Title", "OPEN", labels(0)};
    to_sync_change_t ch;

    (void)state;
    /* no labels at either end: nothing changes */
    to_sync_diff(&cur, &got, &ch);
    assert_null(ch.title);
    assert_null(ch.status);
    assert_null(ch.labels);
    /* labels compared sorted */
    cur.labels = labels(2, "b", "a");
    got.labels = labels(2, "a", "b");
    to_sync_diff(&cur, &got, &ch);
    assert_null(ch.labels);
    got.labels = labels(2, "a", "c");
    got.title = "New";
    got.status = "CLOSED";
    to_sync_diff(&cur, &got, &ch);
    assert_string_equal(ch.title, "New");
    assert_string_equal(ch.status, "CLOSED");
    assert_string_equal(labels_text(ch.labels), "a,c");
    /* labels dropped at the tracker: an empty list */
    got.labels = labels(0);
    to_sync_diff(&cur, &got, &ch);
    assert_non_null(ch.labels);
    assert_int_equal(ch.labels->nelts, 0);
}

static void test_labels_json(void **state)
{
    (void)state;
    assert_null(to_sync_labels_json(pool, "null"));
    assert_null(to_sync_labels_json(pool, NULL));
    assert_null(to_sync_labels_json(pool, "{"));
    assert_string_equal(labels_text(to_sync_labels_json(pool, "[\"x\",\"a b\"]")), "x,a b");
    assert_int_equal(to_sync_labels_json(pool, "[]")->nelts, 0);
}

static void test_change_json(void **state)
{
    to_sync_change_t ch = {NULL, NULL, NULL};

    (void)state;
    assert_string_equal(to_sync_change_json(pool, "7", "a/b", "1", &ch),
                        "{\"id\":\"7\",\"project\":\"a/b\",\"key\":\"1\"}");
    ch.title = "T \"q\"";
    ch.status = "CLOSED";
    ch.labels = labels(2, "a", "b/c");
    assert_string_equal(to_sync_change_json(pool, "7", "a/b", "1", &ch),
                        "{\"id\":\"7\",\"project\":\"a/b\",\"key\":\"1\",\"title\":\"T "
                        "\\\"q\\\"\",\"status\":\"CLOSED\",\"labels\":[\"a\",\"b/c\"]}");
}

static void test_parse_duration(void **state)
{
    apr_interval_time_t t = 0;

    (void)state;
    assert_null(to_parse_duration("60", &t));
    assert_true(t == apr_time_from_sec(60));
    assert_null(to_parse_duration("500ms", &t));
    assert_true(t == 500000);
    assert_null(to_parse_duration("2m", &t));
    assert_true(t == apr_time_from_sec(120));
    assert_null(to_parse_duration("6H", &t));
    assert_true(t == apr_time_from_sec(21600));
    assert_null(to_parse_duration("7d", &t));
    assert_true(t == apr_time_from_sec(604800));
    assert_non_null(to_parse_duration("0", &t));
    assert_non_null(to_parse_duration("-1", &t));
    assert_non_null(to_parse_duration("1w", &t));
    assert_non_null(to_parse_duration("s", &t));
    assert_non_null(to_parse_duration("99999999999d", &t));
    assert_non_null(to_parse_duration("99999999999999999999999", &t));
}

static void test_parse_count(void **state)
{
    int n = 0;

    (void)state;
    assert_null(to_parse_count("50", 1000, &n));
    assert_int_equal(n, 50);
    assert_null(to_parse_count("1000", 1000, &n));
    assert_non_null(to_parse_count("1001", 1000, &n));
    assert_non_null(to_parse_count("0", 1000, &n));
    assert_non_null(to_parse_count("5x", 1000, &n));
    assert_non_null(to_parse_count("", 1000, &n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sources),        cmocka_unit_test(test_issue_urls),
        cmocka_unit_test(test_statuses),       cmocka_unit_test(test_read_github),
        cmocka_unit_test(test_read_jira),      cmocka_unit_test(test_read_launchpad),
        cmocka_unit_test(test_backoff),        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_labels_json),    cmocka_unit_test(test_change_json),
        cmocka_unit_test(test_parse_duration), cmocka_unit_test(test_parse_count),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests_name("sync_track", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
