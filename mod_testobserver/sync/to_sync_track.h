/* Issue synchronisation, the pure part: what to ask each tracker, how to
 * read its answers, when it says to slow down, and what changed (APR and
 * json-c only; the glue in to_sync.c does the HTTP and the SQL).
 *
 *   GitHub     GET <base>/repos/<owner>/<repo>/issues/<number>
 *              "state" open|closed; "labels" [{"name": ...}]
 *   Jira       GET <base>/rest/api/3/issue/<PROJECT>-<number>
 *              fields.summary, fields.status.name, fields.labels
 *   Launchpad  GET <base>/bugs/<number> (title, tags), then
 *              GET <base>/bugs/<number>/bug_tasks: the status of the task
 *              whose target is the issue's project, else the first task
 *
 * As upstream: GitHub "closed" is CLOSED; Jira Done, Closed and Resolved
 * are CLOSED; a Launchpad bug is CLOSED when its "is_complete" says so, or
 * else when its task is Fix Released, Invalid, Won't Fix or Expired;
 * everything else is OPEN. Labels are kept sorted. */
#ifndef TO_SYNC_TRACK_H
#define TO_SYNC_TRACK_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

typedef enum {
    TO_TRACKER_GITHUB = 0,
    TO_TRACKER_JIRA,
    TO_TRACKER_LAUNCHPAD,
    TO_TRACKER_COUNT
} to_tracker_t;

/* The tracker of an issue's source ("GITHUB", "JIRA", "LAUNCHPAD", any
 * case), or -1. */
int to_tracker_of_source(const char *source);

/* The issue source (as the database spells it) and a display name. */
const char *to_tracker_source(to_tracker_t t);
const char *to_tracker_name(to_tracker_t t);

/* What a tracker says about an issue. */
typedef struct {
    const char *title;
    const char *status;         /* "OPEN" or "CLOSED" */
    apr_array_header_t *labels; /* const char *, sorted */
} to_tracked_t;

/* The URL of an issue at base (a trailing slash is dropped); project and
 * key are percent-encoded. NULL when the project or key cannot name an
 * issue there (a GitHub project without a slash, an empty key). */
const char *to_sync_issue_url(apr_pool_t *pool, to_tracker_t t, const char *base,
                              const char *project, const char *key);

/* The URL of a Launchpad bug's tasks. */
const char *to_sync_launchpad_tasks_url(apr_pool_t *pool, const char *base, const char *key);

/* Readers of a 200 answer. Each returns NULL with *out filled, or a short
 * description of what is wrong with the answer. */
const char *to_sync_read_github(apr_pool_t *pool, const char *body, apr_size_t len,
                                to_tracked_t *out);
const char *to_sync_read_jira(apr_pool_t *pool, const char *body, apr_size_t len,
                              to_tracked_t *out);
const char *to_sync_read_launchpad(apr_pool_t *pool, const char *bug, apr_size_t bug_len,
                                   const char *tasks, apr_size_t tasks_len, const char *project,
                                   to_tracked_t *out);

/* Status mapping of each tracker's state name. */
const char *to_sync_github_status(const char *state);
const char *to_sync_jira_status(const char *state);
const char *to_sync_launchpad_status(const char *task_status);

/* Whether an answer asks to stop for a while, and until when: 0 to go on,
 * else the time to resume. status is the HTTP status; the strings are the
 * Retry-After, X-RateLimit-Remaining and X-RateLimit-Reset headers (NULL
 * when absent). 429, and 403 or 503 with Retry-After or an exhausted
 * GitHub quota, stop until the time named (a minute when none is); a 200
 * that used up the quota stops until its reset. Never longer than a day. */
apr_time_t to_sync_backoff(int status, const char *retry_after, const char *remaining,
                           const char *reset, apr_time_t now);

/* An issue as the database holds it. */
typedef struct {
    const char *title;
    const char *status;
    const apr_array_header_t *labels; /* NULL for SQL NULL */
} to_issue_state_t;

/* What a sync changes, upstream's way: each field NULL when unchanged.
 * Labels are compared sorted; none from the tracker and NULL in the
 * database count as the same. */
typedef struct {
    const char *title;
    const char *status;
    const apr_array_header_t *labels;
} to_sync_change_t;

void to_sync_diff(const to_issue_state_t *cur, const to_tracked_t *got, to_sync_change_t *change);

/* Reads labels from JSON text ("null" or an array of strings), as
 * PostgreSQL's to_json(labels) writes them; NULL for null or bad text. */
apr_array_header_t *to_sync_labels_json(apr_pool_t *pool, const char *json);

/* One element of the batch update: {"id":..,"project":..,"key":..,
 * "title":..,"status":..,"labels":[..]} with only the changed fields (the
 * project and key make sure the row is still the issue that was asked). */
const char *to_sync_change_json(apr_pool_t *pool, const char *id, const char *project,
                                const char *key, const to_sync_change_t *change);

#endif
