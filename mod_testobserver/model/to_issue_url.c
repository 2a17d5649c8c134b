/* Issue URLs, as upstream reads and rebuilds them. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "to_issue_url.h"

#define GITHUB_HOST "github.com"
#define JIRA_HOST "warthogs.atlassian.net"
#define LAUNCHPAD_HOST "bugs.launchpad.net"

/* The path split at its slashes: seg[0] is what precedes the first one
 * (empty for an absolute path). Empty segments are kept. */
#define MAX_SEGMENTS 8

typedef struct {
    const char *seg[MAX_SEGMENTS];
    int n; /* MAX_SEGMENTS + 1 when there are more */
} segments_t;

static void split_path(apr_pool_t *pool, const char *path, segments_t *s)
{
    const char *p = path;

    s->n = 0;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);

        if (s->n == MAX_SEGMENTS) {
            s->n++;
            return;
        }
        s->seg[s->n++] = apr_pstrmemdup(pool, p, len);
        if (!slash) {
            return;
        }
        p = slash + 1;
    }
}

int to_issue_all_digits(const char *s)
{
    if (!*s) {
        return 0;
    }
    for (; *s; s++) {
        if (!apr_isdigit(*s)) {
            return 0;
        }
    }
    return 1;
}

static int all_letters(const char *s, size_t len)
{
    size_t i;

    if (len == 0) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!apr_isalpha(s[i])) {
            return 0;
        }
    }
    return 1;
}

static char *lower(apr_pool_t *pool, const char *s)
{
    char *out = apr_pstrdup(pool, s);
    char *p;

    for (p = out; *p; p++) {
        *p = (char)apr_tolower(*p);
    }
    return out;
}

static char *upper(apr_pool_t *pool, const char *s, size_t len)
{
    char *out = apr_pstrmemdup(pool, s, len);
    char *p;

    for (p = out; *p; p++) {
        *p = (char)apr_toupper(*p);
    }
    return out;
}

/* The host (lower case, without user information and port) and the path
 * ("/" when empty) of url. */
static void host_and_path(apr_pool_t *pool, const char *url, const char **host, const char **path)
{
    const char *p = url, *auth, *auth_end, *at, *colon;
    size_t path_len;

    /* past the scheme and the slashes that follow it */
    while (apr_isalnum(*p) || *p == '+' || *p == '-' || *p == '.') {
        p++;
    }
    if (*p == ':' && p > url) {
        p++;
    }
    else {
        p = url;
    }
    while (*p == '/' || *p == '\\') {
        p++;
    }
    auth = p;
    auth_end = auth + strcspn(auth, "/\\?#");
    at = NULL;
    for (p = auth; p < auth_end; p++) {
        if (*p == '@') {
            at = p;
        }
    }
    if (at) {
        auth = at + 1;
    }
    colon = *auth == '[' ? NULL : memchr(auth, ':', (size_t)(auth_end - auth));
    *host = lower(pool, apr_pstrmemdup(pool, auth, (size_t)((colon ? colon : auth_end) - auth)));
    path_len = strcspn(auth_end, "?#");
    if (path_len) {
        /* a backslash separates segments as a slash does */
        char *copy = apr_pstrmemdup(pool, auth_end, path_len), *c;
        for (c = copy; *c; c++) {
            if (*c == '\\') {
                *c = '/';
            }
        }
        *path = copy;
    }
    else {
        *path = "/";
    }
}

/* /<owner>/<repo>/issues/<number> */
static int github(apr_pool_t *pool, const segments_t *s, to_issue_ref_t *ref)
{
    if (s->n != 5 || *s->seg[0] || !*s->seg[1] || !*s->seg[2] || strcmp(s->seg[3], "issues") ||
        !to_issue_all_digits(s->seg[4])) {
        return 0;
    }
    ref->source = "github";
    ref->project = lower(pool, apr_pstrcat(pool, s->seg[1], "/", s->seg[2], NULL));
    ref->key = s->seg[4];
    return 1;
}

/* /browse/<PROJECT>-<number>, the project made of letters only */
static int jira(apr_pool_t *pool, const segments_t *s, to_issue_ref_t *ref)
{
    const char *dash;

    if (s->n != 3 || *s->seg[0] || strcmp(s->seg[1], "browse")) {
        return 0;
    }
    dash = strchr(s->seg[2], '-');
    if (!dash || !all_letters(s->seg[2], (size_t)(dash - s->seg[2])) ||
        !to_issue_all_digits(dash + 1)) {
        return 0;
    }
    ref->source = "jira";
    ref->project = upper(pool, s->seg[2], (size_t)(dash - s->seg[2]));
    ref->key = dash + 1;
    return 1;
}

/* /<project>/+bug/<number> or /<project>/+source/<package>/+bug/<number> */
static int launchpad(apr_pool_t *pool, const segments_t *s, to_issue_ref_t *ref)
{
    int bug;

    if (s->n == 4) {
        bug = 2;
    }
    else if (s->n == 6 && !strcmp(s->seg[2], "+source") && *s->seg[3]) {
        bug = 4;
    }
    else {
        return 0;
    }
    if (*s->seg[0] || !*s->seg[1] || strcmp(s->seg[bug], "+bug") ||
        !to_issue_all_digits(s->seg[bug + 1])) {
        return 0;
    }
    ref->source = "launchpad";
    ref->project = lower(pool, s->seg[1]);
    ref->key = s->seg[bug + 1];
    return 1;
}

const char *to_issue_url_parse(apr_pool_t *pool, const char *url, to_issue_ref_t *ref)
{
    const char *host, *path;
    segments_t s;
    int found = 0;

    memset(ref, 0, sizeof(*ref));
    host_and_path(pool, url, &host, &path);
    split_path(pool, path, &s);
    if (!strcmp(host, GITHUB_HOST)) {
        found = github(pool, &s, ref);
    }
    else if (!strcmp(host, JIRA_HOST)) {
        found = jira(pool, &s, ref);
    }
    else if (!strcmp(host, LAUNCHPAD_HOST)) {
        found = launchpad(pool, &s, ref);
    }
    if (found) {
        ref->url = to_issue_url(pool, ref->source, ref->project, ref->key);
        return NULL;
    }
    memset(ref, 0, sizeof(*ref));
    return apr_psprintf(pool,
                        "Unrecognized issue URL format:\n"
                        "  host = '%s'\n"
                        "  path = '%s'\n\n"
                        "Expected formats:\n"
                        "  GitHub:     https://github.com/<owner>/<repo>/issues/<number>\n"
                        "  JIRA:       https://warthogs.atlassian.net/browse/<PROJECT-123>\n"
                        "  Launchpad:  https://bugs.launchpad.net/<project>/+bug/<number>",
                        host, path);
}

const char *to_issue_url(apr_pool_t *pool, const char *source, const char *project, const char *key)
{
    if (!strcmp(source, "github")) {
        return apr_pstrcat(pool, "https://" GITHUB_HOST "/", project, "/issues/", key, NULL);
    }
    if (!strcmp(source, "jira")) {
        return apr_pstrcat(pool, "https://" JIRA_HOST "/browse/", project, "-", key, NULL);
    }
    if (!strcmp(source, "launchpad")) {
        return apr_pstrcat(pool, "https://" LAUNCHPAD_HOST "/", project, "/+bug/", key, NULL);
    }
    return NULL;
}
