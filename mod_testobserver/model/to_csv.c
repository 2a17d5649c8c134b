/* CSV as Python's csv.writer writes it, and Python's repr() of strings. */
#include <string.h>

#include <apr_strings.h>

#include "to_csv.h"

void to_csv_init(to_csv_t *csv, apr_pool_t *pool)
{
    memset(csv, 0, sizeof(*csv));
    to_jbuf_init(&csv->text, pool, 8192);
}

static void append(to_csv_t *csv, const char *s, apr_size_t n)
{
    to_jbuf_add(&csv->text, s, n);
}

void to_csv_field(to_csv_t *csv, const char *value)
{
    apr_size_t n = value ? strlen(value) : 0;
    const char *p;

    if (csv->row_fields++ > 0) {
        append(csv, ",", 1);
    }
    else {
        csv->row_first_empty = n == 0;
    }
    if (n == 0) {
        return;
    }
    if (!strpbrk(value, ",\"\r\n")) {
        append(csv, value, n);
        return;
    }
    /* quoted, with each double quote doubled */
    append(csv, "\"", 1);
    for (p = value; *p; p++) {
        if (*p == '"') {
            append(csv, "\"\"", 2);
        }
        else {
            append(csv, p, 1);
        }
    }
    append(csv, "\"", 1);
}

void to_csv_end_row(to_csv_t *csv)
{
    /* a row of one empty field would read back as no field: Python quotes it */
    if (csv->row_fields == 1 && csv->row_first_empty) {
        append(csv, "\"\"", 2);
    }
    append(csv, "\r\n", 2);
    csv->row_fields = 0;
    csv->row_first_empty = 0;
}

const char *to_csv_text(const to_csv_t *csv, apr_size_t *len)
{
    if (len) {
        *len = csv->text.len;
    }
    return csv->text.data;
}

/* Whether Python prints code point c as it is (str.isprintable()): not for
 * controls, separators other than the space, format characters, private
 * use and non-characters. Unassigned code points are not tracked. */
static int py_printable(unsigned long c)
{
    static const unsigned long hidden[][2] = {
        {0x0000, 0x001F},   {0x007F, 0x00A0},   {0x00AD, 0x00AD},   {0x0600, 0x0605},
        {0x061C, 0x061C},   {0x06DD, 0x06DD},   {0x070F, 0x070F},   {0x0890, 0x0891},
        {0x08E2, 0x08E2},   {0x1680, 0x1680},   {0x180E, 0x180E},   {0x2000, 0x200F},
        {0x2028, 0x202F},   {0x205F, 0x2064},   {0x2066, 0x206F},   {0x3000, 0x3000},
        {0xD800, 0xF8FF},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0xFFFE, 0xFFFF},
        {0x110BD, 0x110BD}, {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3},
        {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xF0000, 0x10FFFF},
    };
    size_t i;

    for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
        if (c >= hidden[i][0] && c <= hidden[i][1]) {
            return 0;
        }
    }
    return 1;
}

/* Decodes one UTF-8 character at s (valid UTF-8 expected; a stray byte
 * counts as itself). Returns its length. */
static int utf8_next(const unsigned char *s, unsigned long *c)
{
    int n, i;

    if (s[0] < 0x80) {
        *c = s[0];
        return 1;
    }
    n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (n == 0) {
        *c = s[0];
        return 1;
    }
    *c = s[0] & (0x7F >> n);
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *c = s[0];
            return 1;
        }
        *c = (*c << 6) | (s[i] & 0x3F);
    }
    return n;
}

const char *to_csv_pyrepr(apr_pool_t *pool, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    char quote = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    to_jbuf_t out;

    to_jbuf_init(&out, pool, strlen(s) + 2);
    to_jbuf_add(&out, &quote, 1);
    while (*p) {
        unsigned long c;
        int n = utf8_next(p, &c);
        char esc[16];

        if (c == (unsigned long)quote || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            to_jbuf_add(&out, esc, 2);
        }
        else if (c == '\t' || c == '\n' || c == '\r') {
            to_jbuf_add(&out, c == '\t' ? "\\t" : c == '\n' ? "\\n" : "\\r", 2);
        }
        else if (py_printable(c)) {
            to_jbuf_add(&out, (const char *)p, (apr_size_t)n);
        }
        else if (c < 0x100) {
            apr_snprintf(esc, sizeof(esc), "\\x%02lx", c);
            to_jbuf_add(&out, esc, strlen(esc));
        }
        else if (c < 0x10000) {
            apr_snprintf(esc, sizeof(esc), "\\u%04lx", c);
            to_jbuf_add(&out, esc, strlen(esc));
        }
        else {
            apr_snprintf(esc, sizeof(esc), "\\U%08lx", c);
            to_jbuf_add(&out, esc, strlen(esc));
        }
        p += n;
    }
    to_jbuf_add(&out, &quote, 1);
    return out.data;
}
