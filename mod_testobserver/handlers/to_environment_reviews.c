/* /v1/artefacts/{artefact_id}/environment-reviews: the review decision of
 * each environment an artefact's latest builds were tested in. */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_dashboard.h"
#include "to_handlers.h"
#include "to_sql_json.h"

#define REVIEWER_U TO_SQL_REVIEWER_JSON("u")

/* ArtefactBuildEnvironmentReviewResponse of review er. */
#define REVIEW_JSON(er)                                                                            \
    "json_build_object('id', " er ".id, 'review_decision', to_json(" er ".review_decision),"       \
    " 'review_comment', " er ".review_comment,"                                                    \
    " 'environment', (SELECT json_build_object('id', e.id, 'name', e.name,"                        \
    " 'architecture', e.architecture) FROM environment e WHERE e.id = " er ".environment_id),"     \
    " 'artefact_build', (SELECT json_build_object('id', b.id, 'architecture', b.architecture,"     \
    " 'revision', b.revision) FROM artefact_build b WHERE b.id = " er ".artefact_build_id),"       \
    " 'reviewers', coalesce((SELECT json_agg(" REVIEWER_U " ORDER BY u.id)"                        \
    " FROM environment_review_reviewers_association x JOIN app_user u ON u.id = x.user_id"         \
    " WHERE x.environment_review_id = " er ".id), '[]'::json))"
#define REVIEW_ER REVIEW_JSON("er")
#define LATEST_OF_A TO_SQL_LATEST_BUILDS("a.id")

/* The reviews of the latest build of each architecture, in the order of
 * the builds' first appearance; NULL for an unknown artefact. */
#define SQL_REVIEWS_GET                                                                            \
    "SELECT CASE WHEN a.id IS NULL THEN NULL ELSE coalesce((SELECT json_agg(" REVIEW_ER            \
    " ORDER BY lb.first_id, er.id) FROM " LATEST_OF_A " lb"                                        \
    " JOIN artefact_build_environment_review er ON er.artefact_build_id = lb.id), '[]'::json)"     \
    " END FROM (SELECT %s::int AS wanted) w LEFT JOIN artefact a ON a.id = w.wanted"

/* A batch of patches: i (position), id, d (decision list), c (comment);
 * d and c are absent when not given or null. */
#define SQL_BATCH "json_to_recordset(%s::json) AS r(i int, id int, d json, c text)"

/* The reviews a batch names that belong to the artefact, locked in id
 * order so that concurrent batches cannot deadlock. */
#define SQL_REVIEWS_LOCK                                                                           \
    "SELECT er.id FROM artefact_build_environment_review er"                                       \
    " JOIN artefact_build b ON b.id = er.artefact_build_id"                                        \
    " WHERE er.id IN (SELECT r.id FROM " SQL_BATCH ") AND b.artefact_id = %s::int"                 \
    " ORDER BY er.id FOR UPDATE OF er"

/* The last value given for each field of a review wins; a review whose
 * values do not change keeps its updated_at. */
#define SQL_REVIEWS_UPDATE                                                                         \
    "UPDATE artefact_build_environment_review er SET review_decision = coalesce(f.d,"              \
    " er.review_decision), review_comment = coalesce(f.c, er.review_comment), updated_at = now()"  \
    " FROM (SELECT g.id, CASE WHEN g.d IS NULL THEN NULL ELSE ARRAY(SELECT"                        \
    " x.v::artefactbuildenvironmentreviewdecision FROM json_array_elements_text(g.d)"              \
    " WITH ORDINALITY AS x(v, n) ORDER BY x.n) END AS d, g.c FROM (SELECT r.id,"                   \
    " (array_agg(r.d ORDER BY r.i DESC) FILTER (WHERE r.d IS NOT NULL))[1] AS d,"                  \
    " (array_agg(r.c ORDER BY r.i DESC) FILTER (WHERE r.c IS NOT NULL))[1] AS c"                   \
    " FROM " SQL_BATCH " GROUP BY r.id) g) f, artefact_build b"                                    \
    " WHERE er.id = f.id AND b.id = er.artefact_build_id AND b.artefact_id = %s::int"              \
    " AND (coalesce(f.d, er.review_decision), coalesce(f.c, er.review_comment))"                   \
    " IS DISTINCT FROM (er.review_decision, er.review_comment)"

/* The reviews of a batch in its order, once per mention, skipping the
 * reviews of other artefacts and unknown ids. */
#define SQL_REVIEWS_OF_BATCH                                                                       \
    "SELECT coalesce(json_agg(" REVIEW_ER " ORDER BY r.i), '[]'::json) FROM " SQL_BATCH            \
    " JOIN artefact_build_environment_review er ON er.id = r.id"                                   \
    " JOIN artefact_build b ON b.id = er.artefact_build_id WHERE b.artefact_id = %s::int"

const to_sql_t to_sql_environment_reviews[] = {
    {"env_reviews_get", SQL_REVIEWS_GET},
    {"env_reviews_lock", SQL_REVIEWS_LOCK},
    {"env_reviews_update", SQL_REVIEWS_UPDATE},
    {"env_reviews_of_batch", SQL_REVIEWS_OF_BATCH},
    {"env_review_owner",
     "SELECT b.artefact_id FROM artefact_build_environment_review er"
     " JOIN artefact_build b ON b.id = er.artefact_build_id WHERE er.id = %s::int"},
    {"env_review_get",
     "SELECT " REVIEW_ER " FROM artefact_build_environment_review er WHERE er.id = %s::int"},
    {NULL, NULL}};

/* ArtefactBuildEnvironmentReviewDecision, in upstream's order */
static const char *const decisions[] = {"REJECTED",
                                        "APPROVED_INCONSISTENT_TEST",
                                        "APPROVED_UNSTABLE_PHYSICAL_INFRA",
                                        "APPROVED_CUSTOMER_PREREQUISITE_FAIL",
                                        "APPROVED_FAULTY_HARDWARE",
                                        "APPROVED_ALL_TESTS_PASS",
                                        NULL};

static int json_int(json_object *v)
{
    const char *type;
    int n = 0;

    if (json_object_is_type(v, json_type_string)) {
        to_parse_int32(json_object_get_string(v), &n, &type);
        return n;
    }
    if (json_object_is_type(v, json_type_double)) {
        return (int)json_object_get_double(v);
    }
    return (int)json_object_get_int64(v);
}

/* review_decision: a list of decisions where REJECTED stands alone. */
static json_object *check_decision(to_req_t *tr, json_object *loc, json_object *v)
{
    int before = to_verr_count(&tr->verr), rejected = 0;
    size_t i, n;
    json_object *list;

    if (!json_object_is_type(v, json_type_array)) {
        to_verr_add(&tr->verr, "list_type", loc, "Input should be a valid list", v, NULL);
        return NULL;
    }
    n = json_object_array_length(v);
    for (i = 0; i < n; i++) {
        json_object *d = json_object_array_get_idx(v, i);
        int k = json_object_is_type(d, json_type_string)
                    ? to_enum_index(decisions, json_object_get_string(d))
                    : -1;

        if (k < 0) {
            to_verr_enum(&tr->verr, to_loc_index(&tr->verr, loc, (int)i), d, decisions);
        }
        rejected |= k == 0;
    }
    if (to_verr_count(&tr->verr) > before) {
        return NULL;
    }
    if (n > 1 && rejected) {
        to_verr_value_error(&tr->verr, loc, "Environment review can either be rejected or approved",
                            v);
        return NULL;
    }
    list = json_object_new_array();
    for (i = 0; i < n; i++) {
        json_object_array_add(list, json_object_get(json_object_array_get_idx(v, i)));
    }
    return list;
}

/* Validates one EnvironmentReviewPatch, field by field in pydantic's order,
 * into row (keys id, d, c, each only when given and not null). *id is -1
 * when the patch names no review. Returns 1 when valid. */
static int check_patch(to_req_t *tr, json_object *loc, json_object *item, json_object *row, int *id)
{
    static const to_field_t id_field = {"id", TO_T_INT, 0, 0, NULL};
    static const to_field_t comment_field = {"review_comment", TO_T_STR, 0, 0, NULL};
    int before = to_verr_count(&tr->verr);
    json_object *v, *d;

    *id = -1;
    if (!json_object_is_type(item, json_type_object)) {
        to_verr_add(&tr->verr, "model_attributes_type", loc,
                    "Input should be a valid dictionary or object to extract fields from", item,
                    NULL);
        return 0;
    }
    if ((v = to_json_get(item, "id", NULL)) != NULL &&
        to_validate_value(&tr->verr, to_loc_key(&tr->verr, loc, "id"), v, &id_field)) {
        *id = json_int(v);
        json_object_object_add(row, "id", json_object_new_int(*id));
    }
    if ((v = to_json_get(item, "review_decision", NULL)) != NULL &&
        (d = check_decision(tr, to_loc_key(&tr->verr, loc, "review_decision"), v)) != NULL) {
        json_object_object_add(row, "d", d);
    }
    if ((v = to_json_get(item, "review_comment", NULL)) != NULL &&
        to_validate_value(&tr->verr, to_loc_key(&tr->verr, loc, "review_comment"), v,
                          &comment_field)) {
        json_object_object_add(row, "c", json_object_get(v));
    }
    return to_verr_count(&tr->verr) == before;
}

static const char *artefact_not_found(to_req_t *tr, int id)
{
    return apr_psprintf(tr->pool, "Artefact with id %d not found", id);
}

static const char *review_not_found(to_req_t *tr, int id)
{
    return apr_psprintf(tr->pool, "Environment review %d doesn't exist", id);
}

int to_h_env_reviews_get(to_req_t *tr)
{
    int id = to_path_id(tr, "artefact_id");

    TO_CHECKED(tr);
    return to_answer_query(tr, artefact_not_found(tr, id), "env_reviews_get",
                           apr_itoa(tr->pool, id));
}

/* Applies a validated batch to the artefact's reviews and answers them. */
static int apply_batch(to_req_t *tr, const char *batch, const char *artefact)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *json;
    int rv;

    if ((rv = to_db_begin(tr)) != OK ||
        (rv = to_db_select(tr, "env_reviews_lock", &res, batch, artefact)) != OK) {
        return rv;
    }
    while (to_db_next(tr, res, &row) == 0) {
    }
    if ((rv = to_db_exec(tr, "env_reviews_update", NULL, batch, artefact)) != OK ||
        (rv = to_db_select(tr, "env_reviews_of_batch", &res, batch, artefact)) != OK) {
        return rv;
    }
    json = to_db_first(tr, res);
    if ((rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    return to_answer_text(tr, HTTP_OK, json ? json : "[]", json ? strlen(json) : 2);
}

int to_h_env_reviews_patch(to_req_t *tr)
{
    int artefact_id = to_path_id(tr, "artefact_id");
    json_object *body, *bloc = to_loc(&tr->verr, "body");
    json_object *batch = to_json_own(tr->pool, json_object_new_array());
    size_t i, n;
    int rv;

    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body && !json_object_is_type(body, json_type_array)) {
        to_verr_add(&tr->verr, "list_type", bloc, "Input should be a valid list", body, NULL);
    }
    else if (body) {
        n = json_object_array_length(body);
        for (i = 0; i < n; i++) {
            json_object *row = json_object_new_object();
            int id;

            json_object_object_add(row, "i", json_object_new_int((int)i));
            if (check_patch(tr, to_loc_index(&tr->verr, bloc, (int)i),
                            json_object_array_get_idx(body, i), row, &id) &&
                id >= 0) {
                json_object_array_add(batch, row);
            }
            else {
                /* a patch without id changes nothing */
                json_object_put(row);
            }
        }
    }
    TO_CHECKED(tr);

    if (json_object_array_length(batch) == 0) {
        return to_answer_text(tr, HTTP_OK, "[]", 2);
    }
    return apply_batch(tr, to_json_text(tr->pool, batch), apr_itoa(tr->pool, artefact_id));
}

int to_h_env_review_patch(to_req_t *tr)
{
    int artefact_id = to_path_id(tr, "artefact_id");
    int review_id = to_path_id(tr, "review_id");
    json_object *body, *batch = to_json_own(tr->pool, json_object_new_array());
    json_object *row = json_object_new_object();
    const char *owner, *ids, *text;
    int rv, ignored;

    json_object_array_add(batch, row);
    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        check_patch(tr, to_loc(&tr->verr, "body"), body, row, &ignored);
    }
    TO_CHECKED(tr);

    /* the path names the review; an id in the body is ignored */
    ids = apr_itoa(tr->pool, review_id);
    json_object_object_add(row, "i", json_object_new_int(0));
    json_object_object_add(row, "id", json_object_new_int(review_id));
    owner = to_db_value(tr, &rv, "env_review_owner", ids);
    if (!owner) {
        return rv != OK ? rv
                        : to_answer_detail(tr, HTTP_NOT_FOUND, review_not_found(tr, review_id));
    }
    if (atoi(owner) != artefact_id) {
        return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY,
                                apr_psprintf(tr->pool,
                                             "Environment review %d doesn't belong to artefact %d",
                                             review_id, artefact_id));
    }
    text = to_json_text(tr->pool, batch);
    if ((rv = to_db_exec(tr, "env_reviews_update", NULL, text, owner)) != OK) {
        return rv;
    }
    return to_answer_query(tr, review_not_found(tr, review_id), "env_review_get", ids);
}
