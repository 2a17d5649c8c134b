/* libFuzzer target: request validation (model/to_validate.c) as handlers
 * drive it: the body parsed as JSON (or, when it is not JSON, handed over
 * as a string, as to_read_body does for other content types), checked
 * against fixed field tables of every type and flag, item by item when it
 * is a list, as execution metadata, and value by value against each type.
 * Invariants: an object is ok exactly when it added no error, and then
 * every required field is present; a valid URL's normal form is valid; the
 * error list serialises to JSON that parses back.
 *
 * A body that is not JSON is handed over as to_read_body does, through
 * to_json_outside_str, so the 422 that echoes it is JSON whatever its bytes. */
#include "fuzz_common.h"

#include "json/to_json.h"
#include "model/to_enums.h"
#include "model/to_validate.h"

static const char *const colours[] = {"red", "green", "blue", NULL};

/* every type, required, nullable and bounded */
static const to_field_t all_fields[] = {
    {"name", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"short", TO_T_STR, TO_NULLABLE, 10, NULL},
    {"count", TO_T_INT, TO_REQUIRED, 0, NULL},
    {"limit", TO_T_INT, TO_NULLABLE, 0, NULL},
    {"flag", TO_T_BOOL, 0, 0, NULL},
    {"colour", TO_T_ENUM, TO_NULLABLE, 0, colours},
    {"status", TO_T_ENUM, 0, 0, to_execution_statuses},
    {"url", TO_T_URL, TO_NULLABLE, 0, NULL},
    {"list", TO_T_LIST, 0, 0, NULL},
    {"object", TO_T_OBJECT, 0, 0, NULL},
    {"any", TO_T_ANY, 0, 0, NULL},
};

/* shapes of the handlers' own tables */
static const to_field_t result_fields[] = {
    {"name", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"status", TO_T_ENUM, TO_REQUIRED, 0, to_result_statuses},
    {"template_id", TO_T_STR, 0, 0, NULL},
    {"category", TO_T_STR, 0, 0, NULL},
    {"comment", TO_T_STR, 0, 0, NULL},
    {"io_log", TO_T_STR, 0, 0, NULL},
};
static const to_field_t link_fields[] = {
    {"label", TO_T_STR, TO_REQUIRED, 0, NULL},
    {"url", TO_T_URL, TO_REQUIRED, 0, NULL},
};
static const to_field_t snap_fields[] = {
    {"name", TO_T_STR, TO_REQUIRED, 200, NULL},
    {"version", TO_T_STR, TO_REQUIRED, 200, NULL},
    {"arch", TO_T_STR, TO_REQUIRED, 100, NULL},
    {"revision", TO_T_INT, TO_REQUIRED, 0, NULL},
    {"family", TO_T_ENUM, TO_REQUIRED, 0, to_families},
    {"execution_stage", TO_T_ENUM, TO_REQUIRED, 0, to_stages_snap},
    {"needs_assignment", TO_T_BOOL, 0, 0, NULL},
    {"relevant_links", TO_T_LIST, 0, 0, NULL},
    {"image_url", TO_T_URL, TO_NULLABLE, 0, NULL},
};

static const struct {
    const to_field_t *fields;
    int n;
} tables[] = {
    {all_fields, TO_NELTS(all_fields)},
    {result_fields, TO_NELTS(result_fields)},
    {link_fields, TO_NELTS(link_fields)},
    {snap_fields, TO_NELTS(snap_fields)},
};

static void check_object(to_verr_t *e, json_object *loc, json_object *input,
                         const to_field_t *fields, int n)
{
    int before = to_verr_count(e), i;
    to_obj_t o;

    to_validate_object(e, loc, input, fields, n, &o);
    TO_FUZZ_ASSERT(o.ok == (to_verr_count(e) == before));
    for (i = 0; i < n; i++) {
        const to_field_t *f = &fields[i];
        json_object *v = to_obj_get(&o, f->name);

        if (o.ok && (f->flags & TO_REQUIRED)) {
            TO_FUZZ_ASSERT(to_obj_given(&o, f->name));
        }
        (void)to_obj_str(&o, f->name, "");
        (void)to_obj_int(&o, f->name, 0);
        (void)to_obj_bool(&o, f->name, 0);
        if (v && f->type == TO_T_URL) {
            const char *type;
            const char *normal = to_normal_http_url(e->pool, json_object_get_string(v));
            TO_FUZZ_ASSERT(to_check_http_url(normal, &type) == NULL);
        }
    }
}

static void check_values(to_verr_t *e, json_object *loc, json_object *v)
{
    int t;

    for (t = 0; t < TO_NELTS(all_fields); t++) {
        (void)to_validate_value(e, to_loc_key(e, loc, all_fields[t].name), v, &all_fields[t]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *pool = to_fuzz_pool();
    to_json_parse_t parsed, back;
    json_object *body, *loc;
    const char *text;
    to_verr_t e;
    int t;

    to_verr_init(&e, pool);
    loc = to_loc(&e, "body");
    if (to_json_parse(pool, (const char *)data, size, &parsed) == APR_SUCCESS) {
        body = parsed.value;
    }
    else {
        body = to_json_own(pool, to_json_outside_str(pool, (const char *)data, size));
    }
    for (t = 0; t < TO_NELTS(tables); t++) {
        check_object(&e, loc, body, tables[t].fields, tables[t].n);
    }
    if (json_object_is_type(body, json_type_array)) {
        size_t i, n = json_object_array_length(body);
        for (i = 0; i < n && i < 64; i++) {
            json_object *item = json_object_array_get_idx(body, i);
            check_object(&e, to_loc_index(&e, loc, (int)i), item, result_fields,
                         TO_NELTS(result_fields));
            check_values(&e, to_loc_index(&e, loc, (int)i), item);
        }
    }
    else if (json_object_is_type(body, json_type_object)) {
        json_object_object_foreach(body, key, value)
        {
            check_values(&e, to_loc_key(&e, loc, key), value);
        }
    }
    else {
        check_values(&e, loc, body);
    }
    (void)to_validate_metadata(&e, to_loc_key(&e, loc, "execution_metadata"), body);

    text = to_json_text(pool, e.list);
    TO_FUZZ_ASSERT(to_json_parse(pool, text, strlen(text), &back) == APR_SUCCESS);
    apr_pool_destroy(pool);
    return 0;
}
