/* testobserver-admin: sysadmin tasks run against the database directly,
 * as upstream's scripts do them.
 *   add-application NAME PERMISSIONS   create an API client, print its key
 *   add-user EMAIL [NAME]              create a user (kept when it exists), print its id
 *   promote-user-to-admin EMAIL        make a user an administrator
 *   change-assignee ARTEFACT_ID USER_ID  make the user the artefact's only reviewer
 *   delete-expired-sessions            drop sessions past their expiry, print how many */
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

/* A user is known by email; an existing one is left as it is. */
static const char *const SQL_ADD_USER =
    "WITH new AS (INSERT INTO app_user (email, name, launchpad_handle, is_admin, created_at,"
    " updated_at) VALUES (%s, %s, nullif(%s, ''), false, now(), now())"
    " ON CONFLICT (email) DO NOTHING RETURNING id)"
    " SELECT 'new ' || id FROM new UNION ALL"
    " SELECT 'old ' || id FROM app_user WHERE email = %s AND NOT EXISTS (SELECT 1 FROM new)";
static const char *const SQL_PROMOTE =
    "WITH u AS (SELECT id, is_admin FROM app_user WHERE email = %s FOR UPDATE),"
    " up AS (UPDATE app_user SET is_admin = true, updated_at = now()"
    " WHERE id IN (SELECT id FROM u WHERE NOT is_admin))"
    " SELECT CASE WHEN is_admin THEN 'already' ELSE 'promoted' END FROM u";
/* The user replaces every reviewer of the artefact; "artefact,user" tells
 * which of the two exist. */
static const char *const SQL_CHANGE_ASSIGNEE =
    "WITH a AS (SELECT id FROM artefact WHERE id = %s::int FOR UPDATE),"
    " u AS (SELECT id FROM app_user WHERE id = %s::int),"
    " gone AS (DELETE FROM artefact_reviewers_association x USING a, u"
    " WHERE x.artefact_id = a.id AND x.user_id <> u.id),"
    " added AS (INSERT INTO artefact_reviewers_association (artefact_id, user_id)"
    " SELECT a.id, u.id FROM a, u ON CONFLICT DO NOTHING)"
    " SELECT (SELECT count(*) FROM a) || ',' || (SELECT count(*) FROM u)";
static const char *const SQL_DELETE_EXPIRED =
    "WITH d AS (DELETE FROM user_session WHERE expires_at < now() RETURNING 1)"
    " SELECT count(*) FROM d";

static void usage(FILE *out)
{
    fprintf(out, "usage: " PROG " [--dsn CONNINFO] COMMAND ARGS\n"
                 "  add-application [--replace] NAME PERMISSION[,PERMISSION...]|all\n"
                 "                        create an API client; prints its key\n"
                 "  add-user [--launchpad-handle HANDLE] EMAIL [NAME]\n"
                 "                        create a user (an existing one is kept); prints its id\n"
                 "  promote-user-to-admin EMAIL\n"
                 "  change-assignee ARTEFACT_ID USER_ID\n"
                 "                        make the user the artefact's only reviewer\n"
                 "  delete-expired-sessions\n"
                 "                        drop expired sessions; prints how many\n"
                 "CONNINFO defaults to $" TO_CLI_DSN_ENV ".\n");
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

static const char *add_user(apr_pool_t *p, const char *dsn, const char *email, const char *name,
                            const char *handle)
{
    const char *args[4], *got, *err;
    to_cli_db_t *db;

    if (!*email || !strchr(email, '@')) {
        return apr_psprintf(p, "'%s' is not an email address", email);
    }
    if ((err = to_cli_db_open(&db, p, dsn))) {
        return err;
    }
    args[0] = email;
    args[1] = name && *name ? name : email;
    args[2] = handle ? handle : "";
    args[3] = email;
    if ((err = to_cli_db_value(db, &got, SQL_ADD_USER, 4, args))) {
        return err;
    }
    if (!got) {
        return "the user was not created";
    }
    if (!strncmp(got, "old ", 4)) {
        fprintf(stderr, PROG ": a user with email %s already exists; nothing changed\n", email);
    }
    printf("%s\n", got + 4);
    return NULL;
}

static const char *promote_user(apr_pool_t *p, const char *dsn, const char *email)
{
    const char *got, *err;
    to_cli_db_t *db;

    if ((err = to_cli_db_open(&db, p, dsn)) ||
        (err = to_cli_db_value(db, &got, SQL_PROMOTE, 1, &email))) {
        return err;
    }
    if (!got) {
        return apr_psprintf(p, "User with email %s not found", email);
    }
    if (!strcmp(got, "already")) {
        fprintf(stderr, PROG ": user with email %s is already an administrator\n", email);
    }
    return NULL;
}

/* A positive 32-bit id, as the columns hold them. */
static int parse_id(const char *s)
{
    char *end;
    long long v;

    if (!s || !apr_isdigit(*s)) {
        return 0;
    }
    v = strtoll(s, &end, 10);
    return *end || v <= 0 || v > 2147483647LL ? 0 : (int)v;
}

static const char *change_assignee(apr_pool_t *p, const char *dsn, const char *artefact,
                                   const char *user)
{
    const char *args[2], *got, *err;
    to_cli_db_t *db;

    if (!parse_id(artefact)) {
        return apr_psprintf(p, "invalid artefact id '%s'", artefact);
    }
    if (!parse_id(user)) {
        return apr_psprintf(p, "invalid user id '%s'", user);
    }
    args[0] = artefact;
    args[1] = user;
    if ((err = to_cli_db_open(&db, p, dsn)) ||
        (err = to_cli_db_value(db, &got, SQL_CHANGE_ASSIGNEE, 2, args))) {
        return err;
    }
    if (!got || got[0] != '1') {
        return apr_psprintf(p, "No artefact with id %s found", artefact);
    }
    if (strcmp(got, "1,1") != 0) {
        return apr_psprintf(p, "No user with id %s found", user);
    }
    return NULL;
}

static const char *delete_expired(apr_pool_t *p, const char *dsn)
{
    const char *got, *err;
    to_cli_db_t *db;

    if ((err = to_cli_db_open(&db, p, dsn)) ||
        (err = to_cli_db_value(db, &got, SQL_DELETE_EXPIRED, 0, NULL))) {
        return err;
    }
    printf("%s\n", got ? got : "0");
    return NULL;
}

/* Runs the command pos[0] with its npos - 1 arguments. NULL with *bad set
 * when the arguments do not fit the command. */
static const char *run(apr_pool_t *p, const char *dsn, const char *const *pos, int npos,
                       int replace, const char *handle, int *bad)
{
    const char *cmd = npos ? pos[0] : "";

    *bad = 0;
    /* --replace is add-application's, --launchpad-handle add-user's */
    if ((replace && strcmp(cmd, "add-application")) || (handle && strcmp(cmd, "add-user"))) {
        *bad = 1;
        return NULL;
    }
    if (!strcmp(cmd, "add-application") && npos == 3) {
        return add_application(p, dsn, pos[1], pos[2], replace);
    }
    if (!strcmp(cmd, "add-user") && (npos == 2 || npos == 3)) {
        return add_user(p, dsn, pos[1], npos == 3 ? pos[2] : NULL, handle);
    }
    if (!strcmp(cmd, "promote-user-to-admin") && npos == 2) {
        return promote_user(p, dsn, pos[1]);
    }
    if (!strcmp(cmd, "change-assignee") && npos == 3) {
        return change_assignee(p, dsn, pos[1], pos[2]);
    }
    if (!strcmp(cmd, "delete-expired-sessions") && npos == 1) {
        return delete_expired(p, dsn);
    }
    *bad = 1;
    return NULL;
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *pool;
    const char *dsn = NULL, *handle = NULL, *pos[3] = {NULL}, *err;
    int i, got, npos = 0, replace = 0, bad;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS) {
        return 1;
    }
    atexit(apr_terminate);
    apr_pool_create(&pool, NULL);

    for (i = 1; i < argc; i++) {
        if ((got = to_cli_opt(argc, argv, &i, "--dsn", &dsn)) ||
            (got = to_cli_opt(argc, argv, &i, "--launchpad-handle", &handle))) {
            if (got < 0) {
                fprintf(stderr, PROG ": %s needs a value\n", argv[i]);
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
    err = run(pool, to_cli_dsn(dsn), pos, npos, replace, handle, &bad);
    if (bad) {
        usage(stderr);
        return 2;
    }
    if (err) {
        fprintf(stderr, PROG ": %s\n", err);
    }
    apr_pool_destroy(pool);
    return err ? 1 : 0;
}
