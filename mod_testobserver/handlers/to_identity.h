/* Helpers shared by the identity handlers: applications, teams, users,
 * notifications and artefact matching rules. */
#ifndef TO_IDENTITY_H
#define TO_IDENTITY_H

#include "../http/to_http.h"

/* One item of a list at loc: a new reference for the list's JSON, or NULL
 * after adding pydantic's errors. */
typedef json_object *(*to_id_item_fn)(to_req_t *tr, json_object *loc, json_object *item);

/* A list at loc, each item checked by item: the JSON array text of what
 * the items gave (for SQL, bound as %s::json), or NULL after adding errors.
 * *count (when not NULL) gets the number of items. */
const char *to_id_list(to_req_t *tr, json_object *loc, json_object *value, to_id_item_fn item,
                       int *count);

/* list[Permission] at loc: the JSON array text of the permissions for SQL
 * (bound as %s::json), or NULL after adding pydantic's errors. */
const char *to_id_permissions(to_req_t *tr, json_object *loc, json_object *value);

/* list[int] at loc (32-bit items, read as pydantic's lax int): the JSON
 * array text of the numbers, or NULL after adding errors. *count gets the
 * number of items. */
const char *to_id_int_list(to_req_t *tr, json_object *loc, json_object *value, int *count);

/* The fields of an artefact matching rule that name what it matches, in
 * pydantic's order, with their column lengths. */
extern const char *const to_amr_keys[];
#define TO_AMR_NKEYS 10

/* ArtefactMatchingRuleBase at loc: a JSON object (owned by the request)
 * with every key of to_amr_keys ("" when absent) and grant_permissions, as
 * TO_SQL_AMR_RECORD reads it; NULL after adding errors. */
json_object *to_id_amr_base(to_req_t *tr, json_object *loc, json_object *value);

/* The SQL type of an artefact matching rule's match fields, for
 * json_to_recordset. */
#define TO_SQL_AMR_RECORD                                                                          \
    "name text, family text, stage text, track text, branch text, store text, series text,"        \
    " os text, release text, owner text, grant_permissions json"

/* The keys an ArtefactMatchingRule answer starts with: empty strings are
 * answered as null, as upstream does. */
#define TO_SQL_AMR_HEAD(r)                                                                         \
    "'id', " r ".id, 'name', nullif(" r ".name, ''), 'family', " r ".family,"                      \
    " 'stage', nullif(" r ".stage, ''), 'track', nullif(" r ".track, ''),"                         \
    " 'branch', nullif(" r ".branch, ''), 'store', nullif(" r ".store, ''),"                       \
    " 'series', nullif(" r ".series, ''), 'os', nullif(" r ".os, ''),"                             \
    " 'release', nullif(" r ".release, ''), 'owner', nullif(" r ".owner, '')"

/* ArtefactMatchingRuleInResponse of rule r (inside a team). */
#define TO_SQL_AMR_IN_TEAM_JSON(r)                                                                 \
    "json_build_object(" TO_SQL_AMR_HEAD(r) ", 'grant_permissions', to_json(" r                    \
                                            ".grant_permissions))"

/* ArtefactMatchingRuleResponse of rule r, with its teams by id. */
#define TO_SQL_AMR_JSON(r)                                                                         \
    "json_build_object(" TO_SQL_AMR_HEAD(                                                          \
        r) ", 'teams', coalesce((SELECT json_agg(json_build_object('id', t.id, 'name', t.name)"    \
           " ORDER BY t.id) FROM artefact_matching_rule_team_association x JOIN team t"            \
           " ON t.id = x.team_id WHERE x.artefact_matching_rule_id = " r ".id), '[]'::json),"      \
           " 'grant_permissions', to_json(" r ".grant_permissions))"

/* Writers of rules that check before they write (a team's rules replaced,
 * a rule patched) take turns: two replacements naming the same new rules in
 * different orders would otherwise deadlock, and a patch's check for a rule
 * with the same match fields could miss one being created. Taken before any
 * existing row is locked. */
#define TO_SQL_AMR_SERIALISE                                                                       \
    "SELECT pg_advisory_xact_lock(hashtext('testobserver'), hashtext('artefact_matching_rule'))"

/* The first id of a JSON array of team ids (bound once) that names no
 * team, in the array's order; no row when all exist. */
#define TO_SQL_FIRST_MISSING_TEAM                                                                  \
    "SELECT x.id FROM json_array_elements_text(%s::json) WITH ORDINALITY AS x(id, i)"              \
    " WHERE NOT EXISTS (SELECT 1 FROM team t WHERE t.id = x.id::int) ORDER BY x.i LIMIT 1"

#endif
