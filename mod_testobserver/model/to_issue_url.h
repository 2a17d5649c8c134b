/* Issue URLs: which tracker, project and key a URL names, and the canonical
 * URL of an issue, with upstream's rules (pure: APR only).
 *
 *   GitHub     https://github.com/<owner>/<repo>/issues/<number>
 *              project "owner/repo" in lower case
 *   Jira       https://warthogs.atlassian.net/browse/<PROJECT>-<number>
 *              project letters only, in upper case
 *   Launchpad  https://bugs.launchpad.net/<project>[/+source/<pkg>]/+bug/<number>
 *              project in lower case, the package dropped
 *
 * Any scheme, user information, port, query and fragment are ignored; the
 * host is compared without case. */
#ifndef TO_ISSUE_URL_H
#define TO_ISSUE_URL_H

#include <apr_pools.h>

typedef struct {
    const char *source;  /* "github", "jira" or "launchpad" */
    const char *project; /* normalised as above */
    const char *key;     /* the number, as written */
    const char *url;     /* the canonical URL (to_issue_url) */
} to_issue_ref_t;

/* Reads url, which should be in the normal form pydantic gives an HttpUrl
 * (to_normal_http_url: host in lower case, path percent-encoded, dot
 * segments resolved). Returns NULL with *ref filled, or upstream's error
 * message, which names the host and path it saw. */
const char *to_issue_url_parse(apr_pool_t *pool, const char *url, to_issue_ref_t *ref);

/* Whether s is one or more ASCII digits (an issue number). */
int to_issue_all_digits(const char *s);

/* The canonical URL of an issue; NULL for an unknown source. */
const char *to_issue_url(apr_pool_t *pool, const char *source, const char *project,
                         const char *key);

#endif
