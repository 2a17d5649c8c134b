/* The enumerations of upstream's data model (pure). */
#ifndef TO_ENUMS_H
#define TO_ENUMS_H

extern const char *const to_families[]; /* snap deb charm image solution */
extern const char *const to_stages_snap[];
extern const char *const to_stages_deb[];
extern const char *const to_stages_charm[];
extern const char *const to_stages_image[];
extern const char *const to_stages_solution[];
extern const char *const to_stages_all[];
extern const char *const to_execution_statuses[];
extern const char *const to_result_statuses[];
extern const char *const to_permissions[]; /* the database enum's order */
/* The same permissions in the order upstream declares them: GET
 * /v1/permissions and its validation messages list them so. */
extern const char *const to_permissions_declared[];

/* Index of s in a NULL-terminated list, or -1. */
int to_enum_index(const char *const *list, const char *s);

/* The stages a family's artefacts move through; NULL for an unknown family. */
const char *const *to_family_stages(const char *family);

#endif
