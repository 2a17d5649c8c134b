/* Helpers shared by the dashboard lookups: /v1/environments, /v1/test-cases
 * and the issues reported on them. */
#ifndef TO_DASHBOARD_H
#define TO_DASHBOARD_H

#include "../http/to_http.h"

/* An integer query parameter within [min, max] (dflt when absent; max <
 * min: no upper bound, see to_query_int), as the decimal text the SQL
 * binds; NULL after adding pydantic's error. */
const char *to_dash_query_int(to_req_t *tr, const char *name, long long dflt, long long min,
                              long long max);

/* ?families=...&families=...: the JSON array text of the families, or NULL
 * when none is given; unknown families add "enum" errors. */
const char *to_dash_families(to_req_t *tr);

/* ?q=...: the ILIKE pattern matching names that contain q (surrounding
 * white space removed), or NULL when q is absent or blank. */
const char *to_dash_search(to_req_t *tr);

/* ?name=true|false|...: "true", "false", or NULL when absent; a word pydantic
 * does not read as a boolean adds its error. */
const char *to_dash_query_bool(to_req_t *tr, const char *name);

/* 1 when the host of an http(s) URL is one an issue may live on. */
int to_dash_issue_host_ok(apr_pool_t *pool, const char *url);

/* Issues reported on environments and on test cases: the same create,
 * replace and delete over each one's table. read() validates the body into
 * the four values the create and update statements bind (update binds the
 * id fifth); it returns OK or a status. */
typedef struct {
    const char *create, *update, *remove; /* statement labels */
    const char *what;                     /* "Environment reported issue" */
    int (*read)(to_req_t *tr, const char *values[4]);
} to_reported_kind_t;

int to_reported_issue_create(to_req_t *tr, const to_reported_kind_t *kind);
int to_reported_issue_replace(to_req_t *tr, const to_reported_kind_t *kind);
int to_reported_issue_delete(to_req_t *tr, const to_reported_kind_t *kind);

#endif
