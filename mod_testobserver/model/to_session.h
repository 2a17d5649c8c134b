/* Session cookies as upstream's web framework writes them, so that a
 * deployment moving from upstream keeps its signed-in users: the cookie
 * value is base64(JSON {"id": <user_session.id>}), a timestamp and an
 * HMAC-SHA1 signature, joined by dots, in the format of Starlette's
 * SessionMiddleware (itsdangerous' TimestampSigner with its default
 * "django-concat" key derivation). Pure: APR and json-c only. */
#ifndef TO_SESSION_H
#define TO_SESSION_H

#include <apr_pools.h>

/* The cookie's name and lifetime, as upstream's (14 days). */
#define TO_SESSION_COOKIE "session"
#define TO_SESSION_MAX_AGE ((apr_int64_t)14 * 24 * 60 * 60)

/* The cookie value for session_id signed at time now (seconds since the
 * epoch) with secret. */
const char *to_session_cookie_make(apr_pool_t *pool, const char *secret, apr_int64_t session_id,
                                   apr_int64_t now);

/* The cookie value carrying any JSON text (make() signs {"id": N}). */
const char *to_session_cookie_sign(apr_pool_t *pool, const char *secret, const char *json,
                                   apr_int64_t now);

/* Checks a cookie value: its signature under secret, its age (at most
 * max_age seconds, never from the future) and its payload. 1 with
 * *session_id set, or 0 for anything else. */
int to_session_cookie_read(apr_pool_t *pool, const char *secret, const char *value, apr_int64_t now,
                           apr_int64_t max_age, apr_int64_t *session_id);

/* The value of the cookie called name in a Cookie request header, or NULL. */
const char *to_cookie_find(apr_pool_t *pool, const char *header, const char *name);

/* HMAC-SHA1 of msg under key (RFC 2104), 20 bytes into out. */
void to_hmac_sha1(const unsigned char *key, apr_size_t key_len, const unsigned char *msg,
                  apr_size_t msg_len, unsigned char out[20]);

#endif
