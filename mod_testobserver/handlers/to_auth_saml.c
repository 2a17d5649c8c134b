/* /v1/auth/saml: sign-in through mod_auth_mellon.
 *
 * mellon does the SAML: it guards /v1/auth/saml/login (MellonEnable auth),
 * serves its own endpoints under TestObserverSAMLEndpoint, and exports the
 * identity it checked into the request's environment. The login handler
 * turns that identity into a user, their teams and a user_session row,
 * and hands the browser upstream's session cookie. The acs and sls routes
 * are mellon's postResponse and logout endpoints when the configuration
 * rewrites them there (conf/mellon.conf.example); reaching this module
 * they mean SAML is not set up. */
#include <string.h>

#include <apr_escape.h>
#include <apr_strings.h>

#include <httpd.h>
#include <http_log.h>
#include <http_protocol.h>

#include "../model/to_return_to.h"
#include "../model/to_session.h"
#include "../to_private.h"
#include "to_handlers.h"

/* Group names travel to PostgreSQL as one parameter, one name a line. */
#define GROUP_SEP '\n'
/* No identity carries more groups than this into the database. */
#define MAX_GROUPS 256

const to_sql_t to_sql_auth_saml[] = {
    /* the user of an email, created or renamed */
    {"saml_user",
     "INSERT INTO app_user (email, name, created_at, updated_at) VALUES (%s, %s, now(), now())"
     " ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name,"
     " updated_at = CASE WHEN app_user.name = EXCLUDED.name THEN app_user.updated_at"
     " ELSE EXCLUDED.updated_at END RETURNING id"},
    /* the teams named (created when new) gain the user as a member */
    {"saml_teams",
     "WITH g AS (SELECT DISTINCT name FROM unnest(string_to_array(%s, chr(10))) AS name"
     " WHERE name <> ''),"
     " t AS (INSERT INTO team (name, created_at, updated_at) SELECT name, now(), now() FROM g"
     " ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id)"
     " INSERT INTO team_users_association (user_id, team_id) SELECT %s::int, id FROM t"
     " ON CONFLICT DO NOTHING"},
    /* a session for upstream's 14 days */
    {"saml_session", "INSERT INTO user_session (user_id, expires_at, created_at, updated_at)"
                     " VALUES (%s::int, now() + interval '14 days', now(), now()) RETURNING id"},
    {"saml_session_end", "DELETE FROM user_session WHERE id = %s::int"},
    {NULL, NULL}};

/* The value mellon exported for attribute name, or NULL. Only the
 * environment mellon filled in counts, never a request header. */
static const char *mellon_var(to_req_t *tr, const char *name)
{
    const char *v =
        apr_table_get(tr->r->subprocess_env, apr_pstrcat(tr->pool, "MELLON_", name, NULL));

    return v && *v ? v : NULL;
}

/* Whether mellon authenticated this request. */
static int mellon_signed_in(to_req_t *tr)
{
    request_rec *r = tr->r;

    return r->ap_auth_type && !strcasecmp(r->ap_auth_type, "Mellon") && r->user && *r->user &&
           mellon_var(tr, "NAME_ID");
}

/* Every value of a multi-valued attribute (mellon's NAME_0, NAME_1, ...,
 * or NAME alone), one a line; names holding a line break are left out. */
static const char *mellon_values(to_req_t *tr, const char *name)
{
    const char *sep = apr_psprintf(tr->pool, "%c", GROUP_SEP);
    const char *all = "", *v;
    int i;

    for (i = 0; i < MAX_GROUPS; i++) {
        if (!(v = mellon_var(tr, apr_psprintf(tr->pool, "%s_%d", name, i)))) {
            break;
        }
        if (!strchr(v, GROUP_SEP)) {
            all = apr_pstrcat(tr->pool, all, v, sep, NULL);
        }
    }
    if (i == 0 && (v = mellon_var(tr, name)) && !strchr(v, GROUP_SEP)) {
        all = v;
    }
    return all;
}

/* Starlette's Set-Cookie for the session cookie: value, or NULL to clear. */
static void set_session_cookie(to_req_t *tr, const char *value)
{
    const char *flags = to_config_session_secure(tr->conf) ? "httponly; samesite=lax; secure"
                                                           : "httponly; samesite=lax";
    const char *header;

    if (value) {
        header = apr_psprintf(tr->pool, "%s=%s; path=/; Max-Age=%" APR_INT64_T_FMT "; %s",
                              TO_SESSION_COOKIE, value, TO_SESSION_MAX_AGE, flags);
    }
    else {
        header =
            apr_psprintf(tr->pool, "%s=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; %s",
                         TO_SESSION_COOKIE, flags);
    }
    apr_table_addn(tr->r->err_headers_out, "Set-Cookie", header);
}

static int redirect(to_req_t *tr, const char *location)
{
    apr_table_setn(tr->r->err_headers_out, "Location", location);
    tr->out = "";
    tr->out_len = 0;
    return HTTP_MOVED_TEMPORARILY;
}

/* The return_to parameter when it is a front-end page; NULL (with the
 * answer set) when it is anything else. Without one: "", or with
 * front_end_default the first front-end origin ("" when none is named). */
static const char *checked_return_to(to_req_t *tr, int front_end_default)
{
    const apr_array_header_t *origins = to_config_cors_origins(tr->conf);
    const char *return_to = to_query(tr, "return_to");
    int i;

    if (return_to) {
        if (to_return_to_allowed(origins, return_to)) {
            return return_to;
        }
        to_answer_detail(tr, HTTP_BAD_REQUEST, "return_to is not a page of the front-end");
        return NULL;
    }
    for (i = 0; front_end_default && i < origins->nelts; i++) {
        const char *o = APR_ARRAY_IDX(origins, i, const char *);
        if (strcmp(o, "*") != 0) {
            return o;
        }
    }
    return "";
}

/* The user, teams and session of mellon's identity, in one transaction;
 * the new session's id into *session_id. */
static int record_sign_in(to_req_t *tr, const char *email, const char *name, const char *groups,
                          const char **session_id)
{
    const char *user_id;
    int status;

    TO_RETURN_UNLESS_OK(to_db_begin(tr));
    if (!(user_id = to_db_value(tr, &status, "saml_user", email, name))) {
        return status != OK
                   ? status
                   : to_answer_detail(tr, HTTP_INTERNAL_SERVER_ERROR, "Authentication failed");
    }
    if (*groups) {
        TO_RETURN_UNLESS_OK(to_db_exec(tr, "saml_teams", NULL, groups, user_id));
    }
    if (!(*session_id = to_db_value(tr, &status, "saml_session", user_id))) {
        return status != OK
                   ? status
                   : to_answer_detail(tr, HTTP_INTERNAL_SERVER_ERROR, "Authentication failed");
    }
    return to_db_commit(tr);
}

int to_h_saml_login(to_req_t *tr)
{
    const char *secret = to_config_session_secret(tr->conf);
    const char *email_attr = to_config_saml_email_attr(tr->conf);
    const char *groups_attr = to_config_saml_groups_attr(tr->conf);
    const char *return_to, *email, *name, *groups, *session_id = NULL;
    apr_int64_t sid;

    if (!secret || !mellon_signed_in(tr)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, tr->r,
                      TO_LOGNO(00801) "SAML sign-in reached %s without %s", tr->r->uri,
                      secret ? "an identity from mod_auth_mellon (MellonEnable auth)"
                             : "TestObserverSessionSecret");
        return to_answer_detail(tr, HTTP_SERVICE_UNAVAILABLE,
                                "SAML authentication is not configured");
    }
    if (!(return_to = checked_return_to(tr, 0))) {
        return HTTP_BAD_REQUEST;
    }
    email = email_attr ? mellon_var(tr, email_attr) : tr->r->user;
    if (!email || strlen(email) > 320 || strchr(email, GROUP_SEP)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, tr->r,
                      TO_LOGNO(00802) "SAML identity without a usable email (attribute %s)",
                      email_attr ? email_attr : "NameID");
        return to_answer_detail(tr, HTTP_FORBIDDEN, "Authentication failed");
    }
    name = mellon_var(tr, to_config_saml_name_attr(tr->conf));
    groups = groups_attr ? mellon_values(tr, groups_attr) : "";
    TO_RETURN_UNLESS_OK(record_sign_in(tr, email, name ? name : email, groups, &session_id));

    sid = apr_atoi64(session_id);
    set_session_cookie(tr,
                       to_session_cookie_make(tr->pool, secret, sid, apr_time_sec(apr_time_now())));
    if (!*return_to) {
        return to_answer_text(tr, HTTP_OK, "{\"message\":\"Authentication successful\"}",
                              strlen("{\"message\":\"Authentication successful\"}"));
    }
    return redirect(tr, return_to);
}

int to_h_saml_logout(to_req_t *tr)
{
    const char *secret = to_config_session_secret(tr->conf);
    const char *return_to, *cookies, *value = NULL;
    apr_int64_t sid;
    int status = OK;

    if (!(return_to = checked_return_to(tr, 1))) {
        return HTTP_BAD_REQUEST;
    }
    /* signing out needs no CSRF header: a forged sign-out harms nobody */
    if ((cookies = apr_table_get(tr->r->headers_in, "Cookie"))) {
        value = to_cookie_find(tr->pool, cookies, TO_SESSION_COOKIE);
    }
    if (value && secret &&
        to_session_cookie_read(tr->pool, secret, value, apr_time_sec(apr_time_now()),
                               TO_SESSION_MAX_AGE, &sid)) {
        status = to_db_exec(tr, "saml_session_end", NULL,
                            apr_psprintf(tr->pool, "%" APR_INT64_T_FMT, sid));
    }
    /* the browser forgets the session even when its row could not go */
    if (value) {
        set_session_cookie(tr, NULL);
    }
    if (status != OK) {
        return status;
    }
    /* mellon ends its own session and the IdP's, then sends the browser on */
    return redirect(
        tr, apr_pstrcat(tr->pool, to_config_saml_endpoint(tr->conf), "/logout?ReturnTo=",
                        apr_pescape_urlencoded(tr->pool, *return_to ? return_to : "/"), NULL));
}

/* Reached only when the configuration does not hand these to mellon. */
static int saml_not_configured(to_req_t *tr)
{
    return to_answer_detail(tr, HTTP_SERVICE_UNAVAILABLE, "SAML authentication is not configured");
}

int to_h_saml_acs(to_req_t *tr)
{
    return saml_not_configured(tr);
}

int to_h_saml_sls_get(to_req_t *tr)
{
    return saml_not_configured(tr);
}

int to_h_saml_sls_post(to_req_t *tr)
{
    return saml_not_configured(tr);
}
