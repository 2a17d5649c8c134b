/* Migration files and their chain: header parsing, ordering, what is
 * pending, and naming new revisions.  Pure: APR only, no I/O but random
 * bytes. */
#ifndef TO_MIGRATIONS_H
#define TO_MIGRATIONS_H

#include <apr_pools.h>
#include <apr_tables.h>

/* alembic_version.version_num is varchar(32). */
#define TO_MIG_REVISION_MAX 32
/* New revision ids are this many hex digits, like alembic's. */
#define TO_MIG_REVISION_HEX 12
/* Longest slug taken from a message for a file name. */
#define TO_MIG_SLUG_MAX 40

typedef struct to_migration_t {
    const char *name; /* file name, for messages and numbering */
    const char *revision;
    const char *down_revision; /* NULL for the first migration */
    const char *message;       /* "" when the header has none */
    const char *text;          /* the whole file */
} to_migration_t;

/* Element i of an array of to_migration_t pointers. */
#define TO_MIG_AT(arr, i) (APR_ARRAY_IDX((arr), (i), to_migration_t *))

/* 1 if a file name looks like a migration's: digits, '_', ..., ".sql". */
int to_migration_is_file_name(const char *name);

/* 1 if s can be a revision id: 1..32 of [0-9A-Za-z_]. */
int to_migration_revision_ok(const char *s);

/* Read the header of a migration file: its leading "-- key: value" lines
 * (revision, down_revision, message; other keys are ignored).
 * down_revision "(none)" marks the first migration.  text must be
 * NUL-terminated and is kept, not copied.  Returns NULL or an error. */
const char *to_migration_parse(to_migration_t **pmig, apr_pool_t *p, const char *name,
                               const char *text);

/* Order migrations (to_migration_t *) into one chain, first to last.
 * Fails on a duplicate revision, an unknown down_revision, a cycle or
 * more than one head. */
const char *to_migrations_order(apr_array_header_t **pchain, apr_pool_t *p,
                                const apr_array_header_t *migs);

/* Revision of the chain's last migration, NULL for an empty chain. */
const char *to_migrations_head(const apr_array_header_t *chain);

/* Migrations of chain after current (NULL: none applied yet).  Fails
 * when current is not in the chain. */
const char *to_migrations_pending(apr_array_header_t **ppending, apr_pool_t *p,
                                  const apr_array_header_t *chain, const char *current);

/* File-name slug of a message: lower-case words joined by '_'. */
const char *to_migration_slug(apr_pool_t *p, const char *message);

/* Revision id written from 6 bytes as 12 lower-case hex digits. */
const char *to_migration_revision_from(apr_pool_t *p, const unsigned char bytes[6]);

/* A fresh random revision id. */
apr_status_t to_migration_new_revision(const char **prev, apr_pool_t *p);

/* File name and header text of a new migration that follows the chain's
 * head: "NNNN_<revision>_<slug>.sql", NNNN one above the highest number
 * among the chain's file names. */
const char *to_migration_new(const char **pname, const char **ptext, apr_pool_t *p,
                             const apr_array_header_t *chain, const char *revision,
                             const char *message);

#endif /* TO_MIGRATIONS_H */
