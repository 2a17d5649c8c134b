/* API keys of applications. */
#include <apr_encode.h>
#include <apr_general.h>
#include <apr_strings.h>

#include "to_api_key.h"

apr_status_t to_api_key_new(apr_pool_t *pool, const char **key)
{
    unsigned char bytes[TO_API_KEY_BYTES];
    apr_status_t rv = apr_generate_random_bytes(bytes, sizeof(bytes));

    if (rv != APR_SUCCESS) {
        return rv;
    }
    *key = apr_pstrcat(
        pool, TO_API_KEY_PREFIX,
        apr_pencode_base64_binary(pool, bytes, sizeof(bytes), APR_ENCODE_BASE64URL, NULL), NULL);
    return APR_SUCCESS;
}
