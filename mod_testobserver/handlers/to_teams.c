/* /v1/teams: teams, their permissions, members and artefact matching
 * rules. */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "to_handlers.h"
#include "to_identity.h"

/* TeamResponse of team t: members and rules by id. */
#define TEAM_JSON(t)                                                                               \
    "json_build_object('id', " t ".id, 'name', " t ".name, 'permissions', to_json(" t              \
    ".permissions), 'members', coalesce((SELECT json_agg(json_build_object('id', u.id,"            \
    " 'launchpad_handle', u.launchpad_handle, 'email', u.email, 'name', u.name,"                   \
    " 'is_admin', u.is_admin) ORDER BY u.id) FROM team_users_association m JOIN app_user u"        \
    " ON u.id = m.user_id WHERE m.team_id = " t ".id), '[]'::json),"                               \
    " 'artefact_matching_rules', coalesce((SELECT json_agg(" TO_SQL_AMR_IN_TEAM_JSON(              \
        "r") " ORDER BY r.id) FROM artefact_matching_rule_team_association x"                      \
             " JOIN artefact_matching_rule r ON r.id = x.artefact_matching_rule_id"                \
             " WHERE x.team_id = " t ".id), '[]'::json))"

#define SQL_PERMISSIONS "ARRAY(SELECT json_array_elements_text(%s::json))::permission[]"

/* The match fields of requested rules r, in the unique constraint's order. */
#define SQL_RULE_KEY                                                                               \
    "r.name, r.family, r.stage, r.track, r.branch, r.store, r.series, r.os, r.release, r.owner"

/* The requested rules (JSON array, bound first), a duplicate merged into
 * the first of its kind, with their position i. */
#define SQL_RULES_REQUESTED                                                                        \
    "SELECT DISTINCT ON (" SQL_RULE_KEY ") r.*, o.i FROM json_array_elements(%s::json)"            \
    " WITH ORDINALITY AS o(v, i), json_to_record(o.v) AS r(" TO_SQL_AMR_RECORD ")"                 \
    " ORDER BY " SQL_RULE_KEY ", o.i"

/* An existing rule a gains the requested permissions it lacks, in order. */
#define SQL_GRANTS_MERGED                                                                          \
    "a.grant_permissions || ARRAY(SELECT g.p FROM unnest(EXCLUDED.grant_permissions)"              \
    " WITH ORDINALITY AS g(p, k) WHERE g.p <> ALL (a.grant_permissions) GROUP BY g.p"              \
    " ORDER BY min(g.k))"

/* Creates the requested rules of req in the request's order, or finds the
 * existing ones; their ids. */
#define SQL_RULES_UPSERT                                                                           \
    "INSERT INTO artefact_matching_rule AS a (name, family, stage, track, branch, store, series,"  \
    " os, release, owner, grant_permissions, created_at, updated_at) SELECT req.name,"             \
    " req.family::familyname, req.stage, req.track, req.branch, req.store, req.series, req.os,"    \
    " req.release, req.owner, ARRAY(SELECT json_array_elements_text(req.grant_permissions))"       \
    "::permission[], now(), now() FROM req ORDER BY req.i"                                         \
    " ON CONFLICT ON CONSTRAINT artefact_matching_rule_fields_from_artefact DO UPDATE"             \
    " SET grant_permissions = " SQL_GRANTS_MERGED ", updated_at = CASE WHEN"                       \
    " EXCLUDED.grant_permissions <@ a.grant_permissions THEN a.updated_at ELSE now() END"          \
    " RETURNING a.id"

const to_sql_t to_sql_teams[] = {
    {"teams_list", "SELECT coalesce(json_agg(" TEAM_JSON("t") " ORDER BY t.id), '[]'::json)"
                                                              " FROM team t"},
    {"teams_get", "SELECT " TEAM_JSON("t") " FROM team t WHERE t.id = %s::int"},
    /* no row when the name is taken */
    {"teams_create", "INSERT INTO team (name, permissions, created_at, updated_at)"
                     " VALUES (%s, " SQL_PERMISSIONS ", now(), now())"
                     " ON CONFLICT (name) DO NOTHING RETURNING id"},
    {"teams_lock", "SELECT id FROM team WHERE id = %s::int FOR NO KEY UPDATE"},
    {"teams_rules_serialise", TO_SQL_AMR_SERIALISE},
    {"teams_set_permissions", "UPDATE team SET permissions = " SQL_PERMISSIONS ","
                              " updated_at = now() WHERE id = %s::int"},
    /* the team's rules are let go of; their ids, for the orphan clean-up */
    {"teams_rules_detach",
     "WITH d AS (DELETE FROM artefact_matching_rule_team_association WHERE team_id = %s::int"
     " RETURNING artefact_matching_rule_id AS id) SELECT coalesce(json_agg(id), '[]'::json)"
     " FROM d"},
    /* rules (JSON array, duplicates merged, the first one kept), team id: a
     * rule that exists with the same match fields is shared and gains the
     * permissions it lacked; the others are created in the request's order */
    {"teams_rules_attach",
     "WITH req AS (" SQL_RULES_REQUESTED "), up AS (" SQL_RULES_UPSERT ")"
     " INSERT INTO artefact_matching_rule_team_association (artefact_matching_rule_id, team_id)"
     " SELECT up.id, %s::int FROM up ON CONFLICT DO NOTHING"},
    /* of the rules let go of (JSON array of ids), those no team holds go */
    {"teams_rules_orphans",
     "DELETE FROM artefact_matching_rule r WHERE r.id IN (SELECT x.id::int"
     " FROM json_array_elements_text(%s::json) AS x(id)) AND NOT EXISTS (SELECT 1"
     " FROM artefact_matching_rule_team_association a WHERE a.artefact_matching_rule_id = r.id)"},
    /* team id, user id: whether each exists (the membership is added) */
    {"teams_member_add",
     "WITH t AS (SELECT id FROM team WHERE id = %s::int FOR KEY SHARE),"
     " u AS (SELECT id FROM app_user WHERE id = %s::int FOR KEY SHARE),"
     " i AS (INSERT INTO team_users_association (user_id, team_id) SELECT u.id, t.id FROM t, u"
     " ON CONFLICT DO NOTHING) SELECT EXISTS (SELECT 1 FROM t), EXISTS (SELECT 1 FROM u)"},
    /* team id, user id: whether each exists (the membership goes) */
    {"teams_member_remove",
     "WITH t AS (SELECT id FROM team WHERE id = %s::int),"
     " u AS (SELECT id FROM app_user WHERE id = %s::int),"
     " d AS (DELETE FROM team_users_association a USING t, u WHERE a.team_id = t.id"
     " AND a.user_id = u.id) SELECT EXISTS (SELECT 1 FROM t), EXISTS (SELECT 1 FROM u)"},
    {NULL, NULL}};

static const char *team_missing(to_req_t *tr, int id)
{
    return apr_psprintf(tr->pool, "Team %d doesn't exist", id);
}

/* The team's answer with status. */
static int answer_team(to_req_t *tr, const char *id, int status)
{
    const char *json;
    int rv;

    json = to_db_value(tr, &rv, "teams_get", id);
    if (rv != OK) {
        return rv;
    }
    if (!json || !*json) {
        return to_answer_detail(tr, HTTP_NOT_FOUND, team_missing(tr, atoi(id)));
    }
    return to_answer_text(tr, status, json, strlen(json));
}

static json_object *rule_item(to_req_t *tr, json_object *loc, json_object *item)
{
    json_object *rule = to_id_amr_base(tr, loc, item);
    return rule ? json_object_get(rule) : NULL;
}

/* Replaces the team's rules: those named are found or created and held by
 * the team; the ones it let go of and no other team holds are deleted. */
static int sync_rules(to_req_t *tr, const char *team, const char *rules, int nrules, int fresh)
{
    const char *old = NULL;
    int rv;

    if (fresh && !to_db_value(tr, &rv, "teams_rules_serialise")) {
        return rv != OK ? rv : HTTP_INTERNAL_SERVER_ERROR;
    }
    if (!fresh && !(old = to_db_value(tr, &rv, "teams_rules_detach", team))) {
        return rv != OK ? rv : HTTP_INTERNAL_SERVER_ERROR;
    }
    if (nrules > 0 && (rv = to_db_exec(tr, "teams_rules_attach", NULL, rules, team)) != OK) {
        return rv;
    }
    if (old && strcmp(old, "[]") != 0 &&
        (rv = to_db_exec(tr, "teams_rules_orphans", NULL, old)) != OK) {
        return rv;
    }
    return OK;
}

int to_h_teams_get(to_req_t *tr)
{
    TO_CHECKED(tr);
    return to_answer_query(tr, "", "teams_list");
}

int to_h_team_get(to_req_t *tr)
{
    int id = to_path_id(tr, "team_id");

    TO_CHECKED(tr);
    return to_answer_query(tr, team_missing(tr, id), "teams_get", apr_itoa(tr->pool, id));
}

typedef struct {
    const char *permissions; /* JSON array text, NULL: not given */
    const char *rules;       /* JSON array text, NULL: not given */
    int nrules;
} team_body_t;

/* The permissions and rules of TeamCreate (absent: []) and TeamPatch
 * (absent or null: unchanged). */
static void read_team_body(to_req_t *tr, json_object *body, json_object *bloc, int nullable,
                           team_body_t *out)
{
    json_object *v;
    int present;

    if (!json_object_is_type(body, json_type_object)) {
        return;
    }
    v = to_json_get(body, "permissions", &present);
    if (present && (v || !nullable)) {
        out->permissions = to_id_permissions(tr, to_loc_key(&tr->verr, bloc, "permissions"), v);
    }
    v = to_json_get(body, "artefact_matching_rules", &present);
    if (present && (v || !nullable)) {
        out->rules = to_id_list(tr, to_loc_key(&tr->verr, bloc, "artefact_matching_rules"), v,
                                rule_item, &out->nrules);
    }
}

static const to_field_t create_fields[] = {
    {"name", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"permissions", TO_T_ANY, 0, 0, NULL},
    {"artefact_matching_rules", TO_T_ANY, 0, 0, NULL},
};

/* 201; a taken name is 409. */
int to_h_teams_post(to_req_t *tr)
{
    json_object *body, *bloc = to_loc(&tr->verr, "body");
    team_body_t tb = {NULL, NULL, 0};
    const char *name, *id;
    to_obj_t obj = {0};
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        to_validate_object(&tr->verr, bloc, body, create_fields, TO_NELTS(create_fields), &obj);
        read_team_body(tr, body, bloc, 0, &tb);
    }
    TO_CHECKED(tr);

    name = to_obj_str(&obj, "name", "");
    if ((rv = to_db_begin(tr)) != OK) {
        return rv;
    }
    id = to_db_value(tr, &rv, "teams_create", name, tb.permissions ? tb.permissions : "[]");
    if (rv != OK) {
        return rv;
    }
    if (!id) {
        return to_answer_detail(tr, HTTP_CONFLICT,
                                apr_psprintf(tr->pool, "Team with name '%s' already exists", name));
    }
    if (tb.nrules > 0 && (rv = sync_rules(tr, id, tb.rules, tb.nrules, 1)) != OK) {
        return rv;
    }
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return answer_team(tr, id, HTTP_CREATED);
}

static const to_field_t patch_fields[] = {
    {"permissions", TO_T_ANY, TO_NULLABLE, 0, NULL},
    {"artefact_matching_rules", TO_T_ANY, TO_NULLABLE, 0, NULL},
};

int to_h_team_patch(to_req_t *tr)
{
    int id = to_path_id(tr, "team_id");
    json_object *body, *bloc = to_loc(&tr->verr, "body");
    team_body_t tb = {NULL, NULL, 0};
    const char *ids;
    to_obj_t obj = {0};
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        to_validate_object(&tr->verr, bloc, body, patch_fields, TO_NELTS(patch_fields), &obj);
        read_team_body(tr, body, bloc, 1, &tb);
    }
    TO_CHECKED(tr);

    ids = apr_itoa(tr->pool, id);
    if ((rv = to_db_begin(tr)) != OK) {
        return rv;
    }
    /* the turn of rule writers comes before the team's row */
    if (tb.rules && !to_db_value(tr, &rv, "teams_rules_serialise")) {
        return rv != OK ? rv : HTTP_INTERNAL_SERVER_ERROR;
    }
    if (!to_db_value(tr, &rv, "teams_lock", ids)) {
        return rv != OK ? rv : to_answer_detail(tr, HTTP_NOT_FOUND, team_missing(tr, id));
    }
    if (tb.permissions &&
        (rv = to_db_exec(tr, "teams_set_permissions", NULL, tb.permissions, ids)) != OK) {
        return rv;
    }
    if (tb.rules && (rv = sync_rules(tr, ids, tb.rules, tb.nrules, 0)) != OK) {
        return rv;
    }
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return answer_team(tr, ids, HTTP_OK);
}

/* Adds or removes a membership: the team's 404 first, then the user's. */
static int change_member(to_req_t *tr, const char *label)
{
    int team = to_path_id(tr, "team_id");
    int user = to_path_id(tr, "user_id");
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *team_ok = NULL, *user_ok = NULL, *ids;
    int rv;

    TO_CHECKED(tr);
    ids = apr_itoa(tr->pool, team);
    if ((rv = to_db_select(tr, label, &res, ids, apr_itoa(tr->pool, user))) != OK) {
        return rv;
    }
    while (to_db_next(tr, res, &row) == 0) {
        team_ok = to_db_col(tr, row, 0);
        user_ok = to_db_col(tr, row, 1);
    }
    if (!team_ok || strcmp(team_ok, "t") != 0) {
        return to_answer_detail(tr, HTTP_NOT_FOUND, team_missing(tr, team));
    }
    if (!user_ok || strcmp(user_ok, "t") != 0) {
        return to_answer_detail(tr, HTTP_NOT_FOUND,
                                apr_psprintf(tr->pool, "User %d doesn't exist", user));
    }
    return answer_team(tr, ids, HTTP_OK);
}

int to_h_team_member_add(to_req_t *tr)
{
    return change_member(tr, "teams_member_add");
}

int to_h_team_member_remove(to_req_t *tr)
{
    return change_member(tr, "teams_member_remove");
}
