/* /v1/artefact-matching-rules: which artefacts a team's members may act
 * on, and with which permissions. */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_handlers.h"
#include "to_identity.h"

/* The rule a's new match fields v equal those of another rule. */
#define SQL_OTHER_RULE_HAS_V                                                                       \
    "EXISTS (SELECT 1 FROM artefact_matching_rule o WHERE o.id <> a.id AND o.name = v.name"        \
    " AND o.family = v.family AND o.stage = v.stage AND o.track = v.track"                         \
    " AND o.branch = v.branch AND o.store = v.store AND o.series = v.series AND o.os = v.os"       \
    " AND o.release = v.release AND o.owner = v.owner)"

/* The new values of rule x: those given, else the current ones. */
#define SQL_NEW_VALUES                                                                             \
    "SELECT coalesce(%s, x.name) AS name, coalesce(%s::familyname, x.family) AS family,"           \
    " coalesce(%s, x.stage) AS stage, coalesce(%s, x.track) AS track,"                             \
    " coalesce(%s, x.branch) AS branch, coalesce(%s, x.store) AS store,"                           \
    " coalesce(%s, x.series) AS series, coalesce(%s, x.os) AS os,"                                 \
    " coalesce(%s, x.release) AS release, coalesce(%s, x.owner) AS owner,"                         \
    " CASE WHEN %s::json IS NULL THEN x.grant_permissions ELSE ARRAY(SELECT"                       \
    " json_array_elements_text(%s::json))::permission[] END AS grant_permissions"                  \
    " FROM artefact_matching_rule x WHERE x.id = %s::int"

const to_sql_t to_sql_matching_rules[] = {
    {"amr_list",
     "SELECT coalesce(json_agg(" TO_SQL_AMR_JSON(
         "a") " ORDER BY a.id), '[]'::json)"
              " FROM artefact_matching_rule a WHERE %s::text IS NULL OR a.family::text = %s"},
    {"amr_get",
     "SELECT " TO_SQL_AMR_JSON("a") " FROM artefact_matching_rule a WHERE a.id = %s::int"},
    {"amr_first_missing_team", TO_SQL_FIRST_MISSING_TEAM},
    /* rule (JSON object), team ids (JSON array): the new rule's id, no row
     * when a rule with these match fields exists */
    {"amr_create",
     "WITH r AS (INSERT INTO artefact_matching_rule (name, family, stage, track, branch, store,"
     " series, os, release, owner, grant_permissions, created_at, updated_at) SELECT v.name,"
     " v.family::familyname, v.stage, v.track, v.branch, v.store, v.series, v.os, v.release,"
     " v.owner, ARRAY(SELECT json_array_elements_text(v.grant_permissions))::permission[],"
     " now(), now() FROM json_to_record(%s::json) AS v(" TO_SQL_AMR_RECORD ")"
     " ON CONFLICT ON CONSTRAINT artefact_matching_rule_fields_from_artefact DO NOTHING"
     " RETURNING id),"
     " t AS (INSERT INTO artefact_matching_rule_team_association (artefact_matching_rule_id,"
     " team_id) SELECT DISTINCT r.id, x.id::int FROM r, json_array_elements_text(%s::json)"
     " AS x(id)) SELECT id FROM r"},
    {"amr_serialise", TO_SQL_AMR_SERIALISE},
    {"amr_lock", "SELECT id FROM artefact_matching_rule WHERE id = %s::int FOR UPDATE"},
    /* the given fields (NULL: unchanged), rule id: no row when another rule
     * has the resulting match fields */
    {"amr_update",
     "UPDATE artefact_matching_rule a SET name = v.name, family = v.family, stage = v.stage,"
     " track = v.track, branch = v.branch, store = v.store, series = v.series, os = v.os,"
     " release = v.release, owner = v.owner, grant_permissions = v.grant_permissions,"
     " updated_at = now() FROM (" SQL_NEW_VALUES ") v WHERE a.id = %s::int"
     " AND NOT " SQL_OTHER_RULE_HAS_V " RETURNING a.id"},
    /* rule id, team ids (JSON array): the rule's teams become these */
    {"amr_set_teams",
     "WITH gone AS (DELETE FROM artefact_matching_rule_team_association"
     " WHERE artefact_matching_rule_id = %s::int AND team_id NOT IN (SELECT x.id::int"
     " FROM json_array_elements_text(%s::json) AS x(id)))"
     " INSERT INTO artefact_matching_rule_team_association (artefact_matching_rule_id, team_id)"
     " SELECT DISTINCT %s::int, x.id::int FROM json_array_elements_text(%s::json) AS x(id)"
     " ON CONFLICT DO NOTHING"},
    /* its team links go with it (ON DELETE CASCADE) */
    {"amr_delete", "DELETE FROM artefact_matching_rule WHERE id = %s::int RETURNING id"},
    {NULL, NULL}};

#define CONFLICT "Artefact matching rule with these values already exists"
#define CONFLICT_OTHER "Another artefact matching rule with these values already exists"

static const char *rule_missing(to_req_t *tr, int id)
{
    return apr_psprintf(tr->pool, "Artefact matching rule %d doesn't exist", id);
}

/* 404 naming the first of the team ids that is no team, or OK. */
static int check_teams(to_req_t *tr, const char *team_ids)
{
    const char *missing;
    int rv;

    missing = to_db_value(tr, &rv, "amr_first_missing_team", team_ids);
    if (rv != OK) {
        return rv;
    }
    if (missing) {
        return to_answer_detail(tr, HTTP_NOT_FOUND,
                                apr_psprintf(tr->pool, "Team %s doesn't exist", missing));
    }
    return OK;
}

/* The rule's answer with status. */
static int answer_rule(to_req_t *tr, const char *id, int status)
{
    const char *json;
    int rv;

    json = to_db_value(tr, &rv, "amr_get", id);
    if (rv != OK) {
        return rv;
    }
    if (!json || !*json) {
        return to_answer_detail(tr, HTTP_NOT_FOUND, rule_missing(tr, atoi(id)));
    }
    return to_answer_text(tr, status, json, strlen(json));
}

/* 201; no team 400, an unknown team 404, a rule with the same match
 * fields 409. */
int to_h_amr_post(to_req_t *tr)
{
    json_object *body, *bloc = to_loc(&tr->verr, "body"), *rule = NULL, *v;
    const char *team_ids = NULL, *id;
    int present = 0, nteams = 0, rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        rule = to_id_amr_base(tr, bloc, body);
        v = to_json_get(body, "team_ids", &present);
        if (json_object_is_type(body, json_type_object) && !present) {
            to_verr_add(&tr->verr, "missing", to_loc_key(&tr->verr, bloc, "team_ids"),
                        "Field required", body, NULL);
        }
        else if (present) {
            team_ids = to_id_int_list(tr, to_loc_key(&tr->verr, bloc, "team_ids"), v, &nteams);
        }
    }
    TO_CHECKED(tr);

    if (nteams == 0) {
        return to_answer_detail(tr, HTTP_BAD_REQUEST,
                                "At least one team is required to create a matching rule");
    }
    if ((rv = to_db_begin(tr)) != OK || (rv = check_teams(tr, team_ids)) != OK) {
        return rv;
    }
    id = to_db_value(tr, &rv, "amr_create", to_json_text(tr->pool, rule), team_ids);
    if (rv != OK) {
        return rv;
    }
    if (!id) {
        return to_answer_detail(tr, HTTP_CONFLICT, CONFLICT);
    }
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return answer_rule(tr, id, HTTP_CREATED);
}

int to_h_amr_list(to_req_t *tr)
{
    const char *family = to_query(tr, "family");

    if (family && to_enum_index(to_families, family) < 0) {
        to_verr_enum(&tr->verr, to_loc_key(&tr->verr, to_loc(&tr->verr, "query"), "family"),
                     to_json_own(tr->pool, to_json_str(family)), to_families);
    }
    TO_CHECKED(tr);
    return to_answer_query(tr, "", "amr_list", family, family);
}

int to_h_amr_get(to_req_t *tr)
{
    int id = to_path_id(tr, "rule_id");

    TO_CHECKED(tr);
    return answer_rule(tr, apr_itoa(tr->pool, id), HTTP_OK);
}

/* ArtefactMatchingRulePatch: every field may be null (unchanged). */
static const to_field_t patch_fields[] = {
    {"name", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"family", TO_T_ENUM, TO_NULLABLE, 0, to_families},
    {"stage", TO_T_STR, TO_NULLABLE, 100, NULL},
    {"track", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"branch", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"store", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"series", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"os", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"release", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"owner", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"team_ids", TO_T_ANY, TO_NULLABLE, 0, NULL},
    {"grant_permissions", TO_T_ANY, TO_NULLABLE, 0, NULL},
};

/* An unknown rule 404, then an unknown team 404, no team 400, and the
 * match fields of another rule 409. */
int to_h_amr_patch(to_req_t *tr)
{
    int id = to_path_id(tr, "rule_id");
    json_object *body, *bloc = to_loc(&tr->verr, "body"), *v;
    const char *team_ids = NULL, *grants = NULL, *ids, *f[TO_AMR_NKEYS] = {NULL};
    to_obj_t obj = {0};
    int i, nteams = 0, rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        to_validate_object(&tr->verr, bloc, body, patch_fields, TO_NELTS(patch_fields), &obj);
        if ((v = to_obj_get(&obj, "team_ids")) != NULL) {
            team_ids = to_id_int_list(tr, to_loc_key(&tr->verr, bloc, "team_ids"), v, &nteams);
        }
        if ((v = to_obj_get(&obj, "grant_permissions")) != NULL) {
            grants = to_id_permissions(tr, to_loc_key(&tr->verr, bloc, "grant_permissions"), v);
        }
    }
    TO_CHECKED(tr);

    for (i = 0; i < TO_AMR_NKEYS; i++) {
        f[i] = to_obj_str(&obj, to_amr_keys[i], NULL);
    }
    ids = apr_itoa(tr->pool, id);
    if ((rv = to_db_begin(tr)) != OK) {
        return rv;
    }
    if (!to_db_value(tr, &rv, "amr_serialise")) {
        return rv != OK ? rv : HTTP_INTERNAL_SERVER_ERROR;
    }
    if (!to_db_value(tr, &rv, "amr_lock", ids)) {
        return rv != OK ? rv : to_answer_detail(tr, HTTP_NOT_FOUND, rule_missing(tr, id));
    }
    if (team_ids && (rv = check_teams(tr, team_ids)) != OK) {
        return rv;
    }
    if (team_ids && nteams == 0) {
        return to_answer_detail(tr, HTTP_BAD_REQUEST,
                                "At least one team is required for a matching rule");
    }
    if (!to_db_value(tr, &rv, "amr_update", f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8],
                     f[9], grants, grants, ids, ids)) {
        /* a rule created meanwhile with these fields trips the unique
         * constraint instead: the same answer */
        return rv != OK && rv != HTTP_CONFLICT
                   ? rv
                   : to_answer_detail(tr, HTTP_CONFLICT, CONFLICT_OTHER);
    }
    if (team_ids &&
        (rv = to_db_exec(tr, "amr_set_teams", NULL, ids, team_ids, ids, team_ids)) != OK) {
        return rv;
    }
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return answer_rule(tr, ids, HTTP_OK);
}

/* 204; an unknown rule is 404 here (unlike applications and users). */
int to_h_amr_delete(to_req_t *tr)
{
    int id = to_path_id(tr, "rule_id");
    int rv;

    TO_CHECKED(tr);
    if (!to_db_value(tr, &rv, "amr_delete", apr_itoa(tr->pool, id))) {
        return rv != OK ? rv : to_answer_detail(tr, HTTP_NOT_FOUND, rule_missing(tr, id));
    }
    return HTTP_NO_CONTENT;
}
