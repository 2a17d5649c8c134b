/* Migration chain logic: see to_migrations.h. */
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "to_migrations.h"

#define NONE "(none)"

int to_migration_is_file_name(const char *name)
{
    apr_size_t digits = strspn(name, "0123456789"), n = strlen(name);

    return digits > 0 && name[digits] == '_' && n > digits + 5 && !strcmp(name + n - 4, ".sql");
}

int to_migration_revision_ok(const char *s)
{
    apr_size_t n;

    for (n = 0; s[n]; n++) {
        if (!apr_isalnum(s[n]) && s[n] != '_') {
            return 0;
        }
    }
    return n > 0 && n <= TO_MIG_REVISION_MAX;
}

/* Copy of [s, end) without leading and trailing blanks. */
static char *trim(apr_pool_t *p, const char *s, const char *end)
{
    while (s < end && apr_isspace(*s)) {
        s++;
    }
    while (end > s && apr_isspace(end[-1])) {
        end--;
    }
    return apr_pstrmemdup(p, s, end - s);
}

const char *to_migration_parse(to_migration_t **pmig, apr_pool_t *p, const char *name,
                               const char *text)
{
    to_migration_t *m = apr_pcalloc(p, sizeof(*m));
    const char *line, *eol, *key, *kend, *down = NULL;
    const char **slot;

    m->name = name;
    m->text = text;
    for (line = text; *line; line = *eol ? eol + 1 : eol) {
        eol = line + strcspn(line, "\n");
        if (strncmp(line, "--", 2)) {
            break;
        }
        key = line + 2;
        while (key < eol && (*key == ' ' || *key == '\t')) {
            key++;
        }
        kend = key;
        while (kend < eol && (apr_islower(*kend) || *kend == '_')) {
            kend++;
        }
        if (kend == key || kend == eol || *kend != ':') {
            break; /* the first line that is not "-- key: value" ends it */
        }
        if (!strncmp(key, "revision:", 9)) {
            slot = &m->revision;
        }
        else if (!strncmp(key, "down_revision:", 14)) {
            slot = &down;
        }
        else if (!strncmp(key, "message:", 8)) {
            slot = &m->message;
        }
        else {
            continue;
        }
        if (*slot) {
            return apr_psprintf(p, "%s: header '%.*s' appears twice", name, (int)(kend - key), key);
        }
        *slot = trim(p, kend + 1, eol);
    }

    if (!m->revision) {
        return apr_psprintf(p, "%s: no '-- revision:' header line", name);
    }
    if (!to_migration_revision_ok(m->revision)) {
        return apr_psprintf(p, "%s: invalid revision '%s'", name, m->revision);
    }
    if (!down) {
        return apr_psprintf(p,
                            "%s: no '-- down_revision:' header line "
                            "(the first migration says " NONE ")",
                            name);
    }
    if (strcmp(down, NONE)) {
        if (!to_migration_revision_ok(down)) {
            return apr_psprintf(p, "%s: invalid down_revision '%s'", name, down);
        }
        m->down_revision = down;
    }
    if (!m->message) {
        m->message = "";
    }
    *pmig = m;
    return NULL;
}

const char *to_migrations_order(apr_array_header_t **pchain, apr_pool_t *p,
                                const apr_array_header_t *migs)
{
    apr_hash_t *by_rev = apr_hash_make(p), *parents = apr_hash_make(p);
    apr_array_header_t *chain;
    const char *heads = NULL, *head = NULL, *one;
    to_migration_t *m, *other;
    int i, n = migs->nelts, steps, nheads = 0;

    for (i = 0; i < n; i++) {
        m = TO_MIG_AT(migs, i);
        other = apr_hash_get(by_rev, m->revision, APR_HASH_KEY_STRING);
        if (other) {
            return apr_psprintf(p, "revision %s is defined twice: in %s and in %s", m->revision,
                                other->name, m->name);
        }
        apr_hash_set(by_rev, m->revision, APR_HASH_KEY_STRING, m);
    }
    for (i = 0; i < n; i++) {
        m = TO_MIG_AT(migs, i);
        if (m->down_revision && !apr_hash_get(by_rev, m->down_revision, APR_HASH_KEY_STRING)) {
            return apr_psprintf(p, "%s: down_revision %s is not a known revision", m->name,
                                m->down_revision);
        }
        if (m->down_revision) {
            apr_hash_set(parents, m->down_revision, APR_HASH_KEY_STRING, m);
        }
    }
    /* Walking n steps down from anywhere must reach the first migration;
     * if it does not, the walk has ended inside a cycle. */
    for (i = 0; i < n; i++) {
        m = TO_MIG_AT(migs, i);
        for (steps = 0; m->down_revision && steps < n; steps++) {
            m = apr_hash_get(by_rev, m->down_revision, APR_HASH_KEY_STRING);
        }
        if (m->down_revision) {
            return apr_psprintf(p, "revisions form a cycle through %s (%s)", m->revision, m->name);
        }
    }
    /* Without cycles, a single head means a single straight chain. */
    for (i = 0; i < n; i++) {
        m = TO_MIG_AT(migs, i);
        if (!apr_hash_get(parents, m->revision, APR_HASH_KEY_STRING)) {
            one = apr_psprintf(p, "%s (%s)", m->revision, m->name);
            heads = heads ? apr_pstrcat(p, heads, ", ", one, NULL) : one;
            head = m->revision;
            nheads++;
        }
    }
    if (nheads > 1) {
        return apr_psprintf(p, "more than one head: %s", heads);
    }

    chain = apr_array_make(p, n, sizeof(to_migration_t *));
    chain->nelts = n;
    for (i = n - 1; head; i--) {
        m = apr_hash_get(by_rev, head, APR_HASH_KEY_STRING);
        APR_ARRAY_IDX(chain, i, to_migration_t *) = m;
        head = m->down_revision;
    }
    *pchain = chain;
    return NULL;
}

const char *to_migrations_head(const apr_array_header_t *chain)
{
    return chain->nelts ? TO_MIG_AT(chain, chain->nelts - 1)->revision : NULL;
}

const char *to_migrations_pending(apr_array_header_t **ppending, apr_pool_t *p,
                                  const apr_array_header_t *chain, const char *current)
{
    apr_array_header_t *pending;
    int i = 0;

    if (current) {
        while (i < chain->nelts && strcmp(TO_MIG_AT(chain, i)->revision, current)) {
            i++;
        }
        if (i == chain->nelts) {
            return apr_psprintf(p,
                                "the database is at revision %s, "
                                "which no migration file defines",
                                current);
        }
        i++;
    }
    pending = apr_array_make(p, chain->nelts - i + 1, sizeof(to_migration_t *));
    for (; i < chain->nelts; i++) {
        APR_ARRAY_PUSH(pending, to_migration_t *) = TO_MIG_AT(chain, i);
    }
    *ppending = pending;
    return NULL;
}

const char *to_migration_slug(apr_pool_t *p, const char *message)
{
    char *slug = apr_palloc(p, TO_MIG_SLUG_MAX + 1);
    apr_size_t n = 0, cut = 0;
    int gap = 0;
    const char *s;

    for (s = message; *s; s++) {
        if (!apr_isalnum(*s)) {
            gap = n > 0;
            continue;
        }
        if (gap) {
            if (n + 2 > TO_MIG_SLUG_MAX) {
                break;
            }
            cut = n;
            slug[n++] = '_';
            gap = 0;
        }
        if (n == TO_MIG_SLUG_MAX) {
            if (cut) {
                n = cut; /* drop the word that does not fit */
            }
            break;
        }
        slug[n++] = apr_tolower(*s);
    }
    slug[n] = '\0';
    return n ? slug : "migration";
}

const char *to_migration_revision_from(apr_pool_t *p, const unsigned char bytes[6])
{
    return apr_psprintf(p, "%02x%02x%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3],
                        bytes[4], bytes[5]);
}

apr_status_t to_migration_new_revision(const char **prev, apr_pool_t *p)
{
    unsigned char bytes[TO_MIG_REVISION_HEX / 2];
    apr_status_t rv;

    if (APR_SUCCESS != (rv = apr_generate_random_bytes(bytes, sizeof(bytes)))) {
        return rv;
    }
    *prev = to_migration_revision_from(p, bytes);
    return APR_SUCCESS;
}

const char *to_migration_new(const char **pname, const char **ptext, apr_pool_t *p,
                             const apr_array_header_t *chain, const char *revision,
                             const char *message)
{
    const char *head = to_migrations_head(chain);
    const char *msg = trim(p, message, message + strlen(message));
    const to_migration_t *m;
    long num, next = chain->nelts;
    int i;

    if (!to_migration_revision_ok(revision)) {
        return apr_psprintf(p, "invalid revision '%s'", revision);
    }
    if (!*msg) {
        return "a message is required";
    }
    if (strpbrk(msg, "\r\n")) {
        return "the message must be a single line";
    }
    for (i = 0; i < chain->nelts; i++) {
        m = TO_MIG_AT(chain, i);
        if (!strcmp(m->revision, revision)) {
            return apr_psprintf(p, "revision %s already exists (%s)", revision, m->name);
        }
        if (apr_isdigit(m->name[0]) && (num = strtol(m->name, NULL, 10)) > next) {
            next = num;
        }
    }
    *pname = apr_psprintf(p, "%04ld_%s_%s.sql", next + 1, revision, to_migration_slug(p, msg));
    *ptext = apr_psprintf(p,
                          "-- revision: %s\n-- down_revision: %s\n"
                          "-- message: %s\n\n",
                          revision, head ? head : NONE, msg);
    return NULL;
}
