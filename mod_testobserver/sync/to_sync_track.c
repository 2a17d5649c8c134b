/* Issue synchronisation, the pure part (see to_sync_track.h). */
#include <stdlib.h>
#include <string.h>

#include <apr_date.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_issue_url.h"
#include "to_sync_track.h"

#define TO_SYNC_BACKOFF_DEFAULT apr_time_from_sec(60)
#define TO_SYNC_BACKOFF_MAX apr_time_from_sec(24 * 3600)

static const char *const sources[TO_TRACKER_COUNT] = {"GITHUB", "JIRA", "LAUNCHPAD"};
static const char *const names[TO_TRACKER_COUNT] = {"GitHub", "Jira", "Launchpad"};

int to_tracker_of_source(const char *source)
{
    int i;

    for (i = 0; source && i < TO_TRACKER_COUNT; i++) {
        if (!strcasecmp(source, sources[i])) {
            return i;
        }
    }
    return -1;
}

const char *to_tracker_source(to_tracker_t t)
{
    return t < TO_TRACKER_COUNT ? sources[t] : NULL;
}

const char *to_tracker_name(to_tracker_t t)
{
    return t < TO_TRACKER_COUNT ? names[t] : NULL;
}

/* Percent-encodes everything but RFC 3986's unreserved characters. */
static const char *escape_segment(apr_pool_t *pool, const char *s, apr_size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(pool, len * 3 + 1), *o = out;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (apr_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            *o++ = (char)c;
        }
        else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

static const char *escape(apr_pool_t *pool, const char *s)
{
    return escape_segment(pool, s, strlen(s));
}

static const char *trim_base(apr_pool_t *pool, const char *base)
{
    apr_size_t n = strlen(base);

    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    return apr_pstrmemdup(pool, base, n);
}

/* A Launchpad bug number as upstream reads a key: blanks and "#" dropped. */
static const char *bug_number(apr_pool_t *pool, const char *key)
{
    const char *s = key, *e;

    while (apr_isspace(*s) || *s == '#') {
        s++;
    }
    e = s + strlen(s);
    while (e > s && apr_isspace(e[-1])) {
        e--;
    }
    s = apr_pstrmemdup(pool, s, (apr_size_t)(e - s));
    return to_issue_all_digits(s) ? s : NULL;
}

const char *to_sync_issue_url(apr_pool_t *pool, to_tracker_t t, const char *base,
                              const char *project, const char *key)
{
    const char *slash, *k;

    if (!base || !project || !key || !*key) {
        return NULL;
    }
    base = trim_base(pool, base);
    switch (t) {
    case TO_TRACKER_GITHUB:
        slash = strchr(project, '/');
        if (!slash || slash == project || !slash[1] || strchr(slash + 1, '/') ||
            !to_issue_all_digits(key)) {
            return NULL;
        }
        return apr_pstrcat(pool, base, "/repos/",
                           escape_segment(pool, project, (apr_size_t)(slash - project)), "/",
                           escape(pool, slash + 1), "/issues/", key, NULL);
    case TO_TRACKER_JIRA:
        /* upstream joins project and number unless the key is whole */
        k = (*project && !strchr(key, '-')) ? apr_pstrcat(pool, project, "-", key, NULL) : key;
        return apr_pstrcat(pool, base, "/rest/api/3/issue/", escape(pool, k), NULL);
    case TO_TRACKER_LAUNCHPAD:
        k = bug_number(pool, key);
        return k ? apr_pstrcat(pool, base, "/bugs/", k, NULL) : NULL;
    default:
        return NULL;
    }
}

const char *to_sync_launchpad_tasks_url(apr_pool_t *pool, const char *base, const char *key)
{
    const char *k = key ? bug_number(pool, key) : NULL;

    return k && base ? apr_pstrcat(pool, trim_base(pool, base), "/bugs/", k, "/bug_tasks", NULL)
                     : NULL;
}

const char *to_sync_github_status(const char *state)
{
    return state && !strcasecmp(state, "closed") ? "CLOSED" : "OPEN";
}

const char *to_sync_jira_status(const char *state)
{
    static const char *const closed[] = {"done", "closed", "resolved", NULL};
    int i;

    for (i = 0; state && closed[i]; i++) {
        if (!strcasecmp(state, closed[i])) {
            return "CLOSED";
        }
    }
    return "OPEN";
}

const char *to_sync_launchpad_status(const char *task_status)
{
    static const char *const closed[] = {"Fix Released", "Invalid", "Won't Fix", "Expired", NULL};
    int i;

    for (i = 0; task_status && closed[i]; i++) {
        if (!strcmp(task_status, closed[i])) {
            return "CLOSED";
        }
    }
    return "OPEN";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sort_labels(apr_array_header_t *labels)
{
    if (labels->nelts > 1) {
        qsort(labels->elts, (size_t)labels->nelts, sizeof(const char *), cmp_str);
    }
}

static json_object *parse_object(apr_pool_t *pool, const char *body, apr_size_t len,
                                 const char **err)
{
    to_json_parse_t res;

    if (!body || to_json_parse(pool, body, len, &res) != APR_SUCCESS) {
        *err = "the answer is not JSON";
        return NULL;
    }
    if (!json_object_is_type(res.value, json_type_object)) {
        *err = "the answer is not a JSON object";
        return NULL;
    }
    return res.value;
}

static const char *get_string(json_object *obj, const char *key)
{
    json_object *v = to_json_get(obj, key, NULL);

    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* Labels from an array of strings, or of objects with a "name" (GitHub
 * gives either); anything else in it is skipped. */
static const char *read_labels(apr_pool_t *pool, json_object *arr, apr_array_header_t **out)
{
    size_t i, n;

    *out = apr_array_make(pool, 4, sizeof(const char *));
    if (!arr || json_object_is_type(arr, json_type_null)) {
        return NULL;
    }
    if (!json_object_is_type(arr, json_type_array)) {
        return "the labels are not a list";
    }
    n = json_object_array_length(arr);
    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        const char *name = NULL;

        if (json_object_is_type(e, json_type_string)) {
            name = json_object_get_string(e);
        }
        else if (json_object_is_type(e, json_type_object)) {
            name = get_string(e, "name");
        }
        if (name) {
            APR_ARRAY_PUSH(*out, const char *) = apr_pstrdup(pool, name);
        }
    }
    sort_labels(*out);
    return NULL;
}

const char *to_sync_read_github(apr_pool_t *pool, const char *body, apr_size_t len,
                                to_tracked_t *out)
{
    const char *err = NULL, *title, *state;
    json_object *obj = parse_object(pool, body, len, &err);

    if (!obj) {
        return err;
    }
    title = get_string(obj, "title");
    state = get_string(obj, "state");
    if (!title || !state) {
        return "the answer has no title or state";
    }
    out->title = apr_pstrdup(pool, title);
    out->status = to_sync_github_status(state);
    return read_labels(pool, to_json_get(obj, "labels", NULL), &out->labels);
}

const char *to_sync_read_jira(apr_pool_t *pool, const char *body, apr_size_t len, to_tracked_t *out)
{
    const char *err = NULL, *title, *state = NULL;
    json_object *obj = parse_object(pool, body, len, &err), *fields, *status;

    if (!obj) {
        return err;
    }
    fields = to_json_get(obj, "fields", NULL);
    if (!fields || !json_object_is_type(fields, json_type_object)) {
        return "the answer has no fields";
    }
    /* upstream takes a missing summary as empty and a missing status as
     * "Unknown" (which is OPEN) */
    title = get_string(fields, "summary");
    status = to_json_get(fields, "status", NULL);
    if (status && json_object_is_type(status, json_type_object)) {
        state = get_string(status, "name");
    }
    out->title = apr_pstrdup(pool, title ? title : "");
    out->status = to_sync_jira_status(state);
    return read_labels(pool, to_json_get(fields, "labels", NULL), &out->labels);
}

/* Whether hay contains needle, without case. */
static int contains_nocase(const char *hay, const char *needle)
{
    apr_size_t n = strlen(needle);

    for (; *hay; hay++) {
        if (!strncasecmp(hay, needle, n)) {
            return 1;
        }
    }
    return 0;
}

/* Upstream's choice of task: the first whose target names the project, or
 * whose link mentions it; else the first task. */
static json_object *choose_task(json_object *entries, const char *project)
{
    size_t i, n = json_object_array_length(entries);
    const char *p = project;

    while (p && apr_isspace(*p)) {
        p++;
    }
    if (p && *p) {
        for (i = 0; i < n; i++) {
            json_object *t = json_object_array_get_idx(entries, i);
            const char *target = get_string(t, "bug_target_name");
            const char *display = get_string(t, "bug_target_display_name");
            const char *link = get_string(t, "self_link");

            if ((target && !strcasecmp(target, p)) || (display && !strcasecmp(display, p)) ||
                (link && contains_nocase(link, p))) {
                return t;
            }
        }
    }
    return n ? json_object_array_get_idx(entries, 0) : NULL;
}

const char *to_sync_read_launchpad(apr_pool_t *pool, const char *bug, apr_size_t bug_len,
                                   const char *tasks, apr_size_t tasks_len, const char *project,
                                   to_tracked_t *out)
{
    const char *err = NULL, *title, *task_status = NULL;
    json_object *obj = parse_object(pool, bug, bug_len, &err), *list, *entries, *task, *complete;

    if (!obj) {
        return err;
    }
    title = get_string(obj, "title");
    if (!title) {
        return "the bug has no title";
    }
    list = parse_object(pool, tasks, tasks_len, &err);
    if (!list) {
        return err;
    }
    entries = to_json_get(list, "entries", NULL);
    if (!entries || !json_object_is_type(entries, json_type_array)) {
        return "the bug's tasks have no entries";
    }
    task = choose_task(entries, project);
    if (task && json_object_is_type(task, json_type_object)) {
        task_status = get_string(task, "status");
    }
    out->title = apr_pstrdup(pool, title);
    complete = to_json_get(obj, "is_complete", NULL);
    if (complete && json_object_is_type(complete, json_type_boolean)) {
        out->status = json_object_get_boolean(complete) ? "CLOSED" : "OPEN";
    }
    else {
        out->status = to_sync_launchpad_status(task_status);
    }
    return read_labels(pool, to_json_get(obj, "tags", NULL), &out->labels);
}

/* Seconds, or an HTTP date; -1 when neither. */
static apr_time_t retry_after_time(const char *v, apr_time_t now)
{
    apr_int64_t secs;
    char *end;

    if (!v) {
        return -1;
    }
    while (apr_isspace(*v)) {
        v++;
    }
    if (apr_isdigit(*v)) {
        secs = apr_strtoi64(v, &end, 10);
        while (apr_isspace(*end)) {
            end++;
        }
        if (!*end && secs >= 0 && secs <= APR_INT64_C(10) * 24 * 3600) {
            return now + apr_time_from_sec(secs);
        }
        return -1;
    }
    secs = apr_date_parse_http(v);
    return secs > 0 ? (apr_time_t)secs : -1;
}

/* X-RateLimit-Reset: seconds since the epoch. */
static apr_time_t reset_time(const char *v)
{
    apr_int64_t secs;
    char *end;

    if (!v || !apr_isdigit(*v)) {
        return -1;
    }
    secs = apr_strtoi64(v, &end, 10);
    if (*end || secs <= 0 || secs > APR_INT64_C(1) << 40) {
        return -1;
    }
    return apr_time_from_sec(secs);
}

static int exhausted(const char *remaining)
{
    if (!remaining) {
        return 0;
    }
    while (apr_isspace(*remaining)) {
        remaining++;
    }
    return remaining[0] == '0' && !apr_isdigit(remaining[1]);
}

apr_time_t to_sync_backoff(int status, const char *retry_after, const char *remaining,
                           const char *reset, apr_time_t now)
{
    apr_time_t until = -1;
    int quota = exhausted(remaining);

    if (status == 429 || ((status == 403 || status == 503) && (retry_after || quota))) {
        until = retry_after_time(retry_after, now);
        if (until < 0) {
            until = reset_time(reset);
        }
        if (until < 0) {
            until = now + TO_SYNC_BACKOFF_DEFAULT;
        }
    }
    else if (status >= 200 && status < 300 && quota) {
        until = reset_time(reset);
        if (until < 0) {
            until = now + TO_SYNC_BACKOFF_DEFAULT;
        }
    }
    if (until < 0) {
        return 0;
    }
    if (until <= now) {
        /* a reset already past (clocks differ): a second is enough */
        until = now + apr_time_from_sec(1);
    }
    return until > now + TO_SYNC_BACKOFF_MAX ? now + TO_SYNC_BACKOFF_MAX : until;
}

static int same_labels(const apr_array_header_t *cur, const apr_array_header_t *got)
{
    apr_array_header_t *sorted;
    int i, ncur = cur ? cur->nelts : 0, ngot = got ? got->nelts : 0;

    if (ncur != ngot) {
        return 0;
    }
    if (!ncur) {
        return 1;
    }
    sorted = apr_array_copy(cur->pool, cur);
    sort_labels(sorted);
    for (i = 0; i < ncur; i++) {
        if (strcmp(APR_ARRAY_IDX(sorted, i, const char *), APR_ARRAY_IDX(got, i, const char *))) {
            return 0;
        }
    }
    return 1;
}

void to_sync_diff(const to_issue_state_t *cur, const to_tracked_t *got, to_sync_change_t *change)
{
    memset(change, 0, sizeof(*change));
    if (got->title && (!cur->title || strcmp(cur->title, got->title))) {
        change->title = got->title;
    }
    if (got->status && (!cur->status || strcmp(cur->status, got->status))) {
        change->status = got->status;
    }
    if (!same_labels(cur->labels, got->labels)) {
        change->labels = got->labels;
    }
}

apr_array_header_t *to_sync_labels_json(apr_pool_t *pool, const char *json)
{
    to_json_parse_t res;
    apr_array_header_t *out;
    size_t i, n;

    if (!json || to_json_parse(pool, json, strlen(json), &res) != APR_SUCCESS ||
        !json_object_is_type(res.value, json_type_array)) {
        return NULL;
    }
    n = json_object_array_length(res.value);
    out = apr_array_make(pool, (int)n + 1, sizeof(const char *));
    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(res.value, i);

        if (json_object_is_type(e, json_type_string)) {
            APR_ARRAY_PUSH(out, const char *) = apr_pstrdup(pool, json_object_get_string(e));
        }
    }
    return out;
}

const char *to_sync_change_json(apr_pool_t *pool, const char *id, const char *project,
                                const char *key, const to_sync_change_t *change)
{
    json_object *obj = to_json_own(pool, json_object_new_object());
    int i;

    json_object_object_add(obj, "id", to_json_str(id));
    json_object_object_add(obj, "project", to_json_str(project));
    json_object_object_add(obj, "key", to_json_str(key));
    if (change->title) {
        json_object_object_add(obj, "title", to_json_str(change->title));
    }
    if (change->status) {
        json_object_object_add(obj, "status", to_json_str(change->status));
    }
    if (change->labels) {
        json_object *arr = json_object_new_array();

        for (i = 0; i < change->labels->nelts; i++) {
            json_object_array_add(arr, to_json_str(APR_ARRAY_IDX(change->labels, i, const char *)));
        }
        json_object_object_add(obj, "labels", arr);
    }
    return to_json_text(pool, obj);
}
