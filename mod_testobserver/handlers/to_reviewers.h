/* Reviewers of artefacts: the notifications newly assigned reviewers get,
 * and the assignment start-test makes when asked to (to_reviewers.c). */
#ifndef TO_REVIEWERS_H
#define TO_REVIEWERS_H

#include "to_handlers.h"

/* The INSERT of one USER_ASSIGNED_ARTEFACT_REVIEW notification per row of
 * rows (which has user_id and artefact_id columns, optionally ordered by
 * the order clause), linking to the artefact's page under the front-end URL
 * given as a parameter. */
#define TO_SQL_REVIEW_NOTES(rows, order)                                                           \
    " INSERT INTO notification (user_id, notification_type, target_url, created_at, updated_at)"   \
    " SELECT n.user_id, 'USER_ASSIGNED_ARTEFACT_REVIEW', %s::text || '/' || na.family || 's/'"     \
    " || na.id, now(), now() FROM " rows " n JOIN artefact na ON na.id = n.artefact_id " order

/* needs_assignment of start-test, inside its transaction: reviewers drawn
 * from the teams of the most specific matching rules, one per 50 test
 * executions of the latest builds, a due date, the environment reviews
 * shared out among the reviewers, and a notification for each new one. OK
 * or an error status. */
int to_assign_reviewers(to_req_t *tr, const char *artefact_id);

#endif
