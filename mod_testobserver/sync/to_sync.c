/* Issue synchronisation inside httpd (see to_sync.h): the directives, the
 * mod_watchdog callback, the tracker requests (libcurl) and the SQL. */
#include <stdlib.h>
#include <string.h>

#include <apr_dbd.h>
#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_optional.h>
#include <apr_strings.h>

#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <ap_mpm.h>
#include <mod_watchdog.h>
#include <util_cfgtree.h>

#include <curl/curl.h>

#include "../config/to_config_parse.h"
#include "../json/to_json.h"
#include "../model/to_filters.h"
#include "../to_private.h"
#include "to_sync.h"
#include "to_sync_track.h"

#define TO_SYNC_WATCHDOG "_testobserver_issue_sync_"
#define TO_SYNC_MAX_BODY ((apr_size_t)4 * 1024 * 1024)
#define TO_SYNC_AGENT "mod_testobserver-issue-sync"

static const char *const default_urls[TO_TRACKER_COUNT] = {"https://api.github.com", NULL,
                                                           "https://api.launchpad.net/devel"};

typedef struct {
    int enabled;                        /* -1: Off */
    apr_interval_time_t check;          /* -1: 60s */
    apr_interval_time_t open;           /* -1: 1h (upstream's SYNC_OPEN_INTERVAL_S) */
    apr_interval_time_t recent;         /* -1: 6h (SYNC_RECENT_CLOSED_INTERVAL_S) */
    apr_interval_time_t old;            /* -1: 7d (SYNC_OLD_CLOSED_INTERVAL_S) */
    apr_interval_time_t after;          /* -1: 30d (SYNC_OLD_CLOSED_THRESHOLD_DAYS) */
    apr_interval_time_t timeout;        /* -1: 10s */
    int batch;                          /* -1: 50 (SYNC_BATCH_SIZE) */
    const char *db_params;              /* NULL: DBDParams */
    const char *urls[TO_TRACKER_COUNT]; /* NULL: default; "" after "none" */
    const char *github_token;           /* NULL: anonymous */
    const char *jira_user;
    const char *jira_token;
} to_sync_conf_t;

/* An issue whose tracker failed: not asked again before until (upstream
 * retries a failed issue at its priority's next task, not sooner). */
typedef struct {
    int id;
    apr_time_t until;
} to_sync_held_t;

#define TO_SYNC_MAX_HELD 4096

/* What the watchdog callback works with; lives in the configuration pool
 * and is only used by the watchdog thread (but for stop). */
typedef struct {
    server_rec *s;
    const to_sync_conf_t *conf;
    const char *db_params;
    const apr_dbd_driver_t *driver;
    volatile int stop;
    apr_time_t resume[TO_TRACKER_COUNT]; /* a tracker that asked us to wait */
    to_sync_held_t *held;                /* TO_SYNC_MAX_HELD slots, until 0: free */
} to_sync_ctx_t;

/* Read while the configuration is read (one thread), then only read. */
static to_sync_conf_t *sync_conf;

static APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) * wd_get_instance;
static APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) * wd_register_callback;

/* -------------------------------------------------------------------- */
/* Directives                                                            */

static to_sync_conf_t *conf_new(apr_pool_t *pool)
{
    to_sync_conf_t *c = apr_pcalloc(pool, sizeof(*c));

    c->enabled = -1;
    c->check = c->open = c->recent = c->old = c->after = c->timeout = -1;
    c->batch = -1;
    return c;
}

static const char *global_conf(cmd_parms *cmd, to_sync_conf_t **c)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err) {
        return err;
    }
    if (!sync_conf) {
        sync_conf = conf_new(cmd->pool);
    }
    *c = sync_conf;
    return NULL;
}

const char *to_sync_cmd_flag(cmd_parms *cmd, void *dconf, const char *arg)
{
    to_sync_conf_t *c;
    const char *err = global_conf(cmd, &c);
    (void)dconf;

    if (!err && (err = to_parse_flag(arg, &c->enabled))) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " ", err, NULL);
    }
    return err;
}

const char *to_sync_cmd_duration(cmd_parms *cmd, void *dconf, const char *arg)
{
    to_sync_conf_t *c;
    const char *which = cmd->info, *err = global_conf(cmd, &c);
    apr_interval_time_t t = 0;
    (void)dconf;

    if (err) {
        return err;
    }
    if ((err = to_parse_duration(arg, &t))) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " ", err, NULL);
    }
    if (!strcmp(which, "check")) {
        if (t < apr_time_from_sec(1)) {
            return apr_pstrcat(cmd->pool, cmd->cmd->name, " must be at least 1s", NULL);
        }
        c->check = t;
    }
    else if (!strcmp(which, "open")) {
        c->open = t;
    }
    else if (!strcmp(which, "recent")) {
        c->recent = t;
    }
    else if (!strcmp(which, "old")) {
        c->old = t;
    }
    else if (!strcmp(which, "after")) {
        c->after = t;
    }
    else {
        c->timeout = t;
    }
    return NULL;
}

const char *to_sync_cmd_count(cmd_parms *cmd, void *dconf, const char *arg)
{
    to_sync_conf_t *c;
    const char *err = global_conf(cmd, &c);
    (void)dconf;

    if (!err && (err = to_parse_count(arg, 1000, &c->batch))) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " ", err, " (1000)", NULL);
    }
    return err;
}

/* A secret as given, from the environment (env:NAME) or from a file
 * (file:PATH, first line). The error never quotes the secret. */
static const char *read_secret(cmd_parms *cmd, const char *arg, const char **out)
{
    if (!strncmp(arg, "env:", 4)) {
        const char *v = getenv(arg + 4);

        if (!v || !*v) {
            return apr_pstrcat(cmd->pool, cmd->cmd->name, ": the environment variable ", arg + 4,
                               " is not set", NULL);
        }
        *out = apr_pstrdup(cmd->pool, v);
        return NULL;
    }
    if (!strncmp(arg, "file:", 5)) {
        const char *path = ap_server_root_relative(cmd->pool, arg + 5);
        apr_file_t *f;
        char line[4096];
        apr_size_t n;

        if (!path || apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT, cmd->pool) ||
            apr_file_gets(line, sizeof(line), f) != APR_SUCCESS) {
            return apr_pstrcat(cmd->pool, cmd->cmd->name, ": cannot read ", arg + 5, NULL);
        }
        apr_file_close(f);
        n = strlen(line);
        while (n > 0 && apr_isspace(line[n - 1])) {
            line[--n] = '\0';
        }
        *out = apr_pstrdup(cmd->pool, line);
        return NULL;
    }
    *out = arg;
    return NULL;
}

const char *to_sync_cmd_string(cmd_parms *cmd, void *dconf, const char *arg)
{
    to_sync_conf_t *c;
    const char *which = cmd->info, *err = global_conf(cmd, &c);
    int t;
    (void)dconf;

    if (err) {
        return err;
    }
    if (!strcmp(which, "db")) {
        c->db_params = arg;
        return NULL;
    }
    if (!strcmp(which, "github-token")) {
        return read_secret(cmd, arg, &c->github_token);
    }
    /* the remaining directives are the trackers' URLs */
    if ((t = to_tracker_of_source(which)) < 0) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": unknown tracker", NULL);
    }
    if (!strcasecmp(arg, "none")) {
        c->urls[t] = "";
        return NULL;
    }
    if (strncasecmp(arg, "http://", 7) && strncasecmp(arg, "https://", 8)) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " must be an http:// or https:// URL", NULL);
    }
    c->urls[t] = arg;
    return NULL;
}

const char *to_sync_cmd_jira_auth(cmd_parms *cmd, void *dconf, const char *user, const char *token)
{
    to_sync_conf_t *c;
    const char *err = global_conf(cmd, &c);
    (void)dconf;

    if (!err) {
        err = read_secret(cmd, user, &c->jira_user);
    }
    if (!err) {
        err = read_secret(cmd, token, &c->jira_token);
    }
    return err;
}

#define OR_DEFAULT(v, d) ((v) != -1 ? (v) : (d))

static apr_interval_time_t interval_of(const to_sync_conf_t *c, int priority)
{
    switch (priority) {
    case 0:
        return OR_DEFAULT(c->open, apr_time_from_sec(3600));
    case 1:
        return OR_DEFAULT(c->recent, apr_time_from_sec(21600));
    default:
        return OR_DEFAULT(c->old, apr_time_from_sec(604800));
    }
}

/* The tracker's API, or NULL when it is not to be synced (Jira needs its
 * URL and an account). */
static const char *tracker_url(const to_sync_conf_t *c, int t)
{
    const char *u = c->urls[t] ? c->urls[t] : default_urls[t];

    if (!u || !*u) {
        return NULL;
    }
    if (t == TO_TRACKER_JIRA && (!c->jira_user || !c->jira_token)) {
        return NULL;
    }
    return u;
}

/* DBDParams of the main server, read from the configuration tree (mod_dbd
 * keeps its own configuration private). */
static const char *dbd_params(apr_pool_t *pool)
{
    const ap_directive_t *d;

    for (d = ap_conftree; d; d = d->next) {
        if (!strcasecmp(d->directive, "DBDParams") && d->args) {
            const char *args = d->args;

            return ap_getword_conf(pool, &args);
        }
    }
    return NULL;
}

/* -------------------------------------------------------------------- */
/* One run                                                               */

typedef struct {
    to_sync_ctx_t *ctx;
    apr_pool_t *pool;
    apr_dbd_t *db;
    apr_dbd_prepared_t *due[3];
    apr_dbd_prepared_t *update;
    CURL *curl;
    struct curl_slist *gh_headers;
    struct curl_slist *json_headers;
    int down[TO_TRACKER_COUNT]; /* no answer this run: skipped */
    apr_array_header_t *failed; /* ids not to ask in this run (text) */
    const char *start;          /* the run's start: what it synced is not due again */
    int checked, updated, nfailed;
} to_sync_run_t;

typedef struct {
    to_jbuf_t body; /* the answer as received, NUL-terminated */
    apr_pool_t *pool;
    long status;
    const char *retry_after, *remaining, *reset;
    char errbuf[CURL_ERROR_SIZE];
} to_answer_t;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    to_answer_t *a = userdata;
    size_t n = size * nmemb;

    if (a->body.len + n > TO_SYNC_MAX_BODY) {
        return 0; /* curl gives up with a write error */
    }
    to_jbuf_add(&a->body, data, n);
    return n;
}

static const char *header_value(apr_pool_t *pool, const char *line, size_t n, const char *name)
{
    size_t k = strlen(name);
    const char *v, *e = line + n;

    if (n <= k || strncasecmp(line, name, k) || line[k] != ':') {
        return NULL;
    }
    v = line + k + 1;
    while (v < e && apr_isspace(*v)) {
        v++;
    }
    while (e > v && apr_isspace(e[-1])) {
        e--;
    }
    return apr_pstrmemdup(pool, v, (apr_size_t)(e - v));
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
    to_answer_t *a = userdata;
    size_t n = size * nmemb;
    const char *v;

    if ((v = header_value(a->pool, line, n, "retry-after"))) {
        a->retry_after = v;
    }
    else if ((v = header_value(a->pool, line, n, "x-ratelimit-remaining"))) {
        a->remaining = v;
    }
    else if ((v = header_value(a->pool, line, n, "x-ratelimit-reset"))) {
        a->reset = v;
    }
    return n;
}

/* GET url from tracker t. APR_SUCCESS with a->status set when the tracker
 * answered; else no answer (a->errbuf tells why). */
static apr_status_t http_get(to_sync_run_t *run, int t, const char *url, to_answer_t *a)
{
    const to_sync_conf_t *c = run->ctx->conf;
    CURL *h = run->curl;
    long timeout = (long)(OR_DEFAULT(c->timeout, apr_time_from_sec(10)) / 1000);
    CURLcode rc;

    memset(a, 0, sizeof(*a));
    a->pool = run->pool;
    to_jbuf_init(&a->body, run->pool, 0);
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(h, CURLOPT_USERAGENT, TO_SYNC_AGENT);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, a);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, a->errbuf);
    if (t == TO_TRACKER_GITHUB) {
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, run->gh_headers);
    }
    else {
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, run->json_headers);
    }
    if (t == TO_TRACKER_JIRA) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, c->jira_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->jira_token);
    }
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        if (!a->errbuf[0]) {
            apr_cpystrn(a->errbuf, curl_easy_strerror(rc), sizeof(a->errbuf));
        }
        /* the body refused past its cap is this issue's fault, not the tracker's */
        return rc == CURLE_WRITE_ERROR ? APR_ENOSPC : APR_EGENERAL;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
    return APR_SUCCESS;
}

enum { FETCH_OK, FETCH_FAILED, FETCH_SKIP };

/* Checks an answer: FETCH_OK for a 200; else logs, and backs the tracker
 * off when it asks to wait (FETCH_SKIP) or fails the issue. */
static int check_answer(to_sync_run_t *run, int t, const char *what, apr_status_t rv,
                        const to_answer_t *a)
{
    server_rec *s = run->ctx->s;
    apr_time_t now = apr_time_now(), until;

    if (rv == APR_ENOSPC) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     TO_LOGNO(00725) "issue sync: %s answered too much for %s (%s)",
                     to_tracker_name(t), what, a->errbuf);
        return FETCH_FAILED;
    }
    if (rv != APR_SUCCESS) {
        /* a tracker down or too slow: leave it for this run */
        run->down[t] = 1;
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     TO_LOGNO(00702) "issue sync: no answer from %s for %s (%s); its issues wait "
                                     "for the next run",
                     to_tracker_name(t), what, a->errbuf);
        return FETCH_SKIP;
    }
    until = to_sync_backoff((int)a->status, a->retry_after, a->remaining, a->reset, now);
    if (until && a->status != 200) {
        run->ctx->resume[t] = until;
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     TO_LOGNO(00703) "issue sync: %s is rate limiting (HTTP %ld for %s); "
                                     "pausing it for %" APR_TIME_T_FMT "s",
                     to_tracker_name(t), a->status, what, apr_time_sec(until - now));
        return FETCH_SKIP;
    }
    if (until) {
        /* the quota is used up by this very answer: read it, then pause */
        run->ctx->resume[t] = until;
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                     TO_LOGNO(00704) "issue sync: %s quota used up; pausing it for "
                                     "%" APR_TIME_T_FMT "s",
                     to_tracker_name(t), apr_time_sec(until - now));
    }
    if (a->status != 200) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     TO_LOGNO(00705) "issue sync: %s answered HTTP %ld for %s", to_tracker_name(t),
                     a->status, what);
        return FETCH_FAILED;
    }
    return FETCH_OK;
}

static int tracker_ready(to_sync_run_t *run, int t)
{
    return tracker_url(run->ctx->conf, t) && !run->down[t] && apr_time_now() >= run->ctx->resume[t];
}

/* Asks the issue's tracker about it. */
static int fetch(to_sync_run_t *run, int t, const char *project, const char *key, to_tracked_t *got)
{
    const char *base = tracker_url(run->ctx->conf, t), *url, *what, *err = NULL;
    to_answer_t a, tasks;
    int r;

    what = apr_psprintf(run->pool, "%s %s", project, key);
    url = to_sync_issue_url(run->pool, t, base, project, key);
    if (!url) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, run->ctx->s,
                     TO_LOGNO(00706) "issue sync: %s issue %s has no address there",
                     to_tracker_name(t), what);
        return FETCH_FAILED;
    }
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, run->ctx->s, TO_LOGNO(00707) "issue sync: GET %s",
                 url);
    if ((r = check_answer(run, t, what, http_get(run, t, url, &a), &a)) != FETCH_OK) {
        return r;
    }
    switch (t) {
    case TO_TRACKER_GITHUB:
        err = to_sync_read_github(run->pool, a.body.data, a.body.len, got);
        break;
    case TO_TRACKER_JIRA:
        err = to_sync_read_jira(run->pool, a.body.data, a.body.len, got);
        break;
    default:
        url = to_sync_launchpad_tasks_url(run->pool, base, key);
        if ((r = check_answer(run, t, what, http_get(run, t, url, &tasks), &tasks)) != FETCH_OK) {
            return r;
        }
        err = to_sync_read_launchpad(run->pool, a.body.data, a.body.len, tasks.body.data,
                                     tasks.body.len, project, got);
        break;
    }
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, run->ctx->s,
                     TO_LOGNO(00708) "issue sync: %s answer for %s unreadable: %s",
                     to_tracker_name(t), what, err);
        return FETCH_FAILED;
    }
    return FETCH_OK;
}

/* The due issues of a priority, as upstream chooses them: open and new
 * issues not synced for the open interval; closed ones changed within the
 * old-closed age and not synced for the recent interval; older closed ones
 * not synced for the old interval. Never-synced first, then the oldest. */
#define TO_SYNC_DUE(cond)                                                                          \
    "SELECT id, source, project, key, title, status, to_json(labels) FROM issue"                   \
    " WHERE source::text = ANY(%s::text[]) AND id <> ALL(%s::int[]) AND " cond                     \
    " AND (last_synced_at IS NULL OR last_synced_at < now() - %s::bigint * interval '1 second'"    \
    " AND last_synced_at < %s::timestamp)"                                                         \
    " ORDER BY last_synced_at ASC NULLS FIRST, id LIMIT %s::int"

static const char *const due_sql[3] = {
    TO_SYNC_DUE("status IN ('OPEN', 'UNKNOWN') AND %s::bigint IS NOT NULL"),
    TO_SYNC_DUE("status = 'CLOSED' AND updated_at >= now() - %s::bigint * interval '1 second'"),
    TO_SYNC_DUE("status = 'CLOSED' AND updated_at < now() - %s::bigint * interval '1 second'")};

/* Applies a batch's answers in one statement: the changed fields, and the
 * sync time of every issue that was read. updated_at moves only when
 * something changed (upstream's ORM moves it at every sync, which keeps a
 * closed issue "recently closed" for as long as it is synced). */
static const char *const update_sql =
    "UPDATE issue i SET title = coalesce(c.doc->>'title', i.title),"
    " status = coalesce((c.doc->>'status')::issuestatus, i.status),"
    " labels = CASE WHEN c.doc ? 'labels' THEN"
    " ARRAY(SELECT jsonb_array_elements_text(c.doc->'labels'))::varchar[] ELSE i.labels END,"
    " updated_at = CASE WHEN c.doc ?| array['title', 'status', 'labels'] THEN now()"
    " ELSE i.updated_at END,"
    " last_synced_at = now()"
    " FROM jsonb_array_elements(%s::jsonb) AS c(doc) WHERE i.id = (c.doc->>'id')::int"
    " AND i.project = c.doc->>'project' AND i.key = c.doc->>'key'";

static const char *db_error(to_sync_run_t *run, int rv)
{
    const char *e = apr_dbd_error(run->ctx->driver, run->db, rv);

    return e ? e : "unknown error";
}

static int stopping(to_sync_run_t *run)
{
    int st = AP_MPMQ_RUNNING;

    if (run->ctx->stop) {
        return 1;
    }
    return ap_mpm_query(AP_MPMQ_MPM_STATE, &st) != APR_SUCCESS || st == AP_MPMQ_STOPPING;
}

/* Holds back an issue until a time: in a free or expired slot, else in
 * the one that frees soonest. */
static void hold(to_sync_ctx_t *ctx, int id, apr_time_t until)
{
    apr_time_t now = apr_time_now();
    int i, slot = 0;

    for (i = 0; i < TO_SYNC_MAX_HELD; i++) {
        if (ctx->held[i].id == id || ctx->held[i].until <= now) {
            slot = i;
            break;
        }
        if (ctx->held[i].until < ctx->held[slot].until) {
            slot = i;
        }
    }
    ctx->held[slot].id = id;
    ctx->held[slot].until = until;
}

/* One batch of a priority: 0 when nothing was due (or the run must stop),
 * 1 when issues were read, -1 on a database error. */
static int run_batch(to_sync_run_t *run, int priority)
{
    const to_sync_conf_t *c = run->ctx->conf;
    apr_array_header_t *sources = apr_array_make(run->pool, 3, sizeof(const char *));
    apr_array_header_t *changes = apr_array_make(run->pool, 16, sizeof(const char *));
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    apr_array_header_t *rows = apr_array_make(run->pool, 16, sizeof(const char **));
    int t, i, rv, nrows = 0, batch = OR_DEFAULT(c->batch, 50);
    const char *age = apr_psprintf(run->pool, "%" APR_INT64_T_FMT,
                                   apr_time_sec(OR_DEFAULT(c->after, apr_time_from_sec(2592000))));

    for (t = 0; t < TO_TRACKER_COUNT; t++) {
        if (tracker_ready(run, t)) {
            APR_ARRAY_PUSH(sources, const char *) = to_tracker_source(t);
        }
    }
    if (!sources->nelts || stopping(run)) {
        return 0;
    }
    rv = apr_dbd_pvselect(
        run->ctx->driver, run->pool, run->db, &res, run->due[priority], 0,
        to_pg_array(run->pool, sources), to_pg_array(run->pool, run->failed), age,
        apr_psprintf(run->pool, "%" APR_INT64_T_FMT, apr_time_sec(interval_of(c, priority))),
        run->start, apr_itoa(run->pool, batch), NULL);
    if (rv) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, run->ctx->s,
                     TO_LOGNO(00709) "issue sync: reading the issues due failed: %s",
                     db_error(run, rv));
        return -1;
    }
    while (apr_dbd_get_row(run->ctx->driver, run->pool, res, &row, -1) == 0) {
        const char **r = apr_palloc(run->pool, 7 * sizeof(*r));

        for (i = 0; i < 7; i++) {
            const char *v = apr_dbd_get_entry(run->ctx->driver, row, i);

            r[i] = v ? apr_pstrdup(run->pool, v) : NULL;
        }
        APR_ARRAY_PUSH(rows, const char **) = r;
    }
    if (!rows->nelts) {
        return 0;
    }
    /* the trackers are asked with no statement running */
    for (i = 0; i < rows->nelts && !stopping(run); i++) {
        const char **r = APR_ARRAY_IDX(rows, i, const char **);
        to_issue_state_t cur = {r[4], r[5], to_sync_labels_json(run->pool, r[6])};
        to_tracked_t got = {NULL, NULL, NULL};
        to_sync_change_t change;

        t = to_tracker_of_source(r[1]);
        if (t < 0 || !tracker_ready(run, t)) {
            continue; /* paused meanwhile: stays due */
        }
        run->checked++;
        switch (fetch(run, t, r[2], r[3], &got)) {
        case FETCH_OK:
            to_sync_diff(&cur, &got, &change);
            if (change.title || change.status || change.labels) {
                run->updated++;
                ap_log_error(APLOG_MARK, APLOG_INFO, 0, run->ctx->s,
                             TO_LOGNO(00710) "issue sync: issue %s (%s %s %s) changed:%s%s%s", r[0],
                             to_tracker_name(t), r[2], r[3], change.title ? " title" : "",
                             change.status ? " status" : "", change.labels ? " labels" : "");
            }
            APR_ARRAY_PUSH(changes, const char *) =
                to_sync_change_json(run->pool, r[0], r[2], r[3], &change);
            break;
        case FETCH_FAILED:
            run->nfailed++;
            /* kept for the whole run: the batch's pool goes with the batch */
            APR_ARRAY_PUSH(run->failed, const char *) = apr_pstrdup(run->failed->pool, r[0]);
            hold(run->ctx, atoi(r[0]), apr_time_now() + interval_of(c, priority));
            break;
        default:
            run->checked--; /* not asked after all: due at the next run */
            break;
        }
    }
    if (changes->nelts) {
        const char *doc =
            apr_pstrcat(run->pool, "[", apr_array_pstrcat(run->pool, changes, ','), "]", NULL);

        rv = apr_dbd_pvquery(run->ctx->driver, run->pool, run->db, &nrows, run->update, doc, NULL);
        if (rv) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, run->ctx->s,
                         TO_LOGNO(00711) "issue sync: writing %d issues failed: %s", changes->nelts,
                         db_error(run, rv));
            return -1;
        }
    }
    return rows->nelts < batch ? 0 : 1;
}

static apr_status_t close_run(void *data)
{
    to_sync_run_t *run = data;

    if (run->db) {
        apr_dbd_close(run->ctx->driver, run->db);
        run->db = NULL;
    }
    if (run->curl) {
        curl_easy_cleanup(run->curl);
        run->curl = NULL;
    }
    curl_slist_free_all(run->gh_headers);
    curl_slist_free_all(run->json_headers);
    run->gh_headers = run->json_headers = NULL;
    return APR_SUCCESS;
}

/* The first column of the first row of a statement without parameters. */
static const char *db_value(to_sync_run_t *run, const char *sql)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *v = NULL;

    if (apr_dbd_select(run->ctx->driver, run->pool, run->db, &res, sql, 0)) {
        return NULL;
    }
    while (apr_dbd_get_row(run->ctx->driver, run->pool, res, &row, -1) == 0) {
        if (!v) {
            v = apr_dbd_get_entry(run->ctx->driver, row, 0);
            v = v ? apr_pstrdup(run->pool, v) : "";
        }
    }
    return v;
}

#define STR_(x) #x
#define STR(x) STR_(x)
#define LOCK_ARGS "(" STR(TO_SYNC_LOCK_CLASS) ", " STR(TO_SYNC_LOCK_OBJ) ")"

static void sync_run(to_sync_ctx_t *ctx, apr_pool_t *pool)
{
    to_sync_run_t *run = apr_pcalloc(pool, sizeof(*run));
    const char *err = NULL, *v;
    int p, rv, t, ready = 0;

    run->ctx = ctx;
    run->pool = pool;
    run->failed = apr_array_make(pool, 8, sizeof(const char *));
    for (t = 0; t < TO_SYNC_MAX_HELD; t++) {
        if (ctx->held[t].until > apr_time_now()) {
            APR_ARRAY_PUSH(run->failed, const char *) = apr_itoa(pool, ctx->held[t].id);
        }
    }
    for (t = 0; t < TO_TRACKER_COUNT; t++) {
        ready |= tracker_ready(run, t);
    }
    if (!ready) {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, ctx->s,
                     TO_LOGNO(00712) "issue sync: every tracker is paused");
        return;
    }
    apr_pool_cleanup_register(pool, run, close_run, apr_pool_cleanup_null);
    rv = apr_dbd_open_ex(ctx->driver, pool, ctx->db_params, &run->db, &err);
    if (rv != APR_SUCCESS || !run->db) {
        run->db = NULL;
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, ctx->s,
                     TO_LOGNO(00713) "issue sync: cannot connect to the database: %s",
                     err ? err : "unknown error");
        return;
    }
    /* a session lock: released below, or when the connection closes */
    v = db_value(run, "SELECT pg_try_advisory_lock" LOCK_ARGS);
    if (!v) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, ctx->s,
                     TO_LOGNO(00724) "issue sync: taking the sync lock failed: %s",
                     apr_dbd_error(ctx->driver, run->db, -1));
        return;
    }
    if (strcmp(v, "t")) {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, ctx->s,
                     TO_LOGNO(00714) "issue sync: skipped, another server holds the sync lock");
        return;
    }
    run->start = db_value(run, "SELECT now()::timestamp::text");
    rv = run->start ? 0 : -1;
    for (p = 0; p < 3 && !rv; p++) {
        rv = apr_dbd_prepare(ctx->driver, pool, run->db, due_sql[p], NULL, &run->due[p]);
    }
    if (!rv) {
        rv = apr_dbd_prepare(ctx->driver, pool, run->db, update_sql, NULL, &run->update);
    }
    if (rv) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, ctx->s,
                     TO_LOGNO(00715) "issue sync: preparing its statements failed: %s",
                     db_error(run, rv));
        return;
    }
    run->curl = curl_easy_init();
    run->json_headers = curl_slist_append(NULL, "Accept: application/json");
    run->gh_headers = curl_slist_append(NULL, "Accept: application/vnd.github+json");
    run->gh_headers = curl_slist_append(run->gh_headers, "X-GitHub-Api-Version: 2022-11-28");
    if (ctx->conf->github_token) {
        /* the secret only ever goes into this header */
        run->gh_headers =
            curl_slist_append(run->gh_headers, apr_pstrcat(pool, "Authorization: Bearer ",
                                                           ctx->conf->github_token, NULL));
    }
    if (!run->curl || !run->json_headers || !run->gh_headers) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, ctx->s,
                     TO_LOGNO(00716) "issue sync: cannot set up libcurl");
        return;
    }
    for (p = 0; p < 3; p++) {
        /* each batch's rows, answers and JSON go with the batch, so a long
         * run holds one batch at a time */
        apr_pool_t *outer = run->pool;
        do {
            apr_pool_t *batch;
            apr_pool_create(&batch, outer);
            run->pool = batch;
            rv = run_batch(run, p);
            run->pool = outer;
            apr_pool_destroy(batch);
        } while (rv > 0);
        if (rv < 0) {
            break;
        }
    }
    db_value(run, "SELECT pg_advisory_unlock" LOCK_ARGS);
    ap_log_error(APLOG_MARK, run->checked ? APLOG_INFO : APLOG_DEBUG, 0, ctx->s,
                 TO_LOGNO(00717) "issue sync: run done, %d checked, %d updated, %d failed",
                 run->checked, run->updated, run->nfailed);
}

static apr_status_t sync_watchdog(int state, void *data, apr_pool_t *pool)
{
    to_sync_ctx_t *ctx = data;

    switch (state) {
    case AP_WATCHDOG_STATE_STARTING:
        ctx->stop = 0;
        break;
    case AP_WATCHDOG_STATE_RUNNING:
        sync_run(ctx, pool);
        break;
    case AP_WATCHDOG_STATE_STOPPING:
        /* may come from another thread while a run goes on: only a flag */
        ctx->stop = 1;
        break;
    default:
        break;
    }
    return APR_SUCCESS;
}

/* -------------------------------------------------------------------- */
/* Hooks                                                                 */

static int sync_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    sync_conf = conf_new(pconf);
    return OK;
}

static apr_status_t curl_cleanup(void *data)
{
    (void)data;
    curl_global_cleanup();
    return APR_SUCCESS;
}

static int sync_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    to_sync_ctx_t *ctx;
    ap_watchdog_t *wd = NULL;
    apr_status_t rv;
    int t;

    (void)plog;
    (void)ptemp;
    /* the first reading of the configuration only checks it: no curl, no
     * watchdog for a configuration about to be thrown away */
    if (!sync_conf || sync_conf->enabled != 1 ||
        ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    wd_get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    wd_register_callback = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    if (!wd_get_instance || !wd_register_callback) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     TO_LOGNO(00718) "TestObserverIssueSync On needs mod_watchdog "
                                     "(LoadModule watchdog_module)");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    ctx = apr_pcalloc(pconf, sizeof(*ctx));
    ctx->s = s;
    ctx->conf = sync_conf;
    ctx->held = apr_pcalloc(pconf, sizeof(*ctx->held) * TO_SYNC_MAX_HELD);
    ctx->db_params = sync_conf->db_params ? sync_conf->db_params : dbd_params(pconf);
    if (!ctx->db_params) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     TO_LOGNO(00719) "TestObserverIssueSync On needs TestObserverIssueSyncDBParams "
                                     "or DBDParams");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((rv = apr_dbd_get_driver(pconf, "pgsql", &ctx->driver)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     TO_LOGNO(00720) "issue sync: the apr_dbd pgsql driver is not available");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     TO_LOGNO(00721) "issue sync: libcurl cannot be initialised");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, NULL, curl_cleanup, apr_pool_cleanup_null);
    /* a singleton among the children, as mod_md's renewal */
    if ((rv = wd_get_instance(&wd, TO_SYNC_WATCHDOG, 0, 1, pconf)) != APR_SUCCESS ||
        (rv = wd_register_callback(wd, OR_DEFAULT(sync_conf->check, apr_time_from_sec(60)), ctx,
                                   sync_watchdog)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     TO_LOGNO(00722) "issue sync: cannot register with mod_watchdog");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (t = 0; t < TO_TRACKER_COUNT; t++) {
        const char *u = tracker_url(sync_conf, t);

        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, TO_LOGNO(00723) "issue sync: %s %s%s",
                     to_tracker_name(t), u ? u : "not synced",
                     t == TO_TRACKER_GITHUB && u && !sync_conf->github_token ? " (anonymous)" : "");
    }
    return OK;
}

void to_sync_register_hooks(apr_pool_t *pool)
{
    /* mod_watchdog sets its instances up in its own post_config */
    static const char *const succ[] = {"mod_watchdog.c", NULL};

    (void)pool;
    ap_hook_pre_config(sync_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(sync_post_config, NULL, succ, APR_HOOK_MIDDLE);
}
