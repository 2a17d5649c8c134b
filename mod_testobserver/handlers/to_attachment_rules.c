/* POST, PATCH and DELETE /v1/issues/{issue_id}/attachment-rules: rules that
 * attach their issue to new test results (to_sql_results.h applies them).
 *
 * A rule's fields travel to PostgreSQL as one json object: every list,
 * enabled, and execution_metadata ({category: [value, ...]}, stored one row
 * per value). */
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_handlers.h"
#include "to_sql_json.h"

/* clang-format off */

#define RULE_TABLE "issue_test_result_attachment_rule"
#define METADATA_TABLE "issue_test_result_attachment_rule_execution_metadata"

/* The list under key of the json object f.j, in its order. */
#define LIST(key)                                                                                  \
    "ARRAY(SELECT t.x FROM json_array_elements_text(f.j->'" key "') WITH ORDINALITY t(x, n)"       \
    " ORDER BY t.n)"

/* The metadata rows of the json object f.j, in its order. */
#define WANTED_METADATA                                                                            \
    "SELECT e.key AS category, v.value, e.n, v.k FROM f,"                                          \
    " json_each(coalesce(f.j->'execution_metadata', '{}'::json)) WITH ORDINALITY e(key, vals, n),"  \
    " json_array_elements_text(e.vals) WITH ORDINALITY v(value, k)"

#define SQL_CREATE                                                                                 \
    "WITH f AS (SELECT %s::json AS j), ru AS (INSERT INTO " RULE_TABLE " (issue_id, enabled,"      \
    " families, artefacts, artefact_versions, artefact_stages, artefact_tracks,"                   \
    " environment_names, test_case_names, template_ids, test_result_statuses, created_at,"         \
    " updated_at) SELECT i.id, (f.j->>'enabled')::boolean, " LIST("families") "::familyname[],"    \
    " " LIST("artefacts") ", " LIST("artefact_versions") ", " LIST("artefact_stages") ","          \
    " " LIST("artefact_tracks") ", " LIST("environment_names") ", " LIST("test_case_names") ","    \
    " " LIST("template_ids") ", " LIST("test_result_statuses") "::testresultstatus[], now(), now()"\
    " FROM f, issue i WHERE i.id = %s::int RETURNING id),"                                         \
    " md AS (INSERT INTO " METADATA_TABLE " (attachment_rule_id, category, value, created_at,"      \
    " updated_at) SELECT ru.id, w.category, w.value, now(), now() FROM ru, (" WANTED_METADATA ") w"\
    " ORDER BY w.n, w.k ON CONFLICT DO NOTHING) SELECT id FROM ru"

/* A list of the patch, or the rule's own when the patch leaves it out. */
#define PATCHED(key, type)                                                                         \
    "CASE WHEN f.j->'" key "' IS NULL THEN ru." key " ELSE " LIST(key) "::" type " END AS " key

/* The columns a patch may change, each prefixed with x. */
#define RULE_COLUMNS(x)                                                                            \
    x "enabled, " x "families, " x "artefacts, " x "artefact_versions, " x "artefact_stages, "    \
    x "artefact_tracks, " x "environment_names, " x "test_case_names, " x "template_ids, "        \
    x "test_result_statuses"

/* Changes what the patch gives; given metadata replaces the rule's (rows
 * that stay keep their place). The rule's updated_at moves only when
 * something changed. */
#define SQL_UPDATE                                                                                 \
    "WITH f AS (SELECT %s::json AS j), want AS (" WANTED_METADATA "),"                             \
    " gone AS (DELETE FROM " METADATA_TABLE " m USING f WHERE m.attachment_rule_id = %s::int"      \
    " AND f.j->'execution_metadata' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM want w"              \
    " WHERE w.category = m.category AND w.value = m.value) RETURNING 1),"                          \
    " added AS (INSERT INTO " METADATA_TABLE " (attachment_rule_id, category, value, created_at,"  \
    " updated_at) SELECT %s::int, w.category, w.value, now(), now() FROM want w ORDER BY w.n, w.k" \
    " ON CONFLICT DO NOTHING RETURNING 1),"                                                        \
    " nv AS (SELECT ru.id, coalesce((f.j->>'enabled')::boolean, ru.enabled) AS enabled,"          \
    " " PATCHED("families", "familyname[]") ", " PATCHED("artefacts", "varchar[]") ","             \
    " " PATCHED("artefact_versions", "varchar[]") ", " PATCHED("artefact_stages", "varchar[]") "," \
    " " PATCHED("artefact_tracks", "varchar[]") ", " PATCHED("environment_names", "varchar[]") "," \
    " " PATCHED("test_case_names", "varchar[]") ", " PATCHED("template_ids", "varchar[]") ","       \
    " " PATCHED("test_result_statuses", "testresultstatus[]")                                      \
    " FROM f, " RULE_TABLE " ru WHERE ru.id = %s::int)"                                            \
    " UPDATE " RULE_TABLE " ru SET (" RULE_COLUMNS("") ", updated_at) = ("                         \
    RULE_COLUMNS("nv.") ", now()) FROM nv WHERE ru.id = nv.id AND ((" RULE_COLUMNS("ru.") ")"   \
    " IS DISTINCT FROM (" RULE_COLUMNS("nv.") ") OR EXISTS (SELECT 1 FROM gone)"                  \
    " OR EXISTS (SELECT 1 FROM added))"

/* clang-format on */

const to_sql_t to_sql_attachment_rules[] = {
    {"rules_create", SQL_CREATE},
    {"rules_owner", "SELECT issue_id FROM " RULE_TABLE " WHERE id = %s::int FOR UPDATE"},
    {"rules_update", SQL_UPDATE},
    {"rules_get", "SELECT " TO_SQL_RULE_JSON("ru") " FROM " RULE_TABLE " ru WHERE ru.id = %s::int"},
    {"rules_delete", "WITH ru AS (SELECT id, issue_id FROM " RULE_TABLE " WHERE id = %s::int"
                     " FOR UPDATE), gone AS (DELETE FROM " RULE_TABLE " WHERE id IN (SELECT id"
                     " FROM ru WHERE issue_id = %s::int)) SELECT issue_id FROM ru"},
    {NULL, NULL}};

#define RULE_NOT_FOUND "Attachment rule not found"
#define OTHER_ISSUE "Attachment rule not attached to given issue"

/* The lists of IssueTestResultAttachmentRulePostRequest, in its order
 * (enabled comes first, execution_metadata last); NULL choices: strings. */
static const struct {
    const char *name;
    const char *const *choices;
} lists[] = {
    {"families", to_families},
    {"artefacts", NULL},
    {"artefact_versions", NULL},
    {"artefact_stages", NULL},
    {"artefact_tracks", NULL},
    {"environment_names", NULL},
    {"test_case_names", NULL},
    {"template_ids", NULL},
    {"test_result_statuses", to_result_statuses},
};

/* A list of strings or enumeration values, or NULL after errors. */
static json_object *checked_list(to_req_t *tr, json_object *loc, json_object *v,
                                 const char *const *choices)
{
    to_field_t item = {"", choices ? TO_T_ENUM : TO_T_STR, 0, 0, choices};
    json_object *out;
    size_t i, n;
    int ok = 1;

    if (!json_object_is_type(v, json_type_array)) {
        to_verr_add(&tr->verr, "list_type", loc, "Input should be a valid list", v, NULL);
        return NULL;
    }
    out = to_json_own(tr->pool, json_object_new_array());
    n = json_object_array_length(v);
    for (i = 0; i < n; i++) {
        json_object *x = json_object_array_get_idx(v, i);
        if (to_validate_value(&tr->verr, to_loc_index(&tr->verr, loc, (int)i), x, &item)) {
            json_object_array_add(out, json_object_get(x));
        }
        else {
            ok = 0;
        }
    }
    return ok ? out : NULL;
}

/* The rule's fields from the body, as the json object the SQL reads; NULL
 * after errors. A new rule gets every field (defaults: enabled, empty
 * lists and metadata); a patch only those given, null meaning unchanged.
 * Upstream's patch reads enabled only: the other fields are ours. */
static json_object *rule_fields(to_req_t *tr, json_object *body, int patch)
{
    static const to_field_t enabled = {"enabled", TO_T_BOOL, 0, 0, NULL};
    json_object *bloc = to_loc(&tr->verr, "body"), *out, *v, *loc;
    int before = to_verr_count(&tr->verr), present, i;

    if (!body) {
        return NULL;
    }
    if (!json_object_is_type(body, json_type_object)) {
        to_verr_add(&tr->verr, "model_attributes_type", bloc,
                    "Input should be a valid dictionary or object to extract fields from", body,
                    NULL);
        return NULL;
    }
    out = to_json_own(tr->pool, json_object_new_object());

    v = to_json_get(body, "enabled", &present);
    if (!present || (patch && !v)) {
        if (!patch) {
            json_object_object_add(out, "enabled", json_object_new_boolean(1));
        }
    }
    else if (to_validate_value(&tr->verr, to_loc_key(&tr->verr, bloc, "enabled"), v, &enabled)) {
        to_field_t one[1] = {enabled};
        json_object *values[1] = {v};
        int given[1] = {1};
        to_obj_t o = {one, 1, values, given, 1};
        json_object_object_add(out, "enabled",
                               json_object_new_boolean(to_obj_bool(&o, "enabled", 1)));
    }

    for (i = 0; i < TO_NELTS(lists); i++) {
        json_object *list;

        v = to_json_get(body, lists[i].name, &present);
        if (!present || (patch && !v)) {
            if (!patch) {
                json_object_object_add(out, lists[i].name, json_object_new_array());
            }
            continue;
        }
        loc = to_loc_key(&tr->verr, bloc, lists[i].name);
        if ((list = checked_list(tr, loc, v, lists[i].choices)) != NULL) {
            json_object_object_add(out, lists[i].name, json_object_get(list));
        }
    }

    v = to_json_get(body, "execution_metadata", &present);
    if (!present || (patch && !v)) {
        if (!patch) {
            json_object_object_add(out, "execution_metadata", json_object_new_object());
        }
    }
    else if (to_validate_metadata(&tr->verr, to_loc_key(&tr->verr, bloc, "execution_metadata"),
                                  v)) {
        json_object_object_add(out, "execution_metadata", json_object_get(v));
    }
    return to_verr_count(&tr->verr) == before ? out : NULL;
}

int to_h_rule_post(to_req_t *tr)
{
    int issue = to_path_id(tr, "issue_id");
    json_object *body, *fields;
    const char *id;
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    fields = rule_fields(tr, body, 0);
    TO_CHECKED(tr);

    if ((rv = to_db_begin(tr)) != OK) {
        return rv;
    }
    id = to_db_value(tr, &rv, "rules_create", to_json_text(tr->pool, fields),
                     apr_itoa(tr->pool, issue));
    if (!id) {
        return rv != OK ? rv : to_answer_detail(tr, HTTP_NOT_FOUND, "Issue not found");
    }
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return to_answer_query(tr, RULE_NOT_FOUND, "rules_get", id);
}

int to_h_rule_patch(to_req_t *tr)
{
    int issue = to_path_id(tr, "issue_id");
    int rule = to_path_id(tr, "attachment_rule_id");
    json_object *body, *fields;
    const char *owner, *ids;
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    fields = rule_fields(tr, body, 1);
    TO_CHECKED(tr);

    ids = apr_itoa(tr->pool, rule);
    if ((rv = to_db_begin(tr)) != OK) {
        return rv;
    }
    if (!(owner = to_db_value(tr, &rv, "rules_owner", ids))) {
        return rv != OK ? rv : to_answer_detail(tr, HTTP_NOT_FOUND, RULE_NOT_FOUND);
    }
    if (strcmp(owner, apr_itoa(tr->pool, issue))) {
        return to_answer_detail(tr, HTTP_BAD_REQUEST, OTHER_ISSUE);
    }
    if (json_object_object_length(fields) > 0 &&
        (rv = to_db_exec(tr, "rules_update", NULL, to_json_text(tr->pool, fields), ids, ids,
                         ids)) != OK) {
        return rv;
    }
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return to_answer_query(tr, RULE_NOT_FOUND, "rules_get", ids);
}

int to_h_rule_delete(to_req_t *tr)
{
    int issue = to_path_id(tr, "issue_id");
    int rule = to_path_id(tr, "attachment_rule_id");
    const char *owner, *issues;
    int rv;

    TO_CHECKED(tr);
    issues = apr_itoa(tr->pool, issue);
    owner = to_db_value(tr, &rv, "rules_delete", apr_itoa(tr->pool, rule), issues);
    if (rv != OK) {
        return rv;
    }
    /* an unknown rule is gone already */
    if (owner && strcmp(owner, issues)) {
        return to_answer_detail(tr, HTTP_BAD_REQUEST, OTHER_ISSUE);
    }
    return HTTP_NO_CONTENT;
}
