/* /v1/artefacts: the dashboard list, one artefact, its builds, its
 * versions, search by name, history, and PATCH (status, stage, reviewers,
 * bundled builds...). */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_amr.h"
#include "to_dashboard.h"
#include "to_handlers.h"
#include "to_reviewers.h"
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

/* The artefact row, locked for the patch, with what the status rules need:
 * whether every review of the latest builds is decided and none rejected,
 * and whether any of them is rejected. */
/* clang-format off */
#define SQL_PATCH_LOCK                                                                             \
    "SELECT a.family, a.comment <> '',"                                                            \
    " NOT EXISTS (SELECT 1 FROM artefact_build_environment_review er"                              \
    " WHERE er.artefact_build_id IN (SELECT lb.id FROM " TO_SQL_LATEST_BUILDS("a.id") " lb)"       \
    " AND (cardinality(er.review_decision) = 0 OR 'REJECTED' = ANY(er.review_decision))),"         \
    " EXISTS (SELECT 1 FROM artefact_build_environment_review er"                                  \
    " WHERE er.artefact_build_id IN (SELECT lb.id FROM " TO_SQL_LATEST_BUILDS("a.id") " lb)"       \
    " AND 'REJECTED' = ANY(er.review_decision))"                                                   \
    " FROM artefact a WHERE a.id = %s::int FOR UPDATE OF a"
/* clang-format on */

/* Scalar fields: NULL keeps the column; jira_issue is set when flagged. */
#define SQL_PATCH_FIELDS                                                                           \
    "UPDATE artefact SET status = coalesce(%s::artefactstatus, status),"                           \
    " archived = coalesce(%s::boolean, archived), stage = coalesce(%s::varchar, stage),"           \
    " comment = coalesce(%s::varchar, comment),"                                                   \
    " jira_issue = CASE WHEN %s::boolean THEN %s::varchar ELSE jira_issue END,"                    \
    " updated_at = now() WHERE id = %s::int"

/* Each requested user (by id or by email), in request order, with the
 * matching user id or NULL. */
#define SQL_USERS_BY_ID                                                                            \
    "SELECT r.v, u.id FROM json_array_elements_text(%s::json) WITH ORDINALITY AS r(v, i)"          \
    " LEFT JOIN app_user u ON u.id = r.v::int ORDER BY r.i"
#define SQL_USERS_BY_EMAIL                                                                         \
    "SELECT r.v, u.id FROM json_array_elements_text(%s::json) WITH ORDINALITY AS r(v, i)"          \
    " LEFT JOIN app_user u ON u.email = r.v ORDER BY r.i"

/* Replaces the reviewers: rows kept stay, others go, new ones are added in
 * request order. */
#define SQL_REVIEWERS_SET                                                                          \
    "WITH wanted AS (SELECT v::int AS id, i FROM json_array_elements_text(%s::json)"               \
    " WITH ORDINALITY AS w(v, i)),"                                                                \
    " gone AS (DELETE FROM artefact_reviewers_association x WHERE x.artefact_id = %s::int"         \
    " AND x.user_id NOT IN (SELECT id FROM wanted)),"                                              \
    " added AS (INSERT INTO artefact_reviewers_association (artefact_id, user_id)"                 \
    " SELECT %s::int, id FROM wanted ORDER BY i ON CONFLICT DO NOTHING"                            \
    " RETURNING artefact_id, user_id)" TO_SQL_REVIEW_NOTES(                                        \
        "(SELECT added.*, w.i FROM added JOIN wanted w ON w.id = added.user_id)", "ORDER BY n.i")

/* Whether matching rules grant the user the permission on the artefact. */
#define SQL_AMR "WITH subject AS (SELECT %s::int AS artefact_id)" TO_SQL_AMR_GRANTED

#define SQL_BUILDS_FOUND                                                                           \
    "SELECT r.v, b.id FROM json_array_elements_text(%s::json) WITH ORDINALITY AS r(v, i)"          \
    " LEFT JOIN artefact_build b ON b.id = r.v::int ORDER BY r.i"

/* Replaces the bundled builds; a solution's bundled_builds_hash is the
 * SHA-256 of its build ids, sorted, joined by commas. */
#define SQL_BUNDLE_SET                                                                             \
    "WITH wanted AS (SELECT v::int AS id, i FROM json_array_elements_text(%s::json)"               \
    " WITH ORDINALITY AS w(v, i)),"                                                                \
    " gone AS (DELETE FROM artefact_bundled_builds_association x WHERE x.artefact_id = %s::int"    \
    " AND x.artefact_build_id NOT IN (SELECT id FROM wanted)),"                                    \
    " hash AS (UPDATE artefact SET bundled_builds_hash = encode(sha256(convert_to(coalesce("       \
    "(SELECT string_agg(id::text, ',' ORDER BY id) FROM wanted), ''), 'UTF8')), 'hex'),"           \
    " updated_at = now() WHERE id = %s::int AND family = 'solution')"                              \
    " INSERT INTO artefact_bundled_builds_association (artefact_id, artefact_build_id)"            \
    " SELECT %s::int, id FROM wanted ORDER BY i ON CONFLICT DO NOTHING"

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
                                     {"artefact_patch_lock", SQL_PATCH_LOCK},
                                     {"artefact_patch_fields", SQL_PATCH_FIELDS},
                                     {"artefact_users_by_id", SQL_USERS_BY_ID},
                                     {"artefact_users_by_email", SQL_USERS_BY_EMAIL},
                                     {"artefact_reviewers_set", SQL_REVIEWERS_SET},
                                     {"artefact_amr", SQL_AMR},
                                     {"artefact_builds_found", SQL_BUILDS_FOUND},
                                     {"artefact_bundle_set", SQL_BUNDLE_SET},
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
    limit = to_dash_query_int(tr, "limit", 50, 1, 1000);
    offset = to_dash_query_int(tr, "offset", 0, 0, -1);
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
    limit = to_dash_query_int(tr, "limit", 10, 1, 500);
    offset = to_dash_query_int(tr, "offset", 0, 0, -1);
    TO_CHECKED(tr);

    return to_answer_query(tr, "Not Found", "artefacts_history", name, track ? track : "latest",
                           family, stage, stage, offset, limit);
}

/* ---- PATCH /v1/artefacts/{artefact_id} ---- */

static const char *const artefact_statuses[] = {"APPROVED", "MARKED_AS_FAILED", "UNDECIDED", NULL};

/* ArtefactPatch's fields, in pydantic's order. */
enum {
    F_STATUS,
    F_ARCHIVED,
    F_STAGE,
    F_COMMENT,
    F_JIRA,
    F_BUNDLED,
    F_ASSIGNEE_ID,
    F_ASSIGNEE_EMAIL,
    F_REVIEWER_IDS,
    F_REVIEWER_EMAILS,
    NPATCH
};

static const to_field_t patch_fields[NPATCH] = {
    {"status", TO_T_ENUM, TO_NULLABLE, 0, artefact_statuses},
    {"archived", TO_T_BOOL, TO_NULLABLE, 0, NULL},
    {"stage", TO_T_ENUM, TO_NULLABLE, 0, to_stages_all},
    {"comment", TO_T_STR, TO_NULLABLE, 0, NULL},
    {"jira_issue", TO_T_STR, TO_NULLABLE, 0, NULL},
    {"bundled_builds", TO_T_LIST, TO_NULLABLE, 0, NULL},
    {"assignee_id", TO_T_INT, TO_NULLABLE, 0, NULL},
    {"assignee_email", TO_T_STR, TO_NULLABLE, 0, NULL},
    {"reviewer_ids", TO_T_LIST, TO_NULLABLE, 0, NULL},
    {"reviewer_emails", TO_T_LIST, TO_NULLABLE, 0, NULL},
};

static const to_field_t int_item = {"", TO_T_INT, 0, 0, NULL};
static const to_field_t str_item = {"", TO_T_STR, 0, 0, NULL};

typedef struct {
    int given[NPATCH];          /* the key was sent, even as null */
    json_object *value[NPATCH]; /* valid and not null */
    const char *list[NPATCH];   /* lists as JSON text of their normal values */
    int dup[NPATCH];            /* a list repeats a value */
} patch_t;

/* The legacy assignee_id/assignee_email stand for one-element reviewer
 * lists when neither reviewer field is sent, as upstream maps them before
 * validation. */
static json_object *mapped_body(to_req_t *tr, json_object *body)
{
    static const char *const legacy[][2] = {{"assignee_id", "reviewer_ids"},
                                            {"assignee_email", "reviewer_emails"}};
    json_object *copy, *v;
    int present, i;

    if (!json_object_is_type(body, json_type_object) ||
        json_object_object_get_ex(body, "reviewer_ids", NULL) ||
        json_object_object_get_ex(body, "reviewer_emails", NULL)) {
        return body;
    }
    copy = to_json_own(tr->pool, json_object_new_object());
    json_object_object_foreach(body, key, val)
    {
        json_object_object_add(copy, key, json_object_get(val));
    }
    for (i = 0; i < 2; i++) {
        v = to_json_get(body, legacy[i][0], &present);
        if (present) {
            json_object *list = NULL;
            if (v) {
                list = json_object_new_array();
                json_object_array_add(list, json_object_get(v));
            }
            json_object_object_add(copy, legacy[i][1], list);
        }
    }
    return copy;
}

/* Checks the items of a list field and keeps their normal values. */
static int check_list(to_req_t *tr, json_object *loc, json_object *v, patch_t *p, int f)
{
    const to_field_t *item = f == F_REVIEWER_EMAILS ? &str_item : &int_item;
    json_object *out = to_json_own(tr->pool, json_object_new_array());
    apr_hash_t *seen = apr_hash_make(tr->pool);
    size_t i, n = json_object_array_length(v);
    int ok = 1;

    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(v, i);
        const char *key;

        if (!to_validate_value(&tr->verr, to_loc_index(&tr->verr, loc, (int)i), e, item)) {
            ok = 0;
            continue;
        }
        if (item == &str_item) {
            key = json_object_get_string(e);
            json_object_array_add(out, json_object_new_string(key));
        }
        else {
            key = apr_itoa(tr->pool, to_lax_int(e));
            json_object_array_add(out, json_object_new_int(to_lax_int(e)));
        }
        if (apr_hash_get(seen, key, APR_HASH_KEY_STRING)) {
            p->dup[f] = 1;
        }
        apr_hash_set(seen, key, APR_HASH_KEY_STRING, key);
    }
    p->list[f] = to_json_text(tr->pool, out);
    return ok;
}

static void validate_patch(to_req_t *tr, json_object *body, patch_t *p)
{
    json_object *bloc = to_loc(&tr->verr, "body");
    int f;

    if (!json_object_is_type(body, json_type_object)) {
        to_obj_t obj;
        to_validate_object(&tr->verr, bloc, body, patch_fields, NPATCH, &obj);
        return;
    }
    for (f = 0; f < NPATCH; f++) {
        json_object *v = to_json_get(body, patch_fields[f].name, &p->given[f]);
        json_object *floc;

        if (!v) {
            continue;
        }
        floc = to_loc_key(&tr->verr, bloc, patch_fields[f].name);
        if (!to_validate_value(&tr->verr, floc, v, &patch_fields[f])) {
            continue;
        }
        if (patch_fields[f].type == TO_T_LIST && !check_list(tr, floc, v, p, f)) {
            continue;
        }
        p->value[f] = v;
    }
}

static const char *str_of(const patch_t *p, int f)
{
    return p->value[f] ? json_object_get_string(p->value[f]) : NULL;
}

/* Resolves the requested users (or builds), in request order, to ids.
 * Returns OK with *ids as a JSON array, or the 422 naming the first one
 * that does not exist. */
static int resolve(to_req_t *tr, const char *label, const char *wanted, const char *missing_fmt,
                   const char **ids)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    json_object *out = to_json_own(tr->pool, json_object_new_array());
    const char *missing = NULL;
    int rv;

    if ((rv = to_db_select(tr, label, &res, wanted)) != OK) {
        return rv;
    }
    while (to_db_next(tr, res, &row) == 0) {
        const char *value = to_db_col(tr, row, 0), *id = to_db_col(tr, row, 1);
        /* the driver gives "" for NULL */
        if ((!id || !*id) && !missing) {
            missing = value;
        }
        if (id && *id) {
            json_object_array_add(out, json_object_new_int(atoi(id)));
        }
    }
    if (missing) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY,
                                apr_psprintf(tr->pool, missing_fmt, missing));
    }
    *ids = to_json_text(tr->pool, out);
    return OK;
}

/* Puts the objects of answer[key] in the order of the ids given (upstream
 * answers the lists as they were sent). */
static void reorder(json_object *answer, const char *key, json_object *ids)
{
    json_object *have = NULL, *sorted;
    size_t i, j, n, m;

    if (!json_object_object_get_ex(answer, key, &have) ||
        !json_object_is_type(have, json_type_array)) {
        return;
    }
    sorted = json_object_new_array();
    n = json_object_array_length(ids);
    m = json_object_array_length(have);
    for (i = 0; i < n; i++) {
        int64_t id = json_object_get_int64(json_object_array_get_idx(ids, i));
        for (j = 0; j < m; j++) {
            json_object *item = json_object_array_get_idx(have, j), *v;
            if (json_object_object_get_ex(item, "id", &v) && json_object_get_int64(v) == id) {
                json_object_array_add(sorted, json_object_get(item));
                break;
            }
        }
    }
    json_object_object_add(answer, key, sorted);
}

/* The artefact as it now stands, lists in the order they were sent. */
static int patched_answer(to_req_t *tr, const char *ids, const char *reviewers, const char *bundled)
{
    apr_dbd_results_t *res;
    to_json_parse_t parsed;
    const char *json;
    json_object *answer, *list, *first;
    int rv;

    if ((rv = to_db_select(tr, "artefact_get", &res, ids)) != OK) {
        return rv;
    }
    json = to_db_first(tr, res);
    if (!json || !*json) {
        return to_answer_detail(tr, HTTP_NOT_FOUND, "Artefact not found");
    }
    if (!reviewers && !bundled) {
        return to_answer_text(tr, HTTP_OK, json, strlen(json));
    }
    if (to_json_parse(tr->pool, json, strlen(json), &parsed) != APR_SUCCESS) {
        return to_answer_detail(tr, HTTP_INTERNAL_SERVER_ERROR, "Internal Server Error");
    }
    answer = parsed.value;
    if (reviewers &&
        to_json_parse(tr->pool, reviewers, strlen(reviewers), &parsed) == APR_SUCCESS) {
        reorder(answer, "reviewers", parsed.value);
        json_object_object_get_ex(answer, "reviewers", &list);
        first = json_object_array_length(list) ? json_object_array_get_idx(list, 0) : NULL;
        json_object_object_add(answer, "assignee", json_object_get(first));
    }
    if (bundled && to_json_parse(tr->pool, bundled, strlen(bundled), &parsed) == APR_SUCCESS) {
        reorder(answer, "bundled_builds", parsed.value);
    }
    return to_answer_json(tr, HTTP_OK, answer);
}

/* The status rules: APPROVED needs every review of the latest builds
 * decided and none rejected; MARKED_AS_FAILED needs a rejected review and a
 * comment (sent now or already there). */
static int status_rules(to_req_t *tr, const patch_t *p, int has_comment, int all_approved,
                        int any_rejected)
{
    const char *status = str_of(p, F_STATUS), *comment = str_of(p, F_COMMENT);

    if (!status) {
        return OK;
    }
    if (!strcmp(status, "APPROVED") && !all_approved) {
        return to_answer_detail(tr, HTTP_BAD_REQUEST, "All test executions need to be approved");
    }
    if (!strcmp(status, "MARKED_AS_FAILED")) {
        if (!any_rejected) {
            return to_answer_detail(tr, HTTP_BAD_REQUEST,
                                    "At least one test execution needs to be rejected");
        }
        if (!(comment && *comment) && !has_comment) {
            return to_answer_detail(tr, HTTP_BAD_REQUEST,
                                    "Can't reject an artefact without a comment");
        }
    }
    return OK;
}

/* A solution is unique by name, source, version, track, stage and bundled
 * builds: a patch making two alike is refused, not a server error. */
static int clash(to_req_t *tr, int rv)
{
    if (rv == HTTP_CONFLICT) {
        tr->detail = "Another solution artefact has the same name, source, version, track,"
                     " stage and bundled builds";
    }
    return rv;
}

int to_h_artefact_patch(to_req_t *tr)
{
    json_object *body;
    patch_t p;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *ids = NULL, *family = NULL, *reviewers = NULL, *bundled = NULL, *stage;
    int id, rv, found = 0, has_comment = 0, all_approved = 0, any_rejected = 0, by_id;

    memset(&p, 0, sizeof(p));
    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    /* upstream finds the artefact (404) before it validates the body, and
     * reports a bad path before the body's errors */
    to_verr_init(&tr->verr, tr->pool);
    id = to_path_id(tr, "artefact_id");
    if (to_verr_count(&tr->verr) == 0) {
        ids = apr_itoa(tr->pool, id);
        if ((rv = to_db_begin(tr)) != OK ||
            (rv = to_db_select(tr, "artefact_patch_lock", &res, ids)) != OK) {
            return rv;
        }
        while (to_db_next(tr, res, &row) == 0) {
            found = 1;
            family = to_db_col(tr, row, 0);
            has_comment = !strcmp(to_db_col(tr, row, 1), "t");
            all_approved = !strcmp(to_db_col(tr, row, 2), "t");
            any_rejected = !strcmp(to_db_col(tr, row, 3), "t");
        }
        if (!found) {
            return to_answer_detail(tr, HTTP_NOT_FOUND, not_found(tr, id));
        }
    }
    if (!body) {
        to_verr_add(&tr->verr, "missing", to_loc(&tr->verr, "body"), "Field required", NULL, NULL);
    }
    else {
        validate_patch(tr, mapped_body(tr, body), &p);
    }
    /* upstream checks change_artefact in the handler, after validation:
     * held, or granted by the user's teams' matching rules */
    TO_VALID(tr);
    TO_RETURN_UNLESS_OK(to_amr_permitted(tr, "change_artefact", "artefact_amr", ids));

    if ((rv = status_rules(tr, &p, has_comment, all_approved, any_rejected)) != OK) {
        return rv;
    }
    stage = str_of(&p, F_STAGE);
    if (stage && to_enum_index(to_family_stages(family), stage) < 0) {
        return to_answer_detail(
            tr, HTTP_BAD_REQUEST,
            apr_psprintf(tr->pool, "Stage %s is invalid for artefact family %s", stage, family));
    }

    if (p.given[F_REVIEWER_IDS] && p.given[F_REVIEWER_EMAILS]) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY,
                                "Cannot specify both reviewer_ids and reviewer_emails");
    }
    by_id = p.given[F_REVIEWER_IDS];
    if (by_id || p.given[F_REVIEWER_EMAILS]) {
        int f = by_id ? F_REVIEWER_IDS : F_REVIEWER_EMAILS;
        reviewers = "[]";
        if (p.value[f] && p.dup[f]) {
            return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY,
                                    by_id ? "Duplicate user ids are not allowed in reviewer_ids"
                                          : "Duplicate user emails are not allowed in "
                                            "reviewer_emails");
        }
        if (p.value[f] &&
            (rv = resolve(tr, by_id ? "artefact_users_by_id" : "artefact_users_by_email", p.list[f],
                          by_id ? "User with id %s not found" : "User with email '%s' not found",
                          &reviewers)) != OK) {
            return rv;
        }
    }
    if (p.given[F_BUNDLED]) {
        bundled = "[]";
        if (p.value[F_BUNDLED] && p.dup[F_BUNDLED]) {
            return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY,
                                    "Duplicate build ids are not allowed in bundled_builds");
        }
        if (p.value[F_BUNDLED] &&
            (rv = resolve(tr, "artefact_builds_found", p.list[F_BUNDLED],
                          "ArtefactBuild with id %s not found", &bundled)) != OK) {
            return rv;
        }
    }

    if (p.value[F_STATUS] || p.value[F_ARCHIVED] || p.value[F_STAGE] || p.value[F_COMMENT] ||
        p.given[F_JIRA]) {
        const char *archived = NULL;
        if (p.value[F_ARCHIVED]) {
            archived = to_lax_bool(p.value[F_ARCHIVED]) ? "true" : "false";
        }
        rv = to_db_exec(tr, "artefact_patch_fields", NULL, str_of(&p, F_STATUS), archived, stage,
                        str_of(&p, F_COMMENT), p.given[F_JIRA] ? "true" : "false",
                        str_of(&p, F_JIRA), ids);
        if (rv != OK) {
            return clash(tr, rv);
        }
    }
    if (reviewers && (rv = to_db_exec(tr, "artefact_reviewers_set", NULL, reviewers, ids, ids,
                                      to_config_frontend_url(tr->conf))) != OK) {
        return rv;
    }
    if (bundled &&
        (rv = to_db_exec(tr, "artefact_bundle_set", NULL, bundled, ids, ids, ids)) != OK) {
        return clash(tr, rv);
    }
    if ((rv = patched_answer(tr, ids, reviewers, bundled)) != HTTP_OK) {
        return rv;
    }
    if ((rv = to_db_commit(tr)) != OK) {
        tr->out = NULL; /* the detail of the failure is the answer */
        return clash(tr, rv);
    }
    return HTTP_OK;
}
