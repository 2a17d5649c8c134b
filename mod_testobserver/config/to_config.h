/* Directives of mod_testobserver: per-directory configuration that server
 * scope sets for every location, merged with "unset" sentinels. */
#ifndef TO_CONFIG_H
#define TO_CONFIG_H

#include <httpd.h>
#include <http_config.h>

#define TO_DEFAULT_CORS_ORIGIN "http://localhost:30001"
#define TO_DEFAULT_MAX_BODY ((apr_off_t)64 * 1024 * 1024)
#define TO_DEFAULT_SAML_ENDPOINT "/v1/auth/saml/mellon"
#define TO_DEFAULT_SESSION_SWEEP 3600

typedef struct {
    const char *version;                    /* NULL: the build's version */
    apr_array_header_t *cors_origins;       /* NULL: the front-end origin */
    apr_array_header_t *ignore_permissions; /* NULL: none */
    int require_authentication;             /* -1: Off */
    apr_off_t max_body;                     /* -1: TO_DEFAULT_MAX_BODY */
    const char *openapi_file;               /* NULL: no /openapi.json */
    const char *docs_assets;                /* NULL: /docs/assets */
    const char *session_secret;             /* NULL: no sessions */
    int session_secure;                     /* -1: On */
    const char *saml_email_attr;            /* NULL: mellon's user (the NameID) */
    const char *saml_name_attr;             /* NULL: "fullname", as upstream */
    const char *saml_groups_attr;           /* NULL: groups map to no teams */
    const char *saml_endpoint;              /* NULL: TO_DEFAULT_SAML_ENDPOINT */
    int session_sweep;                      /* seconds; -1: TO_DEFAULT_SESSION_SWEEP; 0: off */
} to_config_t;

extern const command_rec to_config_cmds[];

void *to_config_create(apr_pool_t *pool, char *dir);
void *to_config_merge(apr_pool_t *pool, void *base, void *add);

const to_config_t *to_config_get(request_rec *r);
const char *to_config_version(const to_config_t *c);
const apr_array_header_t *to_config_cors_origins(const to_config_t *c);
int to_config_permission_ignored(const to_config_t *c, const char *permission);
int to_config_require_authentication(const to_config_t *c);
apr_off_t to_config_max_body(const to_config_t *c);
const char *to_config_openapi_file(const to_config_t *c);
const char *to_config_docs_assets(const to_config_t *c);
/* The key that signs session cookies, or NULL when sessions are off. */
const char *to_config_session_secret(const to_config_t *c);
/* Whether the session cookie is marked Secure (upstream's default: yes). */
int to_config_session_secure(const to_config_t *c);
/* The mellon attributes (MELLON_<name>) sign-in reads: the email (NULL:
 * the user mellon authenticated, i.e. the NameID), the name and the
 * groups (NULL: none). */
const char *to_config_saml_email_attr(const to_config_t *c);
const char *to_config_saml_name_attr(const to_config_t *c);
const char *to_config_saml_groups_attr(const to_config_t *c);
/* mellon's MellonEndpointPath, without a trailing slash. */
const char *to_config_saml_endpoint(const to_config_t *c);
/* Seconds between sweeps of expired sessions; 0: no sweeping. */
int to_config_session_sweep(const to_config_t *c);

#endif
