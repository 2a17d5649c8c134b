/* API keys of applications (pure: APR only), shared by the module and
 * testobserver-admin. */
#ifndef TO_API_KEY_H
#define TO_API_KEY_H

#include <apr_pools.h>

/* "to_" then 32 random bytes in unpadded url-safe base64: 46 characters,
 * the shape of upstream's keys. */
#define TO_API_KEY_PREFIX "to_"
#define TO_API_KEY_BYTES 32
#define TO_API_KEY_LEN 46

/* A fresh key in *key (pool memory). APR_SUCCESS, or the status of the
 * random source. */
apr_status_t to_api_key_new(apr_pool_t *pool, const char **key);

#endif
