/* Routing table and matcher. */
#include <string.h>

#include <apr_strings.h>

#include "to_router.h"

/* Matches path against pattern segment by segment, collecting parameters. */
static int pattern_match(apr_pool_t *pool, const char *pattern, const char *path, to_match_t *m)
{
    const char *p = pattern, *s = path;

    m->nparams = 0;
    while (*p && *s) {
        if (*p == '{') {
            const char *pend = strchr(p, '}');
            const char *send = strchr(s, '/');
            size_t slen = send ? (size_t)(send - s) : strlen(s);

            if (!pend || slen == 0 || m->nparams >= TO_MAX_PATH_PARAMS) {
                return 0;
            }
            m->names[m->nparams] = apr_pstrmemdup(pool, p + 1, (apr_size_t)(pend - p - 1));
            m->values[m->nparams] = apr_pstrmemdup(pool, s, slen);
            m->nparams++;
            p = pend + 1;
            s += slen;
        }
        else if (*p == *s) {
            p++;
            s++;
        }
        else {
            return 0;
        }
    }
    return *p == '\0' && *s == '\0';
}

to_route_result_t to_route_match(apr_pool_t *pool, const to_route_t *routes, int nroutes,
                                 const char *method, const char *path, to_match_t *m)
{
    const to_route_t *partial = NULL;
    to_match_t partial_match;
    int i;

    memset(m, 0, sizeof(*m));
    for (i = 0; i < nroutes; i++) {
        if (!pattern_match(pool, routes[i].pattern, path, m)) {
            continue;
        }
        if (!strcmp(routes[i].method, method)) {
            m->route = &routes[i];
            return TO_ROUTE_FOUND;
        }
        if (!partial) {
            partial = &routes[i];
            partial_match = *m;
        }
    }
    if (partial) {
        *m = partial_match;
        m->route = partial;
        return TO_ROUTE_METHOD;
    }
    memset(m, 0, sizeof(*m));
    return TO_ROUTE_NONE;
}

const char *to_match_param(const to_match_t *m, const char *name)
{
    int i;

    for (i = 0; i < m->nparams; i++) {
        if (!strcmp(m->names[i], name)) {
            return m->values[i];
        }
    }
    return NULL;
}
