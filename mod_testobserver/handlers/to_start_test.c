/* PUT /v1/test-executions/start-test: find or create the artefact, its
 * build, the environment, the test plan and the environment review, then
 * the test execution (one per ci_link), in one transaction. */
#include <string.h>

#include <httpd.h>
#include <http_protocol.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_handlers.h"
#include "to_reviewers.h"

/* Every artefact column that start-test fills; the rest keep defaults. */
#define SQL_ARTEFACT_INSERT                                                                        \
    "INSERT INTO artefact (family, name, version, stage, track, store, branch, series, repo,"      \
    " source, os, release, sha256, owner, image_url, bundled_builds_hash, status, comment,"        \
    " archived, bug_link, created_at, updated_at) VALUES (%s::familyname, %s, %s, %s, %s, %s, %s," \
    " %s, %s, %s, %s, %s, %s, %s, %s, %s, 'UNDECIDED', '', false, '', now(), now())"

/* One upsert per family: each family's unique index names the artefact.
 * DO UPDATE (setting a column to its own value) returns the row even when
 * another request created it a moment ago, and changes nothing: an existing
 * artefact keeps every field. */
#define SQL_ARTEFACT_UPSERT(target)                                                                \
    SQL_ARTEFACT_INSERT " ON CONFLICT " target                                                     \
                        " DO UPDATE SET family = artefact.family RETURNING id"

const to_sql_t to_sql_start_test[] = {
    {"st_artefact_snap",
     SQL_ARTEFACT_UPSERT("(name, version, track, branch) WHERE family = 'snap'::familyname")},
    {"st_artefact_deb", SQL_ARTEFACT_UPSERT("(name, version, series, repo, source)"
                                            " WHERE family = 'deb'::familyname")},
    {"st_artefact_charm",
     SQL_ARTEFACT_UPSERT("(name, version, track, branch) WHERE family = 'charm'::familyname")},
    {"st_artefact_image", SQL_ARTEFACT_UPSERT("(sha256) WHERE family = 'image'::familyname")},
    {"st_artefact_solution",
     SQL_ARTEFACT_UPSERT("(name, source, version, track, stage, bundled_builds_hash)"
                         " WHERE family = 'solution'::familyname")},
    {"st_image_find",
     "SELECT a.id, (SELECT string_agg(DISTINCT b.architecture, ',') FROM artefact_build b"
     " WHERE b.artefact_id = a.id) FROM artefact a WHERE a.family = 'image' AND a.sha256 = %s"},
    {"st_environment", "INSERT INTO environment (name, architecture, created_at, updated_at)"
                       " VALUES (%s, %s, now(), now()) ON CONFLICT (name, architecture)"
                       " DO UPDATE SET name = EXCLUDED.name RETURNING id"},
    {"st_build_revision",
     "INSERT INTO artefact_build (architecture, revision, artefact_id, created_at, updated_at)"
     " VALUES (%s, %s::int, %s::int, now(), now()) ON CONFLICT (artefact_id, architecture,"
     " revision) WHERE revision IS NOT NULL DO UPDATE SET architecture = EXCLUDED.architecture"
     " RETURNING id"},
    {"st_build",
     "INSERT INTO artefact_build (architecture, revision, artefact_id, created_at, updated_at)"
     " VALUES (%s, NULL, %s::int, now(), now()) ON CONFLICT (artefact_id, architecture)"
     " WHERE revision IS NULL DO UPDATE SET architecture = EXCLUDED.architecture RETURNING id"},
    {"st_review",
     "INSERT INTO artefact_build_environment_review (review_decision, review_comment,"
     " environment_id, artefact_build_id, created_at, updated_at) VALUES ('{}', '', %s::int,"
     " %s::int, now(), now()) ON CONFLICT (artefact_build_id, environment_id) DO NOTHING"},
    {"st_test_plan",
     "INSERT INTO test_plan (name, created_at, updated_at) VALUES (%s, now(), now())"
     " ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id"},
    {"st_execution_ci",
     "INSERT INTO test_execution (ci_link, status, environment_id, artefact_build_id,"
     " test_plan_id, created_at, updated_at) VALUES (%s, %s::testexecutionstatus, %s::int,"
     " %s::int, %s::int, now(), now()) ON CONFLICT (ci_link) DO UPDATE SET ci_link ="
     " EXCLUDED.ci_link RETURNING id"},
    {"st_execution",
     "INSERT INTO test_execution (ci_link, status, environment_id, artefact_build_id,"
     " test_plan_id, created_at, updated_at) VALUES (NULL, %s::testexecutionstatus, %s::int,"
     " %s::int, %s::int, now(), now()) RETURNING id"},
    {"st_links",
     "INSERT INTO test_execution_relevant_link (test_execution_id, label, url, created_at,"
     " updated_at) SELECT %s::int, l.label, l.url, now(), now() FROM ROWS FROM"
     " (json_to_recordset(%s::json) AS (label text, url text)) WITH ORDINALITY AS l(label, url, i)"
     " ORDER BY l.i"},
    {"st_rerun_done",
     "DELETE FROM test_execution_rerun_request r USING test_execution te WHERE te.id = %s::int"
     " AND r.test_plan_id = te.test_plan_id AND r.artefact_build_id = te.artefact_build_id"
     " AND r.environment_id = te.environment_id"},
    {NULL, NULL}};

/* SHA-256 of the empty list of bundled builds: what a new solution gets. */
#define EMPTY_BUNDLE_HASH "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

enum { SNAP, DEB, CHARM, IMAGE, SOLUTION };

/* Fields in pydantic's order: the shared ones, then the family's own. */
#define COMMON_FIELDS(req)                                                                         \
    {"name", TO_T_STR, req, 200, NULL}, {"version", TO_T_STR, req, 0, NULL},                       \
        {"arch", TO_T_STR, req, 100, NULL}, {"environment", TO_T_STR, TO_REQUIRED, 200, NULL},     \
        {"ci_link", TO_T_STR, TO_NULLABLE, 200, NULL},                                             \
        {"test_plan", TO_T_STR, TO_REQUIRED, 200, NULL},                                           \
        {"initial_status", TO_T_ENUM, 0, 0, to_execution_statuses},                                \
        {"relevant_links", TO_T_LIST, 0, 0, NULL}, {"needs_assignment", TO_T_BOOL, 0, 0, NULL},    \
    {                                                                                              \
        "family", TO_T_ANY, 0, 0, NULL                                                             \
    }

static const to_field_t snap_fields[] = {
    COMMON_FIELDS(TO_REQUIRED),
    {"revision", TO_T_INT, TO_REQUIRED, 0, NULL},
    {"track", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"store", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"branch", TO_T_STR, 0, 200, NULL},
    {"execution_stage", TO_T_ENUM, TO_REQUIRED, 0, to_stages_snap},
};
static const to_field_t deb_fields[] = {
    COMMON_FIELDS(TO_REQUIRED),
    {"series", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"repo", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"source", TO_T_STR, 0, 200, NULL},
    {"execution_stage", TO_T_ANY, 0, 0, NULL}, /* DebStage | "": checked below */
};
static const to_field_t charm_fields[] = {
    COMMON_FIELDS(TO_REQUIRED),
    {"revision", TO_T_INT, TO_REQUIRED, 0, NULL},
    {"track", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"branch", TO_T_STR, 0, 200, NULL},
    {"execution_stage", TO_T_ENUM, TO_REQUIRED, 0, to_stages_charm},
};
/* An image is known by its sha256; the rest is needed only to create it. */
static const to_field_t image_fields[] = {
    {"name", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"version", TO_T_STR, TO_NULLABLE, 0, NULL},
    {"arch", TO_T_STR, TO_NULLABLE, 100, NULL},
    {"environment", TO_T_STR, TO_REQUIRED, 200, NULL},
    {"ci_link", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"test_plan", TO_T_STR, TO_REQUIRED, 200, NULL},
    {"initial_status", TO_T_ENUM, 0, 0, to_execution_statuses},
    {"relevant_links", TO_T_LIST, 0, 0, NULL},
    {"needs_assignment", TO_T_BOOL, 0, 0, NULL},
    {"family", TO_T_ANY, 0, 0, NULL},
    {"execution_stage", TO_T_ENUM, TO_NULLABLE, 0, to_stages_image},
    {"os", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"release", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"sha256", TO_T_STR, TO_REQUIRED, 200, NULL},
    {"owner", TO_T_STR, TO_NULLABLE, 200, NULL},
    {"image_url", TO_T_URL, TO_NULLABLE, 0, NULL},
};
static const to_field_t solution_fields[] = {
    COMMON_FIELDS(TO_REQUIRED),
    {"track", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"source", TO_T_STR, TO_REQUIRED, 200, NULL},
    {"execution_stage", TO_T_ENUM, TO_REQUIRED, 0, to_stages_solution},
};

static const struct {
    const to_field_t *fields;
    int n;
    const char *upsert;
} families[] = {
    {snap_fields, TO_NELTS(snap_fields), "st_artefact_snap"},
    {deb_fields, TO_NELTS(deb_fields), "st_artefact_deb"},
    {charm_fields, TO_NELTS(charm_fields), "st_artefact_charm"},
    {image_fields, TO_NELTS(image_fields), "st_artefact_image"},
    {solution_fields, TO_NELTS(solution_fields), "st_artefact_solution"},
};

static const to_field_t link_fields[] = {
    {"label", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"url", TO_T_URL, TO_REQUIRED, 0, NULL},
};

/* The discriminated union: the family picks the model, as pydantic does. */
static int family_of(to_req_t *tr, json_object *body, json_object *bloc)
{
    json_object *tag, *ctx;
    const char *expected = "<FamilyName.snap: 'snap'>, <FamilyName.deb: 'deb'>, <FamilyName.charm:"
                           " 'charm'>, <FamilyName.image: 'image'>, <FamilyName.solution:"
                           " 'solution'>";
    int present, family;

    if (!json_object_is_type(body, json_type_object)) {
        to_verr_add(&tr->verr, "model_attributes_type", bloc,
                    "Input should be a valid dictionary or object to extract fields from", body,
                    NULL);
        return -1;
    }
    tag = to_json_get(body, "family", &present);
    if (!present) {
        ctx = json_object_new_object();
        json_object_object_add(ctx, "discriminator", json_object_new_string("'family'"));
        to_verr_add(&tr->verr, "union_tag_not_found", bloc,
                    "Unable to extract tag using discriminator 'family'", body, ctx);
        return -1;
    }
    family = json_object_is_type(tag, json_type_string)
                 ? to_enum_index(to_families, json_object_get_string(tag))
                 : -1;
    if (family < 0) {
        const char *t = json_object_is_type(tag, json_type_string) ? json_object_get_string(tag)
                                                                   : to_json_text(tr->pool, tag);
        ctx = json_object_new_object();
        json_object_object_add(ctx, "discriminator", json_object_new_string("'family'"));
        json_object_object_add(ctx, "tag", json_object_new_string(t));
        json_object_object_add(ctx, "expected_tags", json_object_new_string(expected));
        to_verr_add(&tr->verr, "union_tag_invalid", bloc,
                    apr_psprintf(tr->pool,
                                 "Input tag '%s' found using 'family' does not match any of the "
                                 "expected tags: %s",
                                 t, expected),
                    body, ctx);
        return -1;
    }
    return family;
}

typedef struct {
    int family;
    to_obj_t obj;
    const char *links; /* JSON text of the relevant links, or NULL */
} start_t;

/* Checks the links and returns them as JSON text for the SQL. */
static const char *checked_links(to_req_t *tr, json_object *loc, json_object *list)
{
    json_object *out;
    size_t i, n;

    if (!list || json_object_array_length(list) == 0) {
        return NULL;
    }
    out = to_json_own(tr->pool, json_object_new_array());
    n = json_object_array_length(list);
    for (i = 0; i < n; i++) {
        to_obj_t link;
        json_object *row;

        to_validate_object(&tr->verr, to_loc_index(&tr->verr, loc, (int)i),
                           json_object_array_get_idx(list, i), link_fields, TO_NELTS(link_fields),
                           &link);
        if (!link.ok) {
            continue;
        }
        row = json_object_new_object();
        json_object_object_add(row, "label", to_json_str(to_obj_str(&link, "label", "")));
        json_object_object_add(
            row, "url", to_json_str(to_normal_http_url(tr->pool, to_obj_str(&link, "url", ""))));
        json_object_array_add(out, row);
    }
    return to_json_text(tr->pool, out);
}

/* execution_stage is DebStage | "": pydantic reports a miss against each
 * member. Then one of source and execution_stage must be given. */
static void deb_rules(to_req_t *tr, json_object *body, json_object *floc, const to_obj_t *o)
{
    const char *source = to_obj_str(o, "source", "");
    const char *stage = "";
    json_object *v = to_obj_get(o, "execution_stage");

    if (to_obj_given(o, "execution_stage")) {
        stage = v ? json_object_get_string(v) : NULL;
        if (!v || !json_object_is_type(v, json_type_string) ||
            (*stage && to_enum_index(to_stages_deb, stage) < 0)) {
            json_object *sloc = to_loc_key(&tr->verr, floc, "execution_stage");
            json_object *ctx = json_object_new_object();
            to_verr_enum(&tr->verr, to_loc_key(&tr->verr, sloc, "str-enum[DebStage]"), v,
                         to_stages_deb);
            json_object_object_add(ctx, "expected", json_object_new_string("''"));
            to_verr_add(&tr->verr, "literal_error", to_loc_key(&tr->verr, sloc, "literal['']"),
                        "Input should be ''", v, ctx);
            return;
        }
    }
    if (to_verr_count(&tr->verr) > 0) {
        return; /* the model's own rule runs only on valid fields */
    }
    if (!*source && !*stage) {
        to_verr_value_error(&tr->verr, floc, "Received no source or execution_stage", body);
    }
    else if (*source && *stage) {
        to_verr_value_error(&tr->verr, floc, "Received both source and execution_stage", body);
    }
}

static void validate(to_req_t *tr, json_object *body, start_t *st)
{
    json_object *bloc = to_loc(&tr->verr, "body"), *floc;
    const char *version;

    st->family = family_of(tr, body, bloc);
    if (st->family < 0) {
        return;
    }
    floc = to_loc_key(&tr->verr, bloc, to_families[st->family]);
    to_validate_object(&tr->verr, floc, body, families[st->family].fields, families[st->family].n,
                       &st->obj);

    version = to_obj_str(&st->obj, "version", NULL);
    if (version && (!*version || !strcmp(version, "null"))) {
        to_verr_value_error(&tr->verr, to_loc_key(&tr->verr, floc, "version"),
                            apr_psprintf(tr->pool, "Invalid version value '%s'", version),
                            to_obj_get(&st->obj, "version"));
    }
    st->links = checked_links(tr, to_loc_key(&tr->verr, floc, "relevant_links"),
                              to_obj_get(&st->obj, "relevant_links"));
    if (st->family == IMAGE && to_obj_get(&st->obj, "image_url")) {
        /* the column holds 200 characters of the normalised URL */
        static const to_field_t column = {"image_url", TO_T_STR, 0, 200, NULL};
        const char *url = to_normal_http_url(tr->pool, to_obj_str(&st->obj, "image_url", ""));
        to_validate_value(&tr->verr, to_loc_key(&tr->verr, floc, "image_url"),
                          to_json_own(tr->pool, to_json_str(url)), &column);
    }

    if (st->family == DEB) {
        deb_rules(tr, body, floc, &st->obj);
    }
}

/* Runs a labelled INSERT ... RETURNING id and gives the id. */
static const char *returned_id(to_req_t *tr, int *rv, const char *label, ...)
{
    apr_dbd_results_t *res;
    const char *id;
    va_list args;

    va_start(args, label);
    *rv = to_db_vselect(tr, label, &res, args);
    va_end(args);
    if (*rv != OK) {
        return NULL;
    }
    id = to_db_first(tr, res);
    if (!id) {
        *rv = to_answer_detail(tr, HTTP_INTERNAL_SERVER_ERROR, "Internal Server Error");
    }
    return id;
}

/* Image rules: an unknown sha256 needs every creation field; a known one
 * fixes the architecture. Returns OK with *arch resolved, or a status. */
static int image_rules(to_req_t *tr, const to_obj_t *o, const char **arch)
{
    static const char *const creation[] = {
        "name", "version", "os", "release", "owner", "image_url", "execution_stage", "arch", NULL};
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *id = NULL, *archs = NULL;
    int i, rv;

    if ((rv = to_db_select(tr, "st_image_find", &res, to_obj_str(o, "sha256", ""))) != OK) {
        return rv;
    }
    while (to_db_next(tr, res, &row) == 0) {
        id = to_db_col(tr, row, 0);
        archs = to_db_col(tr, row, 1);
    }
    if (!id) {
        for (i = 0; creation[i]; i++) {
            if (!to_obj_get(o, creation[i])) {
                return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY,
                                        "No image with this sha256 exists yet; provide the full "
                                        "image details to create it.");
            }
        }
        return OK;
    }
    if (*arch) {
        char *list = apr_pstrcat(tr->pool, ",", archs ? archs : "", ",", NULL);
        if (!strstr(list, apr_pstrcat(tr->pool, ",", *arch, ",", NULL))) {
            return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY,
                                    "'arch' must match the existing image build architecture.");
        }
        return OK;
    }
    if (archs && *archs && !strchr(archs, ',')) {
        *arch = archs;
        return OK;
    }
    return to_answer_detail(tr, HTTP_UNPROCESSABLE_ENTITY,
                            "'arch' is required and could not be derived from the image's "
                            "builds.");
}

int to_h_start_test(to_req_t *tr)
{
    json_object *body;
    start_t st;
    const to_obj_t *o = &st.obj;
    const char *arch, *artefact, *env, *build, *plan, *execution, *stage, *ci_link, *status;
    const char *revision = NULL;
    int rv;

    memset(&st, 0, sizeof(st));
    if ((rv = to_read_body(tr, &body)) != OK) {
        return rv;
    }
    if (body) {
        validate(tr, body, &st);
    }
    TO_CHECKED(tr);

    arch = to_obj_str(o, "arch", NULL);
    stage = to_obj_str(o, "execution_stage", "");
    ci_link = to_obj_str(o, "ci_link", NULL);
    status = to_obj_str(o, "initial_status", "IN_PROGRESS");
    if (st.family == SNAP || st.family == CHARM) {
        revision = apr_itoa(tr->pool, to_obj_int(o, "revision", 0));
    }

    if ((rv = to_db_begin(tr)) != OK) {
        return rv;
    }
    if (st.family == IMAGE && (rv = image_rules(tr, o, &arch)) != OK) {
        return rv;
    }
    artefact = returned_id(
        tr, &rv, families[st.family].upsert, to_families[st.family], to_obj_str(o, "name", ""),
        to_obj_str(o, "version", ""), stage, to_obj_str(o, "track", ""), to_obj_str(o, "store", ""),
        to_obj_str(o, "branch", ""), to_obj_str(o, "series", ""), to_obj_str(o, "repo", ""),
        to_obj_str(o, "source", ""), to_obj_str(o, "os", ""), to_obj_str(o, "release", ""),
        to_obj_str(o, "sha256", ""), to_obj_str(o, "owner", ""),
        to_normal_http_url(tr->pool, to_obj_str(o, "image_url", "")),
        st.family == SOLUTION ? EMPTY_BUNDLE_HASH : NULL);
    if (!artefact) {
        return rv;
    }
    if (!(env = returned_id(tr, &rv, "st_environment", to_obj_str(o, "environment", ""), arch))) {
        return rv;
    }
    build = revision ? returned_id(tr, &rv, "st_build_revision", arch, revision, artefact)
                     : returned_id(tr, &rv, "st_build", arch, artefact);
    if (!build) {
        return rv;
    }
    if ((rv = to_db_exec(tr, "st_review", NULL, env, build)) != OK) {
        return rv;
    }
    if (!(plan = returned_id(tr, &rv, "st_test_plan", to_obj_str(o, "test_plan", "")))) {
        return rv;
    }
    execution = ci_link ? returned_id(tr, &rv, "st_execution_ci", ci_link, status, env, build, plan)
                        : returned_id(tr, &rv, "st_execution", status, env, build, plan);
    if (!execution) {
        return rv;
    }
    if (st.links && (rv = to_db_exec(tr, "st_links", NULL, execution, st.links)) != OK) {
        return rv;
    }
    if ((rv = to_db_exec(tr, "st_rerun_done", NULL, execution)) != OK ||
        (to_obj_bool(o, "needs_assignment", 0) && (rv = to_assign_reviewers(tr, artefact)) != OK) ||
        (rv = to_db_commit(tr)) != OK) {
        return rv;
    }
    {
        json_object *answer = to_json_own(tr->pool, json_object_new_object());
        json_object_object_add(answer, "id", json_object_new_int(atoi(execution)));
        return to_answer_json(tr, HTTP_OK, answer);
    }
}
