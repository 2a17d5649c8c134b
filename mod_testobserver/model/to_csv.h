/* CSV text as Python's csv.writer writes it (the dialect upstream's reports
 * use: comma, double quotes doubled, quoting only when needed, CRLF), and
 * the Python repr() of strings that upstream's report cells contain (pure:
 * APR, and the project's growing buffer). */
#ifndef TO_CSV_H
#define TO_CSV_H

#include <apr_pools.h>

#include "../json/to_json.h"

typedef struct {
    to_jbuf_t text;
    int row_fields;      /* fields written in the current row */
    int row_first_empty; /* the current row's first field is empty */
} to_csv_t;

void to_csv_init(to_csv_t *csv, apr_pool_t *pool);

/* Appends one field to the current row; NULL is written as Python writes
 * None (an empty field). */
void to_csv_field(to_csv_t *csv, const char *value);

/* Ends the current row. */
void to_csv_end_row(to_csv_t *csv);

/* The text so far (NUL-terminated) and its length. */
const char *to_csv_text(const to_csv_t *csv, apr_size_t *len);

/* Python's repr() of a UTF-8 string: quoted with ' (or " when the text has
 * a ' and no "), backslash escapes for quotes, backslashes, controls and
 * the characters Python does not print as they are. */
const char *to_csv_pyrepr(apr_pool_t *pool, const char *s);

#endif
