/* Validation shared by the identity handlers. */
#include <string.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_identity.h"

const char *to_id_list(to_req_t *tr, json_object *loc, json_object *value, to_id_item_fn item,
                       int *count)
{
    static const to_field_t list = {"", TO_T_LIST, 0, 0, NULL};
    json_object *out;
    size_t i, n;
    int ok = 1;

    if (count) {
        *count = 0;
    }
    if (!to_validate_value(&tr->verr, loc, value, &list)) {
        return NULL;
    }
    out = to_json_own(tr->pool, json_object_new_array());
    n = json_object_array_length(value);
    for (i = 0; i < n; i++) {
        json_object *v =
            item(tr, to_loc_index(&tr->verr, loc, (int)i), json_object_array_get_idx(value, i));
        if (!v) {
            ok = 0;
            continue;
        }
        json_object_array_add(out, v);
    }
    if (count) {
        *count = (int)n;
    }
    return ok ? to_json_text(tr->pool, out) : NULL;
}

static json_object *permission_item(to_req_t *tr, json_object *loc, json_object *item)
{
    if (!json_object_is_type(item, json_type_string) ||
        to_enum_index(to_permissions, json_object_get_string(item)) < 0) {
        to_verr_enum(&tr->verr, loc, item, to_permissions_declared);
        return NULL;
    }
    return json_object_get(item);
}

const char *to_id_permissions(to_req_t *tr, json_object *loc, json_object *value)
{
    return to_id_list(tr, loc, value, permission_item, NULL);
}

static json_object *int_item(to_req_t *tr, json_object *loc, json_object *item)
{
    static const to_field_t item_field = {"", TO_T_INT, 0, 0, NULL};

    if (!to_validate_value(&tr->verr, loc, item, &item_field)) {
        return NULL;
    }
    return json_object_new_int(to_lax_int(item));
}

const char *to_id_int_list(to_req_t *tr, json_object *loc, json_object *value, int *count)
{
    return to_id_list(tr, loc, value, int_item, count);
}

const char *const to_amr_keys[] = {"name",   "family", "stage",   "track", "branch", "store",
                                   "series", "os",     "release", "owner", NULL};

/* ArtefactMatchingRuleBase: the match fields are as long as their columns
 * allow (upstream declares no bound and fails in the database instead). */
static const to_field_t amr_base_fields[] = {
    {"name", TO_T_STR, 0, 200, NULL},
    {"family", TO_T_ENUM, TO_REQUIRED, 0, to_families},
    {"stage", TO_T_STR, 0, 100, NULL},
    {"track", TO_T_STR, 0, 200, NULL},
    {"branch", TO_T_STR, 0, 200, NULL},
    {"store", TO_T_STR, 0, 200, NULL},
    {"series", TO_T_STR, 0, 200, NULL},
    {"os", TO_T_STR, 0, 200, NULL},
    {"release", TO_T_STR, 0, 200, NULL},
    {"owner", TO_T_STR, 0, 200, NULL},
    {"grant_permissions", TO_T_ANY, 0, 0, NULL},
};

json_object *to_id_amr_base(to_req_t *tr, json_object *loc, json_object *value)
{
    json_object *out, *grants;
    const char *perms = "[]";
    to_obj_t obj;
    int i, before = to_verr_count(&tr->verr);

    to_validate_object(&tr->verr, loc, value, amr_base_fields, TO_NELTS(amr_base_fields), &obj);
    if (!json_object_is_type(value, json_type_object)) {
        return NULL;
    }
    if (to_obj_given(&obj, "grant_permissions")) {
        perms = to_id_permissions(tr, to_loc_key(&tr->verr, loc, "grant_permissions"),
                                  to_json_get(value, "grant_permissions", NULL));
    }
    if (to_verr_count(&tr->verr) > before || !perms) {
        return NULL;
    }
    out = to_json_own(tr->pool, json_object_new_object());
    for (i = 0; to_amr_keys[i]; i++) {
        json_object_object_add(out, to_amr_keys[i],
                               json_object_new_string(to_obj_str(&obj, to_amr_keys[i], "")));
    }
    grants = json_tokener_parse(perms);
    json_object_object_add(out, "grant_permissions", grants);
    return out;
}
