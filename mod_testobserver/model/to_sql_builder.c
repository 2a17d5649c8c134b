/* SQL text composed from constant fragments; see to_sql_builder.h. */
#include <stdarg.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "to_sql_builder.h"

void to_sqlb_init(to_sqlb_t *b, apr_pool_t *pool)
{
    to_jbuf_init(&b->text, pool, 8192);
    b->args = apr_array_make(pool, 32, sizeof(const char *));
    b->sep = "";
}

/* Counted as apr_dbd counts them: a % before a letter ("%%" is a %). */
int to_sqlb_placeholders(const char *fragment)
{
    int n = 0;

    for (; *fragment; fragment++) {
        if (fragment[0] == '%' && apr_isalpha(fragment[1])) {
            n++;
        }
        else if (fragment[0] == '%' && fragment[1] == '%') {
            fragment++;
        }
    }
    return n;
}

static void add_text(to_sqlb_t *b, const char *text)
{
    to_jbuf_add(&b->text, text, strlen(text));
}

static void vadd(to_sqlb_t *b, const char *fragment, va_list values)
{
    int i, n = to_sqlb_placeholders(fragment);

    add_text(b, fragment);
    for (i = 0; i < n; i++) {
        APR_ARRAY_PUSH(b->args, const char *) = va_arg(values, const char *);
    }
}

void to_sqlb_add(to_sqlb_t *b, const char *fragment, ...)
{
    va_list values;

    va_start(values, fragment);
    vadd(b, fragment, values);
    va_end(values);
}

void to_sqlb_conds(to_sqlb_t *b, const char *first)
{
    b->sep = first;
}

void to_sqlb_cond(to_sqlb_t *b, const char *fragment, ...)
{
    va_list values;

    add_text(b, b->sep);
    b->sep = " AND ";
    va_start(values, fragment);
    vadd(b, fragment, values);
    va_end(values);
}

const char *to_sqlb_sql(const to_sqlb_t *b)
{
    return b->text.data;
}

int to_sqlb_nargs(const to_sqlb_t *b)
{
    return b->args->nelts;
}

const char **to_sqlb_args(const to_sqlb_t *b)
{
    return (const char **)b->args->elts;
}
