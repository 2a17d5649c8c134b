/* Where a sign-in or sign-out may send the browser back to: only pages of
 * the front-end's own origins, so /v1/auth/saml/login?return_to=... is
 * never an open redirect. Pure: APR only. */
#ifndef TO_RETURN_TO_H
#define TO_RETURN_TO_H

#include <apr_tables.h>

/* 1 when url is an absolute http(s) URL, printable ASCII without spaces
 * or backslashes and without user information, whose scheme://host[:port]
 * is one of origins (case-insensitively); 0 otherwise. A "*" among the
 * origins matches nothing here: it opens CORS, not redirects. */
int to_return_to_allowed(const apr_array_header_t *origins, const char *url);

#endif
