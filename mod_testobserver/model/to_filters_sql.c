/* The WHERE clauses of the searches; see to_filters_sql.h.
 *
 * How PostgreSQL sees them. Each value has its type cast in the text (the
 * statement is sent unprepared, with untyped parameters), and is bound
 * once: a list is compared with "= ANY($n::type[])", which an index serves
 * and the planner estimates element by element. Dates are microseconds
 * since 1970 made a timestamp by immutable arithmetic, so the planner sees
 * the date. A filter on another table is an EXISTS or IN subquery ANDed at
 * the top of its clause, which PostgreSQL pulls up into a semi-join (NOT
 * EXISTS: an anti-join) and plans from both sides' statistics. */
#include <string.h>

#include "to_filters_sql.h"

#define P(f, slot) ((f)->p[slot])

/* A boolean slot is "true" or "false". */
static int on(const to_filters_t *f, int slot)
{
    return P(f, slot) && !strcmp(P(f, slot), "true");
}

#define USEC_ "(timestamp '1970-01-01' + %s::bigint * interval '1 microsecond')"

/* The artefact of te's build: family, name, version, stage, track,
 * archived, reviewers (any, none, ids). */
static void artefact_conds(to_sqlb_t *b, const to_filters_t *f)
{
    if (on(f, TO_FP_SKIP_ARTEFACT)) {
        return;
    }
    to_sqlb_cond(b, "EXISTS (SELECT 1 FROM artefact_build fb JOIN artefact fa"
                    " ON fa.id = fb.artefact_id WHERE fb.id = te.artefact_build_id");
    if (P(f, TO_FP_FAMILIES)) {
        to_sqlb_cond(b, "fa.family = ANY(%s::familyname[])", P(f, TO_FP_FAMILIES));
    }
    if (P(f, TO_FP_ARTEFACTS)) {
        to_sqlb_cond(b, "fa.name = ANY(%s::text[])", P(f, TO_FP_ARTEFACTS));
    }
    if (P(f, TO_FP_VERSIONS)) {
        to_sqlb_cond(b, "fa.version = ANY(%s::text[])", P(f, TO_FP_VERSIONS));
    }
    if (P(f, TO_FP_STAGES)) {
        to_sqlb_cond(b, "fa.stage = ANY(%s::text[])", P(f, TO_FP_STAGES));
    }
    if (P(f, TO_FP_TRACKS)) {
        to_sqlb_cond(b, "fa.track = ANY(%s::text[])", P(f, TO_FP_TRACKS));
    }
    if (P(f, TO_FP_ARCHIVED)) {
        to_sqlb_cond(b, "fa.archived = %s::boolean", P(f, TO_FP_ARCHIVED));
    }
    if (on(f, TO_FP_REVIEWERS_ANY)) {
        to_sqlb_cond(b, "EXISTS (SELECT 1 FROM artefact_reviewers_association fr"
                        " WHERE fr.artefact_id = fa.id)");
    }
    if (on(f, TO_FP_REVIEWERS_NONE)) {
        to_sqlb_cond(b, "NOT EXISTS (SELECT 1 FROM artefact_reviewers_association fr"
                        " WHERE fr.artefact_id = fa.id)");
    }
    if (P(f, TO_FP_REVIEWER_IDS)) {
        to_sqlb_cond(b,
                     "EXISTS (SELECT 1 FROM artefact_reviewers_association fr"
                     " WHERE fr.artefact_id = fa.id AND fr.user_id = ANY(%s::int[]))",
                     P(f, TO_FP_REVIEWER_IDS));
    }
    to_sqlb_add(b, ")");
}

/* A rerun request for te's plan, build and environment. */
#define RERUN_                                                                                     \
    "EXISTS (SELECT 1 FROM test_execution_rerun_request frr"                                       \
    " WHERE frr.test_plan_id = te.test_plan_id AND frr.artefact_build_id = te.artefact_build_id"   \
    " AND frr.environment_id = te.environment_id)"

/* The latest execution of each plan, build and environment, found in one
 * pass: probing for a later execution row by row costs far more. */
#define LATEST_                                                                                    \
    "(SELECT max(fn.id) FROM test_execution fn"                                                    \
    " GROUP BY fn.test_plan_id, fn.artefact_build_id, fn.environment_id)"

/* TestExecutionFilterBase on te, without its dates: status, environment
 * name, rerun requested, latest of its kind, execution metadata (every
 * category given must have one of its values), and the artefact. */
static void execution_conds(to_sqlb_t *b, const to_filters_t *f)
{
    if (P(f, TO_FP_EXECUTION_STATUSES)) {
        to_sqlb_cond(b, "te.status = ANY(%s::testexecutionstatus[])",
                     P(f, TO_FP_EXECUTION_STATUSES));
    }
    if (P(f, TO_FP_ENVIRONMENTS)) {
        to_sqlb_cond(b,
                     "te.environment_id IN (SELECT fe.id FROM environment fe"
                     " WHERE fe.name = ANY(%s::text[]))",
                     P(f, TO_FP_ENVIRONMENTS));
    }
    if (on(f, TO_FP_RERUN_YES)) {
        to_sqlb_cond(b, RERUN_);
    }
    if (on(f, TO_FP_RERUN_NO)) {
        to_sqlb_cond(b, "NOT " RERUN_);
    }
    if (on(f, TO_FP_LATEST_YES)) {
        to_sqlb_cond(b, "te.id IN " LATEST_);
    }
    if (on(f, TO_FP_LATEST_NO)) {
        to_sqlb_cond(b, "te.id NOT IN " LATEST_);
    }
    if (P(f, TO_FP_METADATA)) {
        to_sqlb_cond(b,
                     "te.id IN (SELECT fx.test_execution_id FROM json_each(%s::json) fm"
                     " CROSS JOIN LATERAL json_array_elements_text(fm.value) fv(v)"
                     " JOIN test_execution_metadata fmd ON fmd.category = fm.key"
                     " AND fmd.value = fv.v"
                     " JOIN test_execution_metadata_association_table fx"
                     " ON fx.test_execution_metadata_id = fmd.id"
                     " GROUP BY fx.test_execution_id HAVING count(DISTINCT fmd.category)"
                     " = (SELECT count(*) FROM json_object_keys(%s::json)))",
                     P(f, TO_FP_METADATA), P(f, TO_FP_METADATA));
    }
    artefact_conds(b, f);
}

void to_filters_sql_results(to_sqlb_t *b, const to_filters_t *f)
{
    to_sqlb_conds(b, " WHERE ");
    if (on(f, TO_FP_NOTHING)) {
        to_sqlb_cond(b, "false");
        return;
    }
    if (P(f, TO_FP_RESULT_STATUSES)) {
        to_sqlb_cond(b, "r.status = ANY(%s::testresultstatus[])", P(f, TO_FP_RESULT_STATUSES));
    }
    if (P(f, TO_FP_FROM)) {
        to_sqlb_cond(b, "r.created_at >= " USEC_, P(f, TO_FP_FROM));
    }
    if (P(f, TO_FP_UNTIL)) {
        to_sqlb_cond(b, "r.created_at <= " USEC_, P(f, TO_FP_UNTIL));
    }
    if (on(f, TO_FP_ISSUES_ANY)) {
        to_sqlb_cond(b, "EXISTS (SELECT 1 FROM issue_test_result_attachment fi"
                        " WHERE fi.test_result_id = r.id)");
    }
    if (on(f, TO_FP_ISSUES_NONE)) {
        to_sqlb_cond(b, "NOT EXISTS (SELECT 1 FROM issue_test_result_attachment fi"
                        " WHERE fi.test_result_id = r.id)");
    }
    if (P(f, TO_FP_ISSUE_IDS)) {
        to_sqlb_cond(b,
                     "EXISTS (SELECT 1 FROM issue_test_result_attachment fi"
                     " WHERE fi.test_result_id = r.id AND fi.issue_id = ANY(%s::int[]))",
                     P(f, TO_FP_ISSUE_IDS));
    }
    if (!on(f, TO_FP_SKIP_CASE)) {
        to_sqlb_cond(b, "EXISTS (SELECT 1 FROM test_case fc WHERE fc.id = r.test_case_id");
        if (P(f, TO_FP_TEST_CASES)) {
            to_sqlb_cond(b, "fc.name = ANY(%s::text[])", P(f, TO_FP_TEST_CASES));
        }
        if (P(f, TO_FP_TEMPLATE_IDS)) {
            to_sqlb_cond(b, "fc.template_id = ANY(%s::text[])", P(f, TO_FP_TEMPLATE_IDS));
        }
        to_sqlb_add(b, ")");
    }
    if (!on(f, TO_FP_SKIP_EXECUTION)) {
        to_sqlb_cond(b, "EXISTS (SELECT 1 FROM test_execution te"
                        " WHERE te.id = r.test_execution_id");
        execution_conds(b, f);
        to_sqlb_add(b, ")");
    }
}

void to_filters_sql_executions(to_sqlb_t *b, const to_filters_t *f)
{
    to_sqlb_conds(b, " WHERE ");
    if (on(f, TO_FP_NOTHING)) {
        to_sqlb_cond(b, "false");
        return;
    }
    execution_conds(b, f);
    if (P(f, TO_FP_FROM)) {
        to_sqlb_cond(b, "te.updated_at >= " USEC_, P(f, TO_FP_FROM));
    }
    if (P(f, TO_FP_UNTIL)) {
        to_sqlb_cond(b, "te.updated_at <= " USEC_, P(f, TO_FP_UNTIL));
    }
    if (on(f, TO_FP_EVENTS_ANY)) {
        to_sqlb_cond(b, "EXISTS (SELECT 1 FROM test_event fv WHERE fv.test_execution_id = te.id)");
    }
    if (on(f, TO_FP_EVENTS_NONE)) {
        to_sqlb_cond(b,
                     "NOT EXISTS (SELECT 1 FROM test_event fv WHERE fv.test_execution_id = te.id)");
    }
    if (P(f, TO_FP_EVENT_NAMES)) {
        to_sqlb_cond(b,
                     "EXISTS (SELECT 1 FROM test_event fv WHERE fv.test_execution_id = te.id"
                     " AND fv.event_name = ANY(%s::text[]))",
                     P(f, TO_FP_EVENT_NAMES));
    }
    if (on(f, TO_FP_RESULTS_ANY)) {
        to_sqlb_cond(b, "EXISTS (SELECT 1 FROM test_result fr WHERE fr.test_execution_id = te.id)");
    }
    if (on(f, TO_FP_RESULTS_NONE)) {
        to_sqlb_cond(
            b, "NOT EXISTS (SELECT 1 FROM test_result fr WHERE fr.test_execution_id = te.id)");
    }
    if (P(f, TO_FP_RESULT_IDS)) {
        to_sqlb_cond(b,
                     "EXISTS (SELECT 1 FROM test_result fr WHERE fr.test_execution_id = te.id"
                     " AND fr.id = ANY(%s::int[]))",
                     P(f, TO_FP_RESULT_IDS));
    }
}
