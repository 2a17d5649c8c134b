/* Reviewer assignment for start-test's needs_assignment, as upstream does
 * it: candidates are the members of the teams linked to the most specific
 * matching rules of the artefact (those with the most non-empty fields);
 * the artefact should have one reviewer per 50 test executions of its
 * latest builds, and gets as many new ones as that lacks, drawn at random;
 * new reviewers bring a due date (ten days on, none for kernels) and a
 * notification each. Then every environment review of the latest builds
 * without one of the artefact's reviewers gets one, the least loaded
 * reviewers first, each taken up to an even share of the reviews (the last
 * one takes what is left, so with reviews already held a reviewer may end
 * above it, as upstream's).
 *
 * Three statements whatever the numbers: draw, read the reviews, assign
 * them. */
#include <string.h>

#include <httpd.h>

#include "../json/to_json.h"
#include "../model/to_review_share.h"
#include "to_amr.h"
#include "to_reviewers.h"
#include "to_sql_json.h"

#define ENVIRONMENTS_PER_REVIEWER "50"

/* clang-format off */

/* How specific rule m is: how many of its fields are set. */
#define SQL_SPECIFICITY(m)                                                                         \
    "((" m ".stage <> '')::int + (" m ".track <> '')::int + (" m ".branch <> '')::int"             \
    " + (" m ".name <> '')::int + (" m ".store <> '')::int + (" m ".series <> '')::int"            \
    " + (" m ".os <> '')::int + (" m ".release <> '')::int + (" m ".owner <> '')::int)"

/* Parameters: the artefact id, the front-end URL. */
#define SQL_DRAW                                                                                   \
    "WITH p AS (SELECT %s::int AS aid),"                                                           \
    " a AS (SELECT art.* FROM artefact art, p WHERE art.id = p.aid),"                              \
    " cur AS (SELECT x.user_id FROM artefact_reviewers_association x, p"                           \
    " WHERE x.artefact_id = p.aid),"                                                               \
    " matching AS (SELECT m.id, " SQL_SPECIFICITY("m") " AS spec"                                  \
    " FROM artefact_matching_rule m, a WHERE " TO_SQL_AMR_MATCHES("m", "a") "),"                   \
    " best AS (SELECT id FROM matching WHERE spec = (SELECT max(spec) FROM matching)),"            \
    " cand AS (SELECT DISTINCT tu.user_id FROM best"                                               \
    " JOIN artefact_matching_rule_team_association mt ON mt.artefact_matching_rule_id = best.id"   \
    " JOIN team_users_association tu ON tu.team_id = mt.team_id"                                   \
    " WHERE tu.user_id NOT IN (SELECT user_id FROM cur)),"                                         \
    " need AS (SELECT greatest(0, (count(te.id) + " ENVIRONMENTS_PER_REVIEWER " - 1) / "           \
    ENVIRONMENTS_PER_REVIEWER " - (SELECT count(*) FROM cur)) AS n"                                \
    " FROM " TO_SQL_LATEST_BUILDS("(SELECT aid FROM p)") " lb"                                     \
    " JOIN test_execution te ON te.artefact_build_id = lb.id),"                                    \
    " picked AS (SELECT user_id FROM cand ORDER BY random() LIMIT (SELECT n FROM need)),"          \
    " added AS (INSERT INTO artefact_reviewers_association (artefact_id, user_id)"                 \
    " SELECT p.aid, picked.user_id FROM picked, p ON CONFLICT DO NOTHING"                          \
    " RETURNING artefact_id, user_id),"                                                            \
    " due AS (UPDATE artefact SET due_date = CASE WHEN left(name, 6) = 'linux-'"                   \
    " OR right(name, 7) = '-kernel' THEN NULL ELSE current_date + 10 END"                          \
    " WHERE id = (SELECT aid FROM p) AND EXISTS (SELECT 1 FROM added))"                            \
    TO_SQL_REVIEW_NOTES("added", "ORDER BY n.user_id")

/* The artefact's reviewers with how many of the environment reviews of its
 * latest builds each holds (fewest first), and those reviews in order with
 * whether one of the artefact's reviewers holds them. Parameter: the
 * artefact id. */
#define SQL_STATE                                                                                  \
    "WITH p AS (SELECT %s::int AS aid),"                                                           \
    " cur AS (SELECT x.user_id FROM artefact_reviewers_association x, p"                           \
    " WHERE x.artefact_id = p.aid),"                                                               \
    " rev AS (SELECT r.id, lb.first_id, EXISTS (SELECT 1 FROM"                                     \
    " environment_review_reviewers_association er WHERE er.environment_review_id = r.id"           \
    " AND er.user_id IN (SELECT user_id FROM cur)) AS held"                                        \
    " FROM " TO_SQL_LATEST_BUILDS("(SELECT aid FROM p)") " lb"                                     \
    " JOIN artefact_build_environment_review r ON r.artefact_build_id = lb.id)"                    \
    " SELECT (SELECT coalesce(json_agg(json_build_array(c.user_id, c.n) ORDER BY c.n, c.user_id),"  \
    " '[]'::json) FROM (SELECT cur.user_id, (SELECT count(*) FROM rev"                             \
    " JOIN environment_review_reviewers_association er ON er.environment_review_id = rev.id"       \
    " WHERE er.user_id = cur.user_id) AS n FROM cur) c),"                                          \
    " (SELECT coalesce(json_agg(json_build_array(rev.id, rev.held) ORDER BY rev.first_id, rev.id),"\
    " '[]'::json) FROM rev)"

/* Each review of the list [[review, user], ...] gets that user as its only
 * reviewer. */
#define SQL_ASSIGN                                                                                 \
    "WITH x AS (SELECT (e->>0)::int AS review, (e->>1)::int AS uid"                                \
    " FROM json_array_elements(%s::json) e),"                                                      \
    " gone AS (DELETE FROM environment_review_reviewers_association er USING x"                    \
    " WHERE er.environment_review_id = x.review AND er.user_id <> x.uid)"                          \
    " INSERT INTO environment_review_reviewers_association (environment_review_id, user_id)"       \
    " SELECT review, uid FROM x ON CONFLICT DO NOTHING"

/* clang-format on */

const to_sql_t to_sql_reviewers[] = {
    {"rv_draw", SQL_DRAW}, {"rv_state", SQL_STATE}, {"rv_assign", SQL_ASSIGN}, {NULL, NULL}};

static json_object *parsed(to_req_t *tr, const char *text)
{
    to_json_parse_t p;

    if (!text || to_json_parse(tr->pool, text, strlen(text), &p) != APR_SUCCESS ||
        !json_object_is_type(p.value, json_type_array)) {
        return NULL;
    }
    return p.value;
}

/* The [[review, user], ...] list of the reviews nobody of the artefact
 * holds, shared out; NULL when there is none. */
static const char *share_out(to_req_t *tr, json_object *reviewers, json_object *reviews)
{
    int nrev = (int)json_object_array_length(reviewers);
    int nenv = (int)json_object_array_length(reviews);
    json_object *out;
    long *load;
    int *held, *choice, i;

    if (nrev == 0 || nenv == 0) {
        return NULL;
    }
    load = apr_pcalloc(tr->pool, (apr_size_t)nrev * sizeof(*load));
    held = apr_pcalloc(tr->pool, (apr_size_t)nenv * sizeof(*held));
    choice = apr_pcalloc(tr->pool, (apr_size_t)nenv * sizeof(*choice));
    for (i = 0; i < nrev; i++) {
        load[i] = (long)json_object_get_int64(
            json_object_array_get_idx(json_object_array_get_idx(reviewers, i), 1));
    }
    for (i = 0; i < nenv; i++) {
        held[i] = json_object_get_boolean(
            json_object_array_get_idx(json_object_array_get_idx(reviews, i), 1));
    }
    if (to_review_share(load, nrev, held, nenv, choice) == 0) {
        return NULL;
    }
    out = to_json_own(tr->pool, json_object_new_array());
    for (i = 0; i < nenv; i++) {
        json_object *pair;

        if (choice[i] < 0) {
            continue;
        }
        pair = json_object_new_array();
        json_object_array_add(pair, json_object_get(json_object_array_get_idx(
                                        json_object_array_get_idx(reviews, i), 0)));
        json_object_array_add(pair, json_object_get(json_object_array_get_idx(
                                        json_object_array_get_idx(reviewers, choice[i]), 0)));
        json_object_array_add(out, pair);
    }
    return to_json_text(tr->pool, out);
}

int to_assign_reviewers(to_req_t *tr, const char *artefact_id)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    json_object *reviewers = NULL, *reviews = NULL;
    const char *assign;
    int rv;

    /* one assignment at a time per artefact: start-test's upsert of the
     * artefact holds its row lock until the transaction ends */
    if ((rv = to_db_exec(tr, "rv_draw", NULL, artefact_id, to_config_frontend_url(tr->conf))) !=
            OK ||
        (rv = to_db_select(tr, "rv_state", &res, artefact_id)) != OK) {
        return rv;
    }
    while (to_db_next(tr, res, &row) == 0) {
        reviewers = parsed(tr, to_db_col(tr, row, 0));
        reviews = parsed(tr, to_db_col(tr, row, 1));
    }
    if (!reviewers || !reviews || !(assign = share_out(tr, reviewers, reviews))) {
        return OK;
    }
    return to_db_exec(tr, "rv_assign", NULL, assign);
}
