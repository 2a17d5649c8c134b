/* libFuzzer target: the issue sync's readers of tracker answers and its
 * rate-limit reading (sync/to_sync_track.c). The first byte picks the
 * tracker; the rest is the answer (for Launchpad, the bug and its tasks
 * separated by a NUL byte; for the headers, three NUL-separated values).
 * Invariants: a read answer has a title, a status OPEN or CLOSED and sorted
 * labels, and a failure says why; a pause is within a day from now. */
#include "fuzz_common.h"

#include "sync/to_sync_track.h"

static void check(const char *err, const to_tracked_t *t)
{
    int i;

    if (err) {
        TO_FUZZ_ASSERT(*err);
        return;
    }
    TO_FUZZ_ASSERT(t->title != NULL && t->labels != NULL);
    TO_FUZZ_ASSERT(!strcmp(t->status, "OPEN") || !strcmp(t->status, "CLOSED"));
    for (i = 1; i < t->labels->nelts; i++) {
        TO_FUZZ_ASSERT(strcmp(APR_ARRAY_IDX(t->labels, i - 1, const char *),
                              APR_ARRAY_IDX(t->labels, i, const char *)) <= 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *pool;
    const char *body, *second, *third;
    size_t len, first;
    to_tracked_t t;
    apr_time_t now = apr_time_from_sec(1700000000), until;
    static const int statuses[] = {200, 403, 429, 503};

    if (size < 1) {
        return 0;
    }
    pool = to_fuzz_pool();
    body = to_fuzz_cstr(pool, data + 1, size - 1);
    len = size - 1;
    first = strlen(body);
    second = first < len ? body + first + 1 : "";
    memset(&t, 0, sizeof(t));
    switch (data[0] % 4) {
    case 0:
        check(to_sync_read_github(pool, body, len, &t), &t);
        break;
    case 1:
        check(to_sync_read_jira(pool, body, len, &t), &t);
        break;
    case 2:
        check(to_sync_read_launchpad(pool, body, first, second, strlen(second), "ubuntu", &t), &t);
        break;
    default:
        third = first < len && first + 1 + strlen(second) < len ? second + strlen(second) + 1 : "";
        until = to_sync_backoff(statuses[(data[0] >> 2) & 3], body, second, third, now);
        TO_FUZZ_ASSERT(until == 0 || (until > now && until <= now + apr_time_from_sec(86400)));
        break;
    }
    apr_pool_destroy(pool);
    return 0;
}
