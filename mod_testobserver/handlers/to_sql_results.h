/* SQL shared by the handlers that store test results. */
#ifndef TO_SQL_RESULTS_H
#define TO_SQL_RESULTS_H

/* A batch of results, bound as one json parameter: an array of objects
 * with string members name, status (a testresultstatus), template_id,
 * category, comment and io_log; ord is each result's place in the batch. */
#define TO_SQL_RESULT_BATCH                                                                        \
    "SELECT b.name, b.status, coalesce(b.template_id, '') AS template_id,"                         \
    " coalesce(b.category, '') AS category, coalesce(b.comment, '') AS comment,"                   \
    " coalesce(b.io_log, '') AS io_log, b.ord FROM ROWS FROM (json_to_recordset(%s::json) AS"      \
    " (name text, status text, template_id text, category text, comment text, io_log text))"       \
    " WITH ORDINALITY AS b(name, status, template_id, category, comment, io_log, ord)"

#endif
