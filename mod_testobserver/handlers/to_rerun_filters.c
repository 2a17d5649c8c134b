/* Rerun filters read from a JSON body, with pydantic's errors. */
#include <string.h>

#include <apr_strings.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "../model/to_events.h"
#include "to_rerun_filters.h"

typedef enum {
    F_ENUMS,    /* list of one enumeration's values */
    F_STRS,     /* list of strings */
    F_BOOL,     /* bool | None */
    F_DATETIME, /* datetime | None */
    F_INT,      /* int | None, not negative here */
    F_IDS,      /* list[int] | "any" | "none" */
    F_METADATA  /* {category: [value, ...]} */
} ftype_t;

typedef struct {
    const char *name;
    const char *const *choices; /* F_ENUMS */
    ftype_t type;
    int counts; /* for "at least one filter" */
} ffield_t;

/* TestResultSearchFilters, in its order; dates and paging do not count. */
static const ffield_t result_fields[] = {
    {"families", to_families, F_ENUMS, 1},
    {"artefacts", NULL, F_STRS, 1},
    {"artefact_versions", NULL, F_STRS, 1},
    {"artefact_stages", NULL, F_STRS, 1},
    {"artefact_tracks", NULL, F_STRS, 1},
    {"artefact_is_archived", NULL, F_BOOL, 1},
    {"environments", NULL, F_STRS, 1},
    {"test_cases", NULL, F_STRS, 1},
    {"template_ids", NULL, F_STRS, 1},
    {"execution_metadata", NULL, F_METADATA, 1},
    {"issues", NULL, F_IDS, 1},
    {"test_result_statuses", to_result_statuses, F_ENUMS, 1},
    {"test_execution_statuses", to_execution_statuses, F_ENUMS, 1},
    {"reviewer_ids", NULL, F_IDS, 1},
    {"assignee_ids", NULL, F_IDS, 0},
    {"rerun_is_requested", NULL, F_BOOL, 1},
    {"execution_is_latest", NULL, F_BOOL, 1},
    {"from_date", NULL, F_DATETIME, 0},
    {"until_date", NULL, F_DATETIME, 0},
    {"offset", NULL, F_INT, 0},
    {"limit", NULL, F_INT, 0},
};

/* TestExecutionRerunFilters, in its order; any filter counts. */
static const ffield_t execution_fields[] = {
    {"families", to_families, F_ENUMS, 1},
    {"artefacts", NULL, F_STRS, 1},
    {"artefact_versions", NULL, F_STRS, 1},
    {"artefact_stages", NULL, F_STRS, 1},
    {"artefact_tracks", NULL, F_STRS, 1},
    {"artefact_is_archived", NULL, F_BOOL, 1},
    {"environments", NULL, F_STRS, 1},
    {"test_execution_statuses", to_execution_statuses, F_ENUMS, 1},
    {"execution_metadata", NULL, F_METADATA, 1},
    {"reviewer_ids", NULL, F_IDS, 1},
    {"assignee_ids", NULL, F_IDS, 0},
    {"rerun_is_requested", NULL, F_BOOL, 1},
    {"execution_is_latest", NULL, F_BOOL, 1},
    {"from_date", NULL, F_DATETIME, 1},
    {"until_date", NULL, F_DATETIME, 1},
};

/* How pydantic names the Literal[QueryValue.ANY, QueryValue.NONE] member. */
#define ANY_NONE "<QueryValue.ANY: 'any'> or <QueryValue.NONE: 'none'>"
#define ANY_NONE_TAG "literal[<QueryValue.ANY: 'any'>,<QueryValue.NONE: 'none'>]"

/* A list of strings or enumeration values: the items, or NULL on errors. */
static json_object *string_list(to_verr_t *e, json_object *loc, json_object *v, const ffield_t *f)
{
    to_field_t item = {f->name, f->type == F_ENUMS ? TO_T_ENUM : TO_T_STR, 0, 0, f->choices};
    json_object *out;
    size_t i, n;
    int ok = 1;

    if (!json_object_is_type(v, json_type_array)) {
        to_verr_add(e, "list_type", loc, "Input should be a valid list", v, NULL);
        return NULL;
    }
    out = json_object_new_array();
    n = json_object_array_length(v);
    for (i = 0; i < n; i++) {
        json_object *x = json_object_array_get_idx(v, i);
        if (to_validate_value(e, to_loc_index(e, loc, (int)i), x, &item)) {
            json_object_array_add(out, json_object_get(x));
        }
        else {
            ok = 0;
        }
    }
    if (!ok) {
        json_object_put(out);
        return NULL;
    }
    return out;
}

/* list[int] | Literal["any", "none"]: the ids as numbers, or the word. A
 * miss is reported against both members of the union, as pydantic does. */
static json_object *ids_or_word(to_verr_t *e, json_object *loc, json_object *v)
{
    static const to_field_t id = {"", TO_T_INT, 0, 0, NULL};
    json_object *list_loc = to_loc_key(e, loc, "list[int]");
    json_object *ctx, *out = NULL;
    size_t i, n;
    int ok = 1;

    if (json_object_is_type(v, json_type_string) &&
        (!strcmp(json_object_get_string(v), "any") || !strcmp(json_object_get_string(v), "none"))) {
        return json_object_get(v);
    }
    if (!json_object_is_type(v, json_type_array)) {
        to_verr_add(e, "list_type", list_loc, "Input should be a valid list", v, NULL);
    }
    else {
        out = json_object_new_array();
        n = json_object_array_length(v);
        for (i = 0; i < n; i++) {
            json_object *x = json_object_array_get_idx(v, i);
            if (to_validate_value(e, to_loc_index(e, list_loc, (int)i), x, &id)) {
                json_object_array_add(out, json_object_new_int(to_lax_int(x)));
            }
            else {
                ok = 0;
            }
        }
        if (ok) {
            return out;
        }
        json_object_put(out);
    }
    ctx = json_object_new_object();
    json_object_object_add(ctx, "expected", json_object_new_string(ANY_NONE));
    to_verr_add(e, "literal_error", to_loc_key(e, loc, ANY_NONE_TAG), "Input should be " ANY_NONE,
                v, ctx);
    return NULL;
}

/* Whether a value leaves its filter unset (an empty list or object). */
static int is_empty(json_object *v)
{
    return (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 0) ||
           (json_object_is_type(v, json_type_object) && json_object_object_length(v) == 0);
}

json_object *to_rerun_filters(to_verr_t *e, json_object *loc, json_object *v,
                              to_filters_kind_t kind, int *selects)
{
    const ffield_t *fields = kind == TO_FILTERS_RESULTS ? result_fields : execution_fields;
    int nfields = kind == TO_FILTERS_RESULTS ? TO_NELTS(result_fields) : TO_NELTS(execution_fields);
    int before = to_verr_count(e), i;
    json_object *out, *reviewers, *assignees;
    int has_reviewers, has_assignees;

    *selects = 0;
    if (!json_object_is_type(v, json_type_object)) {
        to_verr_add(e, "model_attributes_type", loc,
                    "Input should be a valid dictionary or object to extract fields from", v, NULL);
        return NULL;
    }
    out = to_json_own(e->pool, json_object_new_object());

    /* the deprecated assignee_ids stand in for reviewer_ids left unset */
    reviewers = to_json_get(v, "reviewer_ids", &has_reviewers);
    assignees = to_json_get(v, "assignee_ids", &has_assignees);
    if ((!reviewers || (json_object_is_type(reviewers, json_type_array) &&
                        json_object_array_length(reviewers) == 0)) &&
        assignees) {
        reviewers = assignees;
        has_reviewers = 1;
    }

    for (i = 0; i < nfields; i++) {
        const ffield_t *f = &fields[i];
        json_object *floc = to_loc_key(e, loc, f->name);
        json_object *x, *value = NULL;
        to_datetime_t dt;
        int present = 0;

        x = !strcmp(f->name, "reviewer_ids") ? reviewers : to_json_get(v, f->name, &present);
        if (!strcmp(f->name, "reviewer_ids")) {
            present = has_reviewers;
        }
        if (!present) {
            continue;
        }
        switch (f->type) {
        case F_ENUMS:
        case F_STRS:
            value = string_list(e, floc, x, f);
            break;
        case F_BOOL:
            if (x && to_validate_value(e, floc, x, &(to_field_t){f->name, TO_T_BOOL, 0, 0, NULL})) {
                value = json_object_new_boolean(to_lax_bool(x));
            }
            break;
        case F_DATETIME:
            if (x && to_validate_datetime(e, floc, x, &dt)) {
                /* compared with naive UTC columns */
                value = json_object_new_string(to_datetime_utc_text(e->pool, &dt));
            }
            break;
        case F_INT:
            if (x && to_validate_value(e, floc, x, &(to_field_t){f->name, TO_T_INT, 0, 0, NULL})) {
                if (to_lax_int(x) < 0) {
                    /* PostgreSQL refuses a negative LIMIT or OFFSET */
                    json_object *ctx = json_object_new_object();
                    json_object_object_add(ctx, "ge", json_object_new_int(0));
                    to_verr_add(e, "greater_than_equal", floc,
                                "Input should be greater than or equal to 0", x, ctx);
                }
                else {
                    value = json_object_new_int(to_lax_int(x));
                }
            }
            break;
        case F_IDS:
            /* only the deprecated member takes null */
            if (x || strcmp(f->name, "assignee_ids")) {
                value = ids_or_word(e, floc, x);
            }
            break;
        case F_METADATA:
            if (to_validate_metadata(e, floc, x)) {
                value = json_object_get(x);
            }
            break;
        }
        if (!value) {
            continue;
        }
        /* assignee_ids only matter through reviewer_ids */
        if (is_empty(value) || !strcmp(f->name, "assignee_ids")) {
            json_object_put(value);
            continue;
        }
        json_object_object_add(out, f->name, value);
        *selects |= f->counts;
    }
    return to_verr_count(e) == before ? out : NULL;
}
