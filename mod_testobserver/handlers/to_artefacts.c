/* /v1/artefacts: the dashboard list, one artefact, its builds, its
 * versions, search by name and history. */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_handlers.h"
#include "to_sql_json.h"

/* The artefacts shown are the latest of each line of releases: per family,
 * stage and name, and per track/branch (snap), repo/series/source (deb),
 * os/release (image) or source/track (solution); every charm is shown. */
#define SQL_ARTEFACTS_LIST                                                                         \
    "SELECT coalesce(json_agg(" TO_SQL_ARTEFACT_JSON(                                              \
        "a") " ORDER BY a.family, a.name,"                                                         \
             " a.created_at), '[]'::json) FROM (SELECT a.*, max(a.created_at) OVER (PARTITION BY"  \
             " a.family, a.stage, a.name, CASE a.family"                                           \
             " WHEN 'snap' THEN ARRAY[a.track, a.branch]"                                          \
             " WHEN 'deb' THEN ARRAY[a.repo, a.series, a.source]"                                  \
             " WHEN 'image' THEN ARRAY[a.os, a.release]"                                           \
             " WHEN 'solution' THEN ARRAY[a.source, a.track]"                                      \
             " ELSE ARRAY[a.id::text] END) AS latest"                                              \
             " FROM artefact a WHERE NOT a.archived"                                               \
             " AND a.family = coalesce(%s::familyname, a.family)) a"                               \
             " WHERE a.family = 'charm' OR a.created_at = a.latest"

#define SQL_ARTEFACT_GET "SELECT " TO_SQL_ARTEFACT_JSON("a") " FROM artefact a WHERE a.id = %s::int"

#define SQL_ARTEFACT_BUILDS                                                                        \
    "SELECT CASE WHEN a.id IS NULL THEN NULL ELSE coalesce((SELECT json_agg(json_build_object("    \
    "'id', b.id, 'architecture', b.architecture, 'revision', b.revision,"                          \
    " 'test_executions', coalesce((SELECT json_agg(" TO_SQL_EXECUTION_JSON(                        \
        "te") " ORDER BY en.name, te.id) FROM test_execution te JOIN environment en"               \
              " ON en.id = te.environment_id WHERE te.artefact_build_id = b.id), '[]'::json),"     \
              " 'bundled_in', coalesce((SELECT json_agg(json_build_object('id', x.id, 'name', "    \
              "x.name,"                                                                            \
              " 'version', x.version, 'family', x.family) ORDER BY x.id)"                          \
              " FROM artefact_bundled_builds_association bx JOIN artefact x ON x.id = "            \
              "bx.artefact_id"                                                                     \
              " WHERE bx.artefact_build_id = b.id), '[]'::json)) ORDER BY b.first_id)"             \
              " FROM " TO_SQL_LATEST_BUILDS("a.id") " b), '[]'::json) END"                         \
                                                    " FROM (SELECT %s::int AS wanted) w LEFT "     \
                                                    "JOIN artefact a ON a.id = w.wanted"

/* The versions of the same line of releases, newest first. */
#define SQL_VERSIONS                                                                               \
    "SELECT (SELECT json_agg(json_build_object('version', v.version, 'artefact_id', v.id)"         \
    " ORDER BY v.id DESC) FROM artefact v WHERE v.name = a.name AND v.track = a.track"             \
    " AND v.branch = a.branch AND v.series = a.series AND v.repo = a.repo AND v.os = a.os"         \
    " AND v.release = a.release AND v.source = a.source"                                           \
    " AND v.bundled_builds_hash IS NOT DISTINCT FROM a.bundled_builds_hash)"                       \
    " FROM artefact a WHERE a.id = %s::int"

/* Distinct names of artefacts not archived; families and the ILIKE pattern
 * are optional. */
#define SQL_SEARCH                                                                                 \
    "WITH names AS (SELECT DISTINCT a.name FROM artefact a WHERE NOT a.archived"                   \
    " AND (%s::json IS NULL OR a.family::text IN (SELECT json_array_elements_text(%s::json)))"     \
    " AND (%s::text IS NULL OR a.name ILIKE %s::text))"                                            \
    " SELECT json_build_object('artefacts', coalesce((SELECT json_agg(p.name ORDER BY p.name)"     \
    " FROM (SELECT n.name FROM names n ORDER BY n.name OFFSET %s::bigint LIMIT %s::int) p),"       \
    " '[]'::json), 'count', (SELECT count(*) FROM names), 'limit', %s::int,"                       \
    " 'offset', %s::bigint)"

/* clang-format off */
#define SQL_HISTORY                                                                                \
    "SELECT json_build_object('count', count(*), 'items', coalesce(json_agg(json_build_object("    \
    "'artefact_id', h.id, 'name', h.name, 'version', h.version, 'stage', h.stage,"                 \
    " 'created_at', " TO_SQL_TS("h.created_at") ") ORDER BY h.id DESC), '[]'::json))"              \
    " FROM (SELECT a.* FROM artefact a WHERE a.name = %s AND a.track = %s"                         \
    " AND a.family = %s::familyname AND (%s::text IS NULL OR a.stage = %s::text)"                  \
    " ORDER BY a.id DESC OFFSET %s::bigint LIMIT %s::int) h"
/* clang-format on */

const to_sql_t to_sql_artefacts[] = {{"artefacts_list", SQL_ARTEFACTS_LIST},
                                     {"artefact_get", SQL_ARTEFACT_GET},
                                     {"artefact_builds", SQL_ARTEFACT_BUILDS},
                                     {"artefact_versions", SQL_VERSIONS},
                                     {"artefacts_search", SQL_SEARCH},
                                     {"artefacts_history", SQL_HISTORY},
                                     {NULL, NULL}};

int to_h_artefacts_list(to_req_t *tr)
{
    const char *family = to_query(tr, "family");

    if (family && to_enum_index(to_families, family) < 0) {
        json_object *loc = to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), "family");
        to_verr_enum(&tr->verr, loc, to_json_own(tr->pool, to_json_str(family)), to_families);
    }
    TO_CHECKED(tr);
    return to_answer_query(tr, "Not Found", "artefacts_list", family);
}

static const char *not_found(to_req_t *tr, int id)
{
    return apr_psprintf(tr->pool, "Artefact with id %d not found", id);
}

int to_h_artefact_get(to_req_t *tr)
{
    int id = to_path_id(tr, "artefact_id");

    TO_CHECKED(tr);
    return to_answer_query(tr, not_found(tr, id), "artefact_get", apr_itoa(tr->pool, id));
}

int to_h_artefact_builds(to_req_t *tr)
{
    int id = to_path_id(tr, "artefact_id");

    TO_CHECKED(tr);
    return to_answer_query(tr, not_found(tr, id), "artefact_builds", apr_itoa(tr->pool, id));
}

int to_h_artefact_versions(to_req_t *tr)
{
    int id = to_path_id(tr, "artefact_id");

    TO_CHECKED(tr);
    return to_answer_query(tr, not_found(tr, id), "artefact_versions", apr_itoa(tr->pool, id));
}

/* ---- query parameters ---- */

/* An integer query parameter as FastAPI reads it (dflt when absent), bounded
 * by min and, when max >= min, by max. Gives its text, or NULL after adding
 * pydantic's error. */
static const char *query_int(to_req_t *tr, const char *name, const char *dflt, apr_int64_t min,
                             apr_int64_t max)
{
    const char *s = to_query(tr, name), *p;
    json_object *loc, *input, *ctx;
    char *end;
    apr_int64_t v;

    if (!s) {
        return dflt;
    }
    loc = to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), name);
    input = to_json_own(tr->pool, to_json_str(s));
    for (p = s; apr_isspace(*p); p++) {
    }
    v = apr_strtoi64(p, &end, 10);
    while (apr_isspace(*end)) {
        end++;
    }
    if (end == p || *end) {
        to_verr_add(&tr->verr, "int_parsing", loc,
                    "Input should be a valid integer, unable to parse string as an integer", input,
                    NULL);
        return NULL;
    }
    if (v < min) {
        ctx = json_object_new_object();
        json_object_object_add(ctx, "ge", json_object_new_int64(min));
        to_verr_add(&tr->verr, "greater_than_equal", loc,
                    apr_psprintf(tr->pool,
                                 "Input should be greater than or equal to %" APR_INT64_T_FMT, min),
                    input, ctx);
        return NULL;
    }
    if (max >= min && v > max) {
        ctx = json_object_new_object();
        json_object_object_add(ctx, "le", json_object_new_int64(max));
        to_verr_add(
            &tr->verr, "less_than_equal", loc,
            apr_psprintf(tr->pool, "Input should be less than or equal to %" APR_INT64_T_FMT, max),
            input, ctx);
        return NULL;
    }
    return apr_psprintf(tr->pool, "%" APR_INT64_T_FMT, v);
}

/* A required query parameter; NULL after adding "missing". */
static const char *query_required(to_req_t *tr, const char *name)
{
    const char *s = to_query(tr, name);

    if (!s) {
        to_verr_add(&tr->verr, "missing", to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), name),
                    "Field required", NULL, NULL);
    }
    return s;
}

/* Adds the enum error when s is not one of choices; returns s or NULL. */
static const char *query_enum(to_req_t *tr, json_object *loc, const char *s,
                              const char *const *choices)
{
    if (s && to_enum_index(choices, s) < 0) {
        to_verr_enum(&tr->verr, loc, to_json_own(tr->pool, to_json_str(s)), choices);
        return NULL;
    }
    return s;
}

int to_h_artefacts_search(to_req_t *tr)
{
    const char *q = to_query(tr, "q"), *limit, *offset, *families = NULL, *pattern = NULL;
    apr_array_header_t *fams = to_query_all(tr, "families");
    json_object *floc = to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), "families");
    json_object *list = to_json_own(tr->pool, json_object_new_array());
    int i;

    for (i = 0; i < fams->nelts; i++) {
        const char *f = APR_ARRAY_IDX(fams, i, const char *);
        if (query_enum(tr, to_loc_index(&tr->verr, floc, i), f, to_families)) {
            json_object_array_add(list, json_object_new_string(f));
        }
    }
    limit = query_int(tr, "limit", "50", 1, 1000);
    offset = query_int(tr, "offset", "0", 0, -1);
    TO_CHECKED(tr);

    if (fams->nelts > 0) {
        families = to_json_text(tr->pool, list);
    }
    if (q) {
        /* the term is trimmed; a blank one matches every name */
        const char *start = q, *end = q + strlen(q);
        while (apr_isspace(*start)) {
            start++;
        }
        while (end > start && apr_isspace(end[-1])) {
            end--;
        }
        if (end > start) {
            pattern =
                apr_pstrcat(tr->pool, "%", apr_pstrmemdup(tr->pool, start, end - start), "%", NULL);
        }
    }
    return to_answer_query(tr, "Not Found", "artefacts_search", families, families, pattern,
                           pattern, offset, limit, limit, offset);
}

int to_h_artefacts_history(to_req_t *tr)
{
    json_object *qloc = to_loc(&tr->verr, "query");
    const char *name = query_required(tr, "name");
    const char *family = query_required(tr, "family");
    const char *track = to_query(tr, "track");
    const char *stage = to_query(tr, "stage");
    const char *limit, *offset;

    query_enum(tr, to_loc_key(&tr->verr, qloc, "family"), family, to_families);
    query_enum(tr, to_loc_key(&tr->verr, qloc, "stage"), stage, to_stages_all);
    limit = query_int(tr, "limit", "10", 1, 500);
    offset = query_int(tr, "offset", "0", 0, -1);
    TO_CHECKED(tr);

    return to_answer_query(tr, "Not Found", "artefacts_history", name, track ? track : "latest",
                           family, stage, stage, offset, limit);
}

int to_h_artefact_patch(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
