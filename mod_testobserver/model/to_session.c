/* Signed session cookies compatible with upstream's (see to_session.h). */
#include <string.h>

#include <apr_base64.h>
#include <apr_sha1.h>
#include <apr_strings.h>
#include <json-c/json.h>

#include "to_session.h"

#define SIGNER_SALT "itsdangerous.Signer"

void to_hmac_sha1(const unsigned char *key, apr_size_t key_len, const unsigned char *msg,
                  apr_size_t msg_len, unsigned char out[20])
{
    unsigned char block[64], pad[64], inner[APR_SHA1_DIGESTSIZE];
    apr_sha1_ctx_t ctx;
    int i;

    memset(block, 0, sizeof(block));
    if (key_len > sizeof(block)) {
        apr_sha1_init(&ctx);
        apr_sha1_update_binary(&ctx, key, (unsigned int)key_len);
        apr_sha1_final(block, &ctx);
    }
    else {
        memcpy(block, key, key_len);
    }
    for (i = 0; i < 64; i++) {
        pad[i] = block[i] ^ 0x36;
    }
    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, pad, sizeof(pad));
    apr_sha1_update_binary(&ctx, msg, (unsigned int)msg_len);
    apr_sha1_final(inner, &ctx);
    for (i = 0; i < 64; i++) {
        pad[i] = block[i] ^ 0x5c;
    }
    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, pad, sizeof(pad));
    apr_sha1_update_binary(&ctx, inner, sizeof(inner));
    apr_sha1_final(out, &ctx);
}

/* base64 without padding, url-safe alphabet (itsdangerous' encoding) */
static char *b64url(apr_pool_t *pool, const unsigned char *data, int len)
{
    char *out = apr_palloc(pool, (apr_size_t)apr_base64_encode_len(len));
    char *c;

    apr_base64_encode_binary(out, data, len);
    for (c = out; *c; c++) {
        if (*c == '+') {
            *c = '-';
        }
        else if (*c == '/') {
            *c = '_';
        }
        else if (*c == '=') {
            *c = '\0';
            break;
        }
    }
    return out;
}

/* Strict decoding of the url-safe form; -1 on a character outside it. */
static int b64url_decode(apr_pool_t *pool, const char *in, apr_size_t len, unsigned char **out)
{
    char *std = apr_palloc(pool, len + 4);
    apr_size_t i;

    for (i = 0; i < len; i++) {
        char c = in[i];
        if (c == '-') {
            c = '+';
        }
        else if (c == '_') {
            c = '/';
        }
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return -1;
        }
        std[i] = c;
    }
    if (len % 4 == 1) {
        return -1;
    }
    while (i % 4) {
        std[i++] = '=';
    }
    std[i] = '\0';
    *out = apr_palloc(pool, (apr_size_t)apr_base64_decode_len(std) + 1);
    return apr_base64_decode_binary(*out, std);
}

static void derived_key(const char *secret, unsigned char key[APR_SHA1_DIGESTSIZE])
{
    apr_sha1_ctx_t ctx;

    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, (const unsigned char *)SIGNER_SALT "signer",
                           (unsigned int)strlen(SIGNER_SALT "signer"));
    apr_sha1_update_binary(&ctx, (const unsigned char *)secret, (unsigned int)strlen(secret));
    apr_sha1_final(key, &ctx);
}

static const char *signature(apr_pool_t *pool, const char *secret, const char *signed_part,
                             apr_size_t len)
{
    unsigned char key[APR_SHA1_DIGESTSIZE], mac[20];

    derived_key(secret, key);
    to_hmac_sha1(key, sizeof(key), (const unsigned char *)signed_part, len, mac);
    return b64url(pool, mac, sizeof(mac));
}

const char *to_session_cookie_make(apr_pool_t *pool, const char *secret, apr_int64_t session_id,
                                   apr_int64_t now)
{
    /* the spacing of Python's json.dumps, so the bytes equal upstream's */
    return to_session_cookie_sign(
        pool, secret, apr_psprintf(pool, "{\"id\": %" APR_INT64_T_FMT "}", session_id), now);
}

const char *to_session_cookie_sign(apr_pool_t *pool, const char *secret, const char *json,
                                   apr_int64_t now)
{
    char *payload = apr_palloc(pool, (apr_size_t)apr_base64_encode_len((int)strlen(json)));
    unsigned char ts[8];
    int i, first = 0;
    char *value;

    apr_base64_encode(payload, json, (int)strlen(json));
    for (i = 0; i < 8; i++) {
        ts[i] = (unsigned char)(((apr_uint64_t)now >> (56 - 8 * i)) & 0xff);
    }
    while (first < 7 && ts[first] == 0) {
        first++;
    }
    value = apr_pstrcat(pool, payload, ".", b64url(pool, ts + first, 8 - first), NULL);
    return apr_pstrcat(pool, value, ".", signature(pool, secret, value, strlen(value)), NULL);
}

static int same(const char *a, const char *b)
{
    apr_size_t la = strlen(a), lb = strlen(b), i;
    unsigned char diff = la != lb;

    for (i = 0; i < la && i < lb; i++) {
        diff |= (unsigned char)(a[i] ^ b[i]);
    }
    return diff == 0;
}

static int payload_id(apr_pool_t *pool, const char *payload, apr_size_t len, apr_int64_t *id)
{
    char *enc = apr_pstrmemdup(pool, payload, len);
    char *json;
    int n;
    json_object *obj, *field;
    int ok = 0;

    /* standard base64 with padding */
    if (strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != len) {
        return 0;
    }
    json = apr_palloc(pool, (apr_size_t)apr_base64_decode_len(enc) + 1);
    n = apr_base64_decode(json, enc);
    if (n <= 0) {
        return 0;
    }
    json[n] = '\0';
    obj = json_tokener_parse(json);
    if (obj && json_object_is_type(obj, json_type_object) &&
        json_object_object_get_ex(obj, "id", &field) && json_object_is_type(field, json_type_int)) {
        *id = json_object_get_int64(field);
        ok = *id > 0 && *id <= 2147483647;
    }
    json_object_put(obj);
    return ok;
}

int to_session_cookie_read(apr_pool_t *pool, const char *secret, const char *value, apr_int64_t now,
                           apr_int64_t max_age, apr_int64_t *session_id)
{
    const char *sig, *ts;
    apr_size_t signed_len, ts_len;
    unsigned char *raw;
    apr_uint64_t stamp = 0;
    int n, i;

    if (!secret || !*secret || !value || strlen(value) > 4096) {
        return 0;
    }
    sig = strrchr(value, '.');
    if (!sig || sig == value) {
        return 0;
    }
    signed_len = (apr_size_t)(sig - value);
    if (!same(sig + 1, signature(pool, secret, value, signed_len))) {
        return 0;
    }
    for (ts = value + signed_len - 1; ts > value && *ts != '.'; ts--) {
    }
    if (ts == value) {
        return 0;
    }
    ts_len = (apr_size_t)(value + signed_len - ts - 1);
    n = ts_len ? b64url_decode(pool, ts + 1, ts_len, &raw) : -1;
    if (n <= 0 || n > 8) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        stamp = (stamp << 8) | raw[i];
    }
    if (stamp > (apr_uint64_t)now || (apr_int64_t)(now - (apr_int64_t)stamp) > max_age) {
        return 0;
    }
    return payload_id(pool, value, (apr_size_t)(ts - value), session_id);
}

const char *to_cookie_find(apr_pool_t *pool, const char *header, const char *name)
{
    apr_size_t name_len = strlen(name);
    const char *p = header;

    while (p && *p) {
        const char *end;
        while (*p == ' ' || *p == '\t' || *p == ';') {
            p++;
        }
        end = strchr(p, ';');
        if (!end) {
            end = p + strlen(p);
        }
        if ((apr_size_t)(end - p) > name_len && !strncmp(p, name, name_len) && p[name_len] == '=') {
            const char *v = p + name_len + 1;
            apr_size_t len = (apr_size_t)(end - v);
            while (len && (v[len - 1] == ' ' || v[len - 1] == '\t')) {
                len--;
            }
            if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
                v++;
                len -= 2;
            }
            return apr_pstrmemdup(pool, v, len);
        }
        p = end;
    }
    return NULL;
}
