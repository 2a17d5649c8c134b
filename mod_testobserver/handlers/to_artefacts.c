/* GET /v1/artefacts, /v1/artefacts/{artefact_id}, /v1/artefacts/{artefact_id}/builds. */
#include <httpd.h>
#include <http_protocol.h>

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

const to_sql_t to_sql_artefacts[] = {{"artefacts_list", SQL_ARTEFACTS_LIST},
                                     {"artefact_get", SQL_ARTEFACT_GET},
                                     {"artefact_builds", SQL_ARTEFACT_BUILDS},
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

int to_h_artefact_patch(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_artefact_versions(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_artefacts_search(to_req_t *tr)
{
    return to_answer_not_built(tr);
}

int to_h_artefacts_history(to_req_t *tr)
{
    return to_answer_not_built(tr);
}
