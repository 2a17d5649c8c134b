/* Directives of mod_testobserver. */
#include <httpd.h>
#include <http_log.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "../to_private.h"
#include "to_config.h"
#include "to_config_parse.h"
#include "../sync/to_sync.h"

#ifndef TO_BUILD_VERSION
#define TO_BUILD_VERSION "0.0.0"
#endif

void *to_config_create(apr_pool_t *pool, char *dir)
{
    to_config_t *c = apr_pcalloc(pool, sizeof(*c));

    (void)dir;
    c->require_authentication = -1;
    c->max_body = -1;
    c->session_secure = -1;
    c->session_sweep = -1;
    return c;
}

void *to_config_merge(apr_pool_t *pool, void *basev, void *addv)
{
    const to_config_t *base = basev, *add = addv;
    to_config_t *c = apr_pcalloc(pool, sizeof(*c));

    c->version = add->version ? add->version : base->version;
    c->cors_origins = add->cors_origins ? add->cors_origins : base->cors_origins;
    c->ignore_permissions =
        add->ignore_permissions ? add->ignore_permissions : base->ignore_permissions;
    c->require_authentication = add->require_authentication != -1 ? add->require_authentication
                                                                  : base->require_authentication;
    c->max_body = add->max_body != -1 ? add->max_body : base->max_body;
    c->openapi_file = add->openapi_file ? add->openapi_file : base->openapi_file;
    c->docs_assets = add->docs_assets ? add->docs_assets : base->docs_assets;
    c->session_secret = add->session_secret ? add->session_secret : base->session_secret;
    c->session_secure = add->session_secure != -1 ? add->session_secure : base->session_secure;
    c->saml_email_attr = add->saml_email_attr ? add->saml_email_attr : base->saml_email_attr;
    c->saml_name_attr = add->saml_name_attr ? add->saml_name_attr : base->saml_name_attr;
    c->saml_groups_attr = add->saml_groups_attr ? add->saml_groups_attr : base->saml_groups_attr;
    c->saml_endpoint = add->saml_endpoint ? add->saml_endpoint : base->saml_endpoint;
    c->session_sweep = add->session_sweep != -1 ? add->session_sweep : base->session_sweep;
    return c;
}

static const char *set_version(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    to_config_t *c = dconf;

    if (err) {
        return err;
    }
    if (!*arg) {
        return "TestObserverVersion must not be empty";
    }
    c->version = arg;
    return NULL;
}

static const char *set_cors_origins(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    to_config_t *c = dconf;

    if (err) {
        return err;
    }
    if (!c->cors_origins) {
        c->cors_origins = apr_array_make(cmd->pool, 2, sizeof(const char *));
    }
    err = to_parse_origins(cmd->pool, arg, c->cors_origins);
    return err ? apr_pstrcat(cmd->pool, "TestObserverCORSOrigins: ", err, NULL) : NULL;
}

static const char *set_ignore_permissions(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    to_config_t *c = dconf;

    if (err) {
        return err;
    }
    if (!c->ignore_permissions) {
        c->ignore_permissions = apr_array_make(cmd->pool, 4, sizeof(const char *));
    }
    err = to_parse_permissions(cmd->pool, arg, c->ignore_permissions);
    return err ? apr_pstrcat(cmd->pool, "TestObserverIgnorePermissions: ", err, NULL) : NULL;
}

static const char *set_require_authentication(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    to_config_t *c = dconf;

    if (err) {
        return err;
    }
    err = to_parse_flag(arg, &c->require_authentication);
    return err ? apr_pstrcat(cmd->pool, "TestObserverRequireAuthentication ", err, NULL) : NULL;
}

static const char *set_max_body(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    to_config_t *c = dconf;

    if (err) {
        return err;
    }
    err = to_parse_size(arg, &c->max_body);
    return err ? apr_pstrcat(cmd->pool, "TestObserverMaxBodySize ", err, NULL) : NULL;
}

static const char *set_openapi_file(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    to_config_t *c = dconf;

    if (err) {
        return err;
    }
    c->openapi_file = ap_server_root_relative(cmd->pool, arg);
    return c->openapi_file ? NULL : "TestObserverOpenAPIFile: invalid path";
}

static const char *set_docs_assets(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    to_config_t *c = dconf;

    if (err) {
        return err;
    }
    c->docs_assets = arg;
    return NULL;
}

static const char *set_session_secret(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    to_config_t *c = dconf;

    if (err) {
        return err;
    }
    if (!*arg) {
        return "TestObserverSessionSecret must not be empty";
    }
    c->session_secret = arg;
    return NULL;
}

static const char *set_session_secure(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    to_config_t *c = dconf;

    if (err) {
        return err;
    }
    err = to_parse_flag(arg, &c->session_secure);
    return err ? apr_pstrcat(cmd->pool, "TestObserverSessionSecure ", err, NULL) : NULL;
}

/* TestObserverSAML*Attribute: the name mellon exports as MELLON_<name>. */
static const char *set_saml_attr(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    const char **field = (const char **)((char *)dconf + (apr_size_t)cmd->info);
    const char *p;

    if (err) {
        return err;
    }
    for (p = arg; *p; p++) {
        if (!apr_isalnum(*p) && *p != '_' && *p != '-' && *p != '.' && *p != ':') {
            break;
        }
    }
    if (!*arg || *p) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", arg,
                           "' is not an attribute name mellon exports", NULL);
    }
    *field = arg;
    return NULL;
}

static const char *set_saml_endpoint(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    to_config_t *c = dconf;
    apr_size_t n = strlen(arg);

    if (err) {
        return err;
    }
    while (n > 1 && arg[n - 1] == '/') {
        n--;
    }
    if (arg[0] != '/' || n < 2 || strpbrk(arg, "?#\\ ")) {
        return "TestObserverSAMLEndpoint must be a URL path, like MellonEndpointPath";
    }
    c->saml_endpoint = apr_pstrndup(cmd->pool, arg, n);
    return NULL;
}

static const char *set_session_sweep(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_LIMIT);
    to_config_t *c = dconf;
    char *end;
    apr_int64_t n;

    if (err) {
        return err;
    }
    if (!strcasecmp(arg, "off")) {
        c->session_sweep = 0;
        return NULL;
    }
    n = apr_strtoi64(arg, &end, 10);
    if (*end || end == arg || n < 1 || n > (apr_int64_t)7 * 86400) {
        return "TestObserverSessionSweep takes Off or seconds (1 to 604800)";
    }
    c->session_sweep = (int)n;
    return NULL;
}

const command_rec to_config_cmds[] = {
    AP_INIT_TAKE1("TestObserverVersion", set_version, NULL, RSRC_CONF | ACCESS_CONF,
                  "The version /v1/version reports (default: the build's git describe)"),
    AP_INIT_ITERATE(
        "TestObserverCORSOrigins", set_cors_origins, NULL, RSRC_CONF | ACCESS_CONF,
        "Origins allowed to call the API with credentials (default: " TO_DEFAULT_CORS_ORIGIN ")"),
    AP_INIT_ITERATE("TestObserverIgnorePermissions", set_ignore_permissions, NULL,
                    RSRC_CONF | ACCESS_CONF, "Permissions that every client is deemed to hold"),
    AP_INIT_TAKE1("TestObserverRequireAuthentication", set_require_authentication, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "On: routes open to anyone still need a user or an application"),
    AP_INIT_TAKE1("TestObserverMaxBodySize", set_max_body, NULL, RSRC_CONF | ACCESS_CONF,
                  "Largest request body accepted, in bytes (K, M, G suffixes)"),
    AP_INIT_TAKE1("TestObserverOpenAPIFile", set_openapi_file, NULL, RSRC_CONF | ACCESS_CONF,
                  "The OpenAPI document /openapi.json serves, with each operation's permission"),
    AP_INIT_TAKE1("TestObserverDocsAssets", set_docs_assets, NULL, RSRC_CONF | ACCESS_CONF,
                  "URL path of the swagger-ui-dist files the /docs page loads"),
    AP_INIT_TAKE1(
        "TestObserverSessionSecret", set_session_secret, NULL, RSRC_CONF | ACCESS_CONF,
        "Key that signs session cookies (upstream's SESSIONS_SECRET); unset: no sessions"),
    AP_INIT_TAKE1("TestObserverSessionSecure", set_session_secure, NULL, RSRC_CONF | ACCESS_CONF,
                  "On (default): the session cookie is sent over https only"),
    AP_INIT_TAKE1("TestObserverSAMLEmailAttribute", set_saml_attr,
                  (void *)APR_OFFSETOF(to_config_t, saml_email_attr), RSRC_CONF | ACCESS_CONF,
                  "SAML attribute holding the user's email (default: the NameID)"),
    AP_INIT_TAKE1("TestObserverSAMLNameAttribute", set_saml_attr,
                  (void *)APR_OFFSETOF(to_config_t, saml_name_attr), RSRC_CONF | ACCESS_CONF,
                  "SAML attribute holding the user's name (default: fullname)"),
    AP_INIT_TAKE1("TestObserverSAMLGroupsAttribute", set_saml_attr,
                  (void *)APR_OFFSETOF(to_config_t, saml_groups_attr), RSRC_CONF | ACCESS_CONF,
                  "SAML attribute whose values name the user's teams (default: none)"),
    AP_INIT_TAKE1("TestObserverSAMLEndpoint", set_saml_endpoint, NULL, RSRC_CONF | ACCESS_CONF,
                  "mellon's MellonEndpointPath (default: " TO_DEFAULT_SAML_ENDPOINT ")"),
    AP_INIT_TAKE1("TestObserverSessionSweep", set_session_sweep, NULL, RSRC_CONF,
                  "Seconds between deletions of expired sessions, or Off (default: 3600)"),
    TO_SYNC_DIRECTIVES,
    {NULL}};

const to_config_t *to_config_get(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &testobserver_module);
}

const char *to_config_version(const to_config_t *c)
{
    return c->version ? c->version : TO_BUILD_VERSION;
}

const apr_array_header_t *to_config_cors_origins(const to_config_t *c)
{
    static const char *dflt = TO_DEFAULT_CORS_ORIGIN;
    static const apr_array_header_t dflt_list = {NULL, sizeof(const char *), 1, 1, (char *)&dflt};

    return c->cors_origins ? c->cors_origins : &dflt_list;
}

int to_config_permission_ignored(const to_config_t *c, const char *permission)
{
    int i;

    for (i = 0; c->ignore_permissions && i < c->ignore_permissions->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(c->ignore_permissions, i, const char *), permission)) {
            return 1;
        }
    }
    return 0;
}

int to_config_require_authentication(const to_config_t *c)
{
    return c->require_authentication == 1;
}

apr_off_t to_config_max_body(const to_config_t *c)
{
    return c->max_body != -1 ? c->max_body : TO_DEFAULT_MAX_BODY;
}

const char *to_config_openapi_file(const to_config_t *c)
{
    return c->openapi_file;
}

const char *to_config_docs_assets(const to_config_t *c)
{
    return c->docs_assets ? c->docs_assets : "/docs/assets";
}

const char *to_config_session_secret(const to_config_t *c)
{
    return c->session_secret;
}

int to_config_session_secure(const to_config_t *c)
{
    return c->session_secure != 0;
}

const char *to_config_saml_email_attr(const to_config_t *c)
{
    return c->saml_email_attr;
}

const char *to_config_saml_name_attr(const to_config_t *c)
{
    return c->saml_name_attr ? c->saml_name_attr : "fullname";
}

const char *to_config_saml_groups_attr(const to_config_t *c)
{
    return c->saml_groups_attr;
}

const char *to_config_saml_endpoint(const to_config_t *c)
{
    return c->saml_endpoint ? c->saml_endpoint : TO_DEFAULT_SAML_ENDPOINT;
}

int to_config_session_sweep(const to_config_t *c)
{
    return c->session_sweep != -1 ? c->session_sweep : TO_DEFAULT_SESSION_SWEEP;
}
