/* Grants through artefact matching rules: a signed-in user lacking a
 * permission still holds it for an artefact when a matching rule linked to
 * one of the user's teams matches the artefact and grants the permission.
 * A change that touches several artefacts needs that for every one of them
 * (all or nothing), checked in one statement whatever their number. */
#ifndef TO_AMR_H
#define TO_AMR_H

#include "to_handlers.h"

/* A rule m matches artefact a: the same family, and every other field
 * either empty or equal. */
#define TO_SQL_AMR_MATCHES(m, a)                                                                   \
    m ".family = " a ".family AND " m ".stage IN ('', " a ".stage) AND " m ".track IN ('', " a     \
      ".track) AND " m ".branch IN ('', " a ".branch) AND " m ".name IN ('', " a ".name) AND " m   \
      ".store IN ('', " a ".store) AND " m ".series IN ('', " a ".series) AND " m ".os IN ('', " a \
      ".os) AND " m ".release IN ('', " a ".release) AND " m ".owner IN ('', " a ".owner)"

/* The tail of a statement (or the body of a later CTE) whose earlier CTEs
 * end with "subject(artefact_id)": one row, true when every subject
 * artefact is granted; its two parameters come next: the user's id, the
 * permission. */
#define TO_SQL_AMR_GRANTED                                                                         \
    " SELECT coalesce(bool_and(EXISTS (SELECT 1 FROM artefact_matching_rule m"                     \
    " JOIN artefact_matching_rule_team_association mt ON mt.artefact_matching_rule_id = m.id"      \
    " JOIN team_users_association tu ON tu.team_id = mt.team_id"                                   \
    " WHERE tu.user_id = u.id AND u.perm = ANY (m.grant_permissions)"                              \
    " AND " TO_SQL_AMR_MATCHES("m",                                                                \
                               "a") ")), true)"                                                    \
                                    " FROM subject s JOIN artefact a ON a.id = s.artefact_id,"     \
                                    " (SELECT %s::int AS id, %s::permission AS perm) u"

/* upstream's check for a change to artefacts: OK when the caller holds perm
 * (admin, teams, application, or TestObserverIgnorePermissions), or when a
 * signed-in user's matching rules grant it for every artefact that the
 * statement label selects from subject (its first parameter; see
 * TO_SQL_AMR_GRANTED). Otherwise 403 with upstream's detail. */
int to_amr_permitted(to_req_t *tr, const char *perm, const char *label, const char *subject);

/* The answer to what a grant statement returned (TO_SQL_AMR_GRANTED's
 * row, NULL for none): OK when granted, else 403 with upstream's detail. */
int to_amr_answer(to_req_t *tr, const char *granted);

#endif
