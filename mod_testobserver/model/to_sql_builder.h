/* SQL text composed at request time from constant fragments, with the
 * values it binds kept apart and in order (pure: APR only).
 *
 * A fragment is constant text holding "%s" where a value goes (apr_dbd's
 * placeholder); to_sqlb_add takes as many values as the fragment holds.
 * Values are never pasted into the text: the result is the text of a
 * statement plus its parameters. */
#ifndef TO_SQL_BUILDER_H
#define TO_SQL_BUILDER_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "../json/to_json.h"

typedef struct {
    to_jbuf_t text;
    apr_array_header_t *args; /* const char *, NULL binds SQL NULL */
    const char *sep;          /* what to_sqlb_cond writes before its condition */
} to_sqlb_t;

void to_sqlb_init(to_sqlb_t *b, apr_pool_t *pool);

/* Appends fragment, taking one const char * value for each "%s" in it. */
void to_sqlb_add(to_sqlb_t *b, const char *fragment, ...);

/* Starts a list of conditions: the first to_sqlb_cond writes first, the
 * next ones " AND ". */
void to_sqlb_conds(to_sqlb_t *b, const char *first);

/* Appends a condition of the current list (see to_sqlb_add for values). */
void to_sqlb_cond(to_sqlb_t *b, const char *fragment, ...);

/* The text so far, and the values in order. */
const char *to_sqlb_sql(const to_sqlb_t *b);
int to_sqlb_nargs(const to_sqlb_t *b);
const char **to_sqlb_args(const to_sqlb_t *b);

/* The number of values a fragment takes: its "%s". */
int to_sqlb_placeholders(const char *fragment);

#endif
