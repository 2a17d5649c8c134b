/* testobserver-admin: sysadmin tasks run against the database directly.
 *   add-application NAME PERMISSIONS   create an API client, print its key */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "../mod_testobserver/model/to_api_key.h"
#include "to_cli_db.h"

#define PROG "testobserver-admin"

static const char *const SQL_ADD =
    "INSERT INTO application (name, permissions, api_key, created_at, updated_at)"
    " VALUES (%s, %s::permission[], %s, now(), now())"
    " ON CONFLICT (name) DO NOTHING RETURNING api_key";
/* The existing key is kept: clients that hold it go on working. */
static const char *const SQL_REPLACE =
    "INSERT INTO application (name, permissions, api_key, created_at, updated_at)"
    " VALUES (%s, %s::permission[], %s, now(), now())"
    " ON CONFLICT (name) DO UPDATE"
    " SET permissions = EXCLUDED.permissions, updated_at = now()"
    " RETURNING api_key";

static void usage(FILE *out)
{
    fprintf(out, "usage: " PROG " [--dsn CONNINFO] add-application [--replace] NAME"
                 " PERMISSION[,PERMISSION...]|all\n"
                 "CONNINFO defaults to $" TO_CLI_DSN_ENV ". Prints the API key.\n");
}

/* "a, b,c" as the array literal "{a,b,c}"; names are checked here only
 * for shape, the database checks them against the permission enum. */
static const char *permission_array(const char **parray, apr_pool_t *p, const char *list)
{
    char *copy = apr_pstrdup(p, list), *tok, *last, *s;
    const char *arr = NULL;

    for (tok = apr_strtok(copy, ",", &last); tok; tok = apr_strtok(NULL, ",", &last)) {
        while (apr_isspace(*tok)) {
            tok++;
        }
        s = tok + strlen(tok);
        while (s > tok && apr_isspace(s[-1])) {
            *--s = '\0';
        }
        if (!*tok || tok[strspn(tok, "abcdefghijklmnopqrstuvwxyz_")]) {
            return apr_psprintf(p, "invalid permission '%s'", tok);
        }
        arr = arr ? apr_pstrcat(p, arr, ",", tok, NULL) : tok;
    }
    if (!arr) {
        return "no permissions given";
    }
    *parray = apr_pstrcat(p, "{", arr, "}", NULL);
    return NULL;
}

static const char *add_application(apr_pool_t *p, const char *dsn, const char *name,
                                   const char *perms, int replace)
{
    const char *args[3], *array, *key, *err;
    to_cli_db_t *db;
    apr_status_t rv;
    char ebuf[256];

    if (!*name) {
        return "the application name is empty";
    }
    if (APR_SUCCESS != (rv = to_api_key_new(p, &args[2]))) {
        return apr_psprintf(p, "no random bytes: %s", apr_strerror(rv, ebuf, sizeof(ebuf)));
    }
    if ((err = to_cli_db_open(&db, p, dsn))) {
        return err;
    }
    if (!strcmp(perms, "all")) {
        err = to_cli_db_value(db, &array, "SELECT enum_range(NULL::permission)::text", 0, NULL);
    }
    else {
        err = permission_array(&array, p, perms);
    }
    if (err) {
        return err;
    }
    args[0] = name;
    args[1] = array;
    if ((err = to_cli_db_value(db, &key, replace ? SQL_REPLACE : SQL_ADD, 3, args))) {
        return err;
    }
    if (!key) {
        return apr_psprintf(p,
                            "an application named '%s' already exists "
                            "(--replace updates its permissions)",
                            name);
    }
    printf("%s\n", key);
    return NULL;
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *pool;
    const char *dsn = NULL, *pos[3] = {NULL}, *err;
    int i, got, npos = 0, replace = 0;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS) {
        return 1;
    }
    atexit(apr_terminate);
    apr_pool_create(&pool, NULL);

    for (i = 1; i < argc; i++) {
        if ((got = to_cli_opt(argc, argv, &i, "--dsn", &dsn))) {
            if (got < 0) {
                fprintf(stderr, PROG ": --dsn needs a value\n");
                return 2;
            }
        }
        else if (!strcmp(argv[i], "--replace")) {
            replace = 1;
        }
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
        else if (argv[i][0] == '-' || npos == 3) {
            fprintf(stderr, PROG ": unexpected argument %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
        else {
            pos[npos++] = argv[i];
        }
    }
    if (npos != 3 || strcmp(pos[0], "add-application")) {
        usage(stderr);
        return 2;
    }

    err = add_application(pool, to_cli_dsn(dsn), pos[1], pos[2], replace);
    if (err) {
        fprintf(stderr, PROG ": %s\n", err);
    }
    apr_pool_destroy(pool);
    return err ? 1 : 0;
}
