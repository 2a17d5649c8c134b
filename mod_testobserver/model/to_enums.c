/* The enumerations of upstream's data model. */
#include <string.h>

#include "to_enums.h"

const char *const to_families[] = {"snap", "deb", "charm", "image", "solution", NULL};
const char *const to_stages_snap[] = {"edge", "beta", "candidate", "stable", NULL};
const char *const to_stages_deb[] = {"proposed", "updates", NULL};
const char *const to_stages_charm[] = {"edge", "beta", "candidate", "stable", NULL};
const char *const to_stages_image[] = {"pending", "current", NULL};
const char *const to_stages_solution[] = {"edge", "beta", "candidate", "stable", NULL};
const char *const to_stages_all[] = {"proposed", "updates", "edge",    "beta", "candidate",
                                     "stable",   "pending", "current", NULL};
const char *const to_execution_statuses[] = {"NOT_STARTED", "IN_PROGRESS",       "PASSED", "FAILED",
                                             "NOT_TESTED",  "ENDED_PREMATURELY", NULL};
const char *const to_result_statuses[] = {"PASSED", "FAILED", "SKIPPED", NULL};
const char *const to_permissions[] = {"add_application",
                                      "change_application",
                                      "change_artefact",
                                      "change_attachment_rule",
                                      "change_auto_rerun",
                                      "change_environment_reported_issue",
                                      "change_environment_review",
                                      "change_issue",
                                      "change_issue_attachment",
                                      "change_issue_attachment_bulk",
                                      "change_notification",
                                      "change_rerun",
                                      "change_rerun_bulk",
                                      "change_team",
                                      "change_test",
                                      "change_test_case_reported_issue",
                                      "change_user",
                                      "view_application",
                                      "view_artefact",
                                      "view_environment_reported_issue",
                                      "view_environment_review",
                                      "view_issue",
                                      "view_notification",
                                      "view_permission",
                                      "view_report",
                                      "view_rerun",
                                      "view_sentry_debug",
                                      "view_team",
                                      "view_test",
                                      "view_test_case_reported_issue",
                                      "view_user",
                                      NULL};

const char *const to_permissions_declared[] = {"view_user",
                                               "change_user",
                                               "view_team",
                                               "change_team",
                                               "add_application",
                                               "change_application",
                                               "view_application",
                                               "view_permission",
                                               "view_issue",
                                               "change_issue",
                                               "change_issue_attachment",
                                               "change_issue_attachment_bulk",
                                               "change_attachment_rule",
                                               "change_auto_rerun",
                                               "view_test",
                                               "change_test",
                                               "view_rerun",
                                               "change_rerun",
                                               "change_rerun_bulk",
                                               "view_artefact",
                                               "change_artefact",
                                               "view_environment_review",
                                               "change_environment_review",
                                               "view_report",
                                               "view_test_case_reported_issue",
                                               "change_test_case_reported_issue",
                                               "view_environment_reported_issue",
                                               "change_environment_reported_issue",
                                               "view_notification",
                                               "change_notification",
                                               "view_sentry_debug",
                                               NULL};

int to_enum_index(const char *const *list, const char *s)
{
    int i;

    if (!s) {
        return -1;
    }
    for (i = 0; list[i]; i++) {
        if (!strcmp(list[i], s)) {
            return i;
        }
    }
    return -1;
}

const char *const *to_family_stages(const char *family)
{
    static const char *const *const stages[] = {to_stages_snap, to_stages_deb, to_stages_charm,
                                                to_stages_image, to_stages_solution};
    int i = to_enum_index(to_families, family);

    return i < 0 ? NULL : stages[i];
}
