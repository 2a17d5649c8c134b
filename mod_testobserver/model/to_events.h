/* Testflinger job events: their timestamps, read as pydantic reads a
 * datetime field, and what a list of them says about its test execution
 * (pure: APR and json-c only). */
#ifndef TO_EVENTS_H
#define TO_EVENTS_H

#include <stddef.h>

#include <apr_pools.h>
#include <json-c/json.h>

#include "to_validate.h"

/* A naive timestamp: the wall-clock time the client wrote, and the UTC
 * offset written with it (minutes east; 0 when none was). */
typedef struct {
    int year, month, day;
    int hour, minute, second, microsecond;
    int offset_minutes;
} to_datetime_t;

/* Reads v as pydantic (lax mode) reads a datetime: an RFC 3339 date-time
 * ("T", "t", "_" or a space between date and time, seconds and fraction
 * optional, "Z" or a +hh[:]mm offset), a bare date (midnight), or a Unix
 * timestamp as a number or a numeric string (in milliseconds past 2e10).
 * An offset is dropped, not applied; timestamps give UTC.
 * Returns NULL with *out set, or the pydantic error type with *error set
 * to the text of ctx.error (NULL for "datetime_type", which has no ctx). */
const char *to_datetime_read(json_object *v, to_datetime_t *out, const char **error);

/* "YYYY-MM-DDTHH:MM:SS.ffffff", which PostgreSQL reads as a timestamp. */
const char *to_datetime_text(apr_pool_t *pool, const to_datetime_t *dt);

/* The same moment in UTC (the offset applied), in the same form: what a
 * naive UTC column is compared with. Clamped to years 1 to 9999. */
const char *to_datetime_utc_text(apr_pool_t *pool, const to_datetime_t *dt);

/* Validates a datetime field, adding pydantic's error at loc. Returns 1
 * with *out set when v is acceptable. */
int to_validate_datetime(to_verr_t *e, json_object *loc, json_object *v, to_datetime_t *out);

/* One event as a status update carries it. */
typedef struct {
    const char *name;
    const char *detail;
} to_event_t;

/* What a whole event list, in the order it was sent, says. */
typedef struct {
    int ended;                /* the last event is job_end */
    const char *resource_url; /* detail of a first job_start event, or NULL */
} to_events_summary_t;

void to_events_summarise(const to_event_t *events, size_t n, to_events_summary_t *out);

/* The status an execution now in status current takes after its event list:
 * ENDED_PREMATURELY once the job ended, unless the execution already PASSED
 * or FAILED; otherwise current. */
const char *to_events_status(const to_events_summary_t *summary, const char *current);

#endif
