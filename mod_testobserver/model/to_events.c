/* Testflinger job events: timestamps and what an event list implies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "to_events.h"

/* Past this many (seconds), a Unix timestamp counts milliseconds. */
#define MS_WATERSHED 20000000000LL
#define UNIX_0000 (-62167219200LL) /* 0000-01-01T00:00:00 */
#define UNIX_10000 253402300800LL  /* 10000-01-01T00:00:00 */

/* pydantic's wording (ctx.error) of the failures that can be reported */
#define E_TOO_SHORT "input is too short"
#define E_EXTRA "unexpected extra characters at the end of the input"
#define E_YEAR "invalid character in year"
#define E_MONTH "invalid character in month"
#define E_DAY "invalid character in day"
#define E_DATE_SEP "invalid date separator, expected `-`"
#define E_MONTH_RANGE "month value is outside expected range of 1-12"
#define E_DAY_RANGE "day value is outside expected range"
#define E_TOO_LARGE "dates after 9999 are not supported as unix timestamps"
#define E_TOO_SMALL "dates before 0000 are not supported as unix timestamps"
#define E_YEAR_ZERO "year 0 is out of range"
#define E_NAN "NaN values not permitted"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Two digits at p into *out; 0 when either is not a digit. */
static int two_digits(const char *p, int *out)
{
    if (!is_digit(p[0]) || !is_digit(p[1])) {
        return 0;
    }
    *out = (p[0] - '0') * 10 + (p[1] - '0');
    return 1;
}

/* The YYYY-MM-DD at the start of s (at least 10 bytes): NULL or the error. */
static const char *date_part(const char *s, to_datetime_t *dt)
{
    int i, year = 0, month, day, days;

    for (i = 0; i < 4; i++) {
        if (!is_digit(s[i])) {
            return E_YEAR;
        }
        year = year * 10 + (s[i] - '0');
    }
    if (s[4] != '-') {
        return E_DATE_SEP;
    }
    if (!two_digits(s + 5, &month)) {
        return E_MONTH;
    }
    if (s[7] != '-') {
        return E_DATE_SEP;
    }
    if (!two_digits(s + 8, &day)) {
        return E_DAY;
    }
    switch (month) {
    case 1:
    case 3:
    case 5:
    case 7:
    case 8:
    case 10:
    case 12:
        days = 31;
        break;
    case 4:
    case 6:
    case 9:
    case 11:
        days = 30;
        break;
    case 2:
        days = (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
        break;
    default:
        return E_MONTH_RANGE;
    }
    if (day < 1 || day > days) {
        return E_DAY_RANGE;
    }
    dt->year = year;
    dt->month = month;
    dt->day = day;
    return NULL;
}

/* A whole RFC 3339 date-time as pydantic accepts it; 1 when s is one. Its
 * own failures are never reported (pydantic reports the date's instead). */
static int datetime_text(const char *s, size_t len, to_datetime_t *dt)
{
    size_t p = 11;
    int hour, minute, second = 0, micro = 0, offset = 0;

    if (len < 16 || date_part(s, dt) || !strchr("Tt _", s[10]) || s[10] == '\0') {
        return 0;
    }
    if (!two_digits(s + p, &hour) || s[p + 2] != ':' || !two_digits(s + p + 3, &minute)) {
        return 0;
    }
    p += 5;
    if (p < len && s[p] == ':') {
        if (len < p + 3 || !two_digits(s + p + 1, &second)) {
            return 0;
        }
        p += 3;
        if (p < len && (s[p] == '.' || s[p] == ',')) {
            size_t start = ++p;
            int n = 0;

            /* digits past the sixth are dropped, not rounded */
            for (; p < len && is_digit(s[p]); p++) {
                if (n < 6) {
                    micro = micro * 10 + (s[p] - '0');
                    n++;
                }
            }
            if (p == start) {
                return 0;
            }
            for (; n < 6; n++) {
                micro *= 10;
            }
        }
    }
    if (hour > 23 || minute > 59 || second > 59) {
        return 0;
    }
    if (p < len) {
        int oh, om, sign = 1;

        if (s[p] == 'Z' || s[p] == 'z') {
            p++;
        }
        else {
            if (s[p] == '+' || s[p] == '-') {
                sign = s[p] == '-' ? -1 : 1;
                p++;
            }
            else if (len - p >= 3 && !memcmp(s + p, "\xe2\x88\x92", 3)) { /* U+2212 minus */
                sign = -1;
                p += 3;
            }
            else {
                return 0;
            }
            if (len < p + 2 || !two_digits(s + p, &oh)) {
                return 0;
            }
            p += 2;
            if (p < len && s[p] == ':') {
                p++;
            }
            if (len < p + 2 || !two_digits(s + p, &om) || oh > 23 || om > 59) {
                return 0;
            }
            p += 2;
            offset = sign * (oh * 60 + om);
        }
    }
    if (p != len) {
        return 0;
    }
    dt->hour = hour;
    dt->minute = minute;
    dt->second = second;
    dt->microsecond = micro;
    dt->offset_minutes = offset;
    return 1;
}

/* Is s a number: sign, digits, optional fraction? 1 for an integer that
 * fits 64 bits (*iv), 2 for any other number (*fv), 0 otherwise. */
static int numeric_text(const char *s, size_t len, int64_t *iv, double *fv)
{
    size_t p = 0;
    int digits = 0, fraction = 0, overflow = 0, negative = 0;
    uint64_t mag = 0;

    if (p < len && (s[p] == '+' || s[p] == '-')) {
        negative = s[p] == '-';
        p++;
    }
    for (; p < len && is_digit(s[p]); p++, digits++) {
        if (mag > (uint64_t)(INT64_MAX - (s[p] - '0')) / 10) {
            overflow = 1;
        }
        else {
            mag = mag * 10 + (uint64_t)(s[p] - '0');
        }
    }
    if (p < len && s[p] == '.') {
        fraction = 1;
        for (p++; p < len && is_digit(s[p]); p++) {
            digits++;
        }
    }
    if (p != len || digits == 0) {
        return 0;
    }
    if (!fraction && !overflow) {
        *iv = negative ? -(int64_t)mag : (int64_t)mag;
        return 1;
    }
    *fv = strtod(s, NULL);
    return 2;
}

/* Days since 1970-01-01 to a proleptic Gregorian date. */
static void civil_date(int64_t days, to_datetime_t *dt)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;

    dt->year = (int)(yoe + era * 400 + (month <= 2));
    dt->month = (int)month;
    dt->day = (int)(doy - (153 * mp + 2) / 5 + 1);
}

/* A Unix timestamp plus microseconds to UTC; the timestamp counts
 * milliseconds past the watershed (the microseconds then scale too). */
static const char *from_timestamp(int64_t ts, int64_t micro, to_datetime_t *dt)
{
    int64_t secs = ts, days, rest;

    if (ts == INT64_MIN) {
        return E_TOO_SMALL;
    }
    if (llabs(ts) > MS_WATERSHED) {
        int64_t extra = (ts % 1000) * 1000;

        secs = ts / 1000;
        if (extra < 0) {
            secs -= 1;
            extra += 1000000;
        }
        micro = micro / 1000 + extra;
    }
    secs += micro / 1000000;
    micro %= 1000000;
    if (secs < UNIX_0000) {
        return E_TOO_SMALL;
    }
    if (secs >= UNIX_10000) {
        return E_TOO_LARGE;
    }
    days = secs / 86400;
    rest = secs % 86400;
    if (rest < 0) {
        rest += 86400;
        days--;
    }
    civil_date(days, dt);
    dt->hour = (int)(rest / 3600);
    dt->minute = (int)(rest / 60 % 60);
    dt->second = (int)(rest % 60);
    dt->microsecond = (int)micro;
    return NULL;
}

/* floor(f) as a 64-bit integer, saturating as Rust's "as" does (and
 * without libm). */
static int64_t floor_int(double f)
{
    int64_t i;

    if (f != f) {
        return 0;
    }
    if (f >= 9223372036854775807.0) {
        return INT64_MAX;
    }
    if (f <= -9223372036854775808.0) {
        return INT64_MIN;
    }
    i = (int64_t)f;
    return (double)i > f ? i - 1 : i;
}

/* A fraction of a second in microseconds, rounded half away from zero. */
static int64_t micro_of(double fraction)
{
    double us = fraction * 1e6 + 0.5;

    return us < 1 ? 0 : us > 4294967295.0 ? 4294967295LL : (int64_t)us;
}

/* A numeric string with a fraction: the fraction is measured from the
 * floor, so "-1.25" is 1.25 s before the epoch. */
static const char *from_float_text(double f, to_datetime_t *dt)
{
    int64_t secs;

    if (f > (double)MS_WATERSHED || f < -(double)MS_WATERSHED) {
        f /= 1000;
    }
    secs = floor_int(f);
    return from_timestamp(secs, micro_of(f - (double)secs), dt);
}

/* A JSON number with a fraction: pydantic adds the fraction's magnitude to
 * the floor (so -1.25 reads as -1.75 s); kept for compatibility. */
static const char *from_float_number(double f, to_datetime_t *dt)
{
    int64_t secs = floor_int(f);
    double fraction = 0;

    if (f != f) {
        return E_NAN;
    }
    if (secs != INT64_MIN && secs != INT64_MAX) {
        fraction = f - (double)(secs < 0 && (double)secs != f ? secs + 1 : secs);
    }
    return from_timestamp(secs, micro_of(fraction < 0 ? -fraction : fraction), dt);
}

static const char *checked_year(to_datetime_t *dt, const char **error)
{
    if (dt->year == 0) {
        *error = E_YEAR_ZERO;
        return "datetime_parsing";
    }
    return NULL;
}

static const char *read_text(const char *s, size_t len, to_datetime_t *dt, const char **error)
{
    int64_t iv = 0;
    double fv = 0;
    int kind = numeric_text(s, len, &iv, &fv);
    const char *err;

    if (datetime_text(s, len, dt) || (kind == 1 && !from_timestamp(iv, 0, dt)) ||
        (kind == 2 && !from_float_text(fv, dt))) {
        return checked_year(dt, error);
    }
    /* not a date-time: pydantic falls back to a bare date, and reports
     * why that failed */
    memset(dt, 0, sizeof(*dt));
    if (len < 10) {
        err = E_TOO_SHORT;
    }
    else if (!(err = date_part(s, dt)) && len > 10) {
        err = E_EXTRA;
    }
    if (!err) {
        return checked_year(dt, error);
    }
    if (kind == 1) {
        err = from_timestamp(iv, 0, dt);
    }
    *error = err;
    return "datetime_from_date_parsing";
}

const char *to_datetime_read(json_object *v, to_datetime_t *out, const char **error)
{
    const char *err;

    memset(out, 0, sizeof(*out));
    *error = NULL;
    switch (json_object_get_type(v)) {
    case json_type_string:
        return read_text(json_object_get_string(v), (size_t)json_object_get_string_len(v), out,
                         error);
    case json_type_int:
        err = from_timestamp(json_object_get_int64(v), 0, out);
        break;
    case json_type_double:
        err = from_float_number(json_object_get_double(v), out);
        break;
    default:
        return "datetime_type";
    }
    if (err) {
        memset(out, 0, sizeof(*out));
        *error = err;
        return "datetime_parsing";
    }
    return checked_year(out, error);
}

const char *to_datetime_text(apr_pool_t *pool, const to_datetime_t *dt)
{
    return apr_psprintf(pool, "%04d-%02d-%02dT%02d:%02d:%02d.%06d", dt->year, dt->month, dt->day,
                        dt->hour, dt->minute, dt->second, dt->microsecond);
}

/* Days from 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_of(int64_t year, int month, int day)
{
    int64_t era, yoe, doy, doe;

    year -= month <= 2;
    era = (year >= 0 ? year : year - 399) / 400;
    yoe = year - era * 400;
    doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

const char *to_datetime_utc_text(apr_pool_t *pool, const to_datetime_t *dt)
{
    to_datetime_t utc = *dt;
    int64_t minutes;

    if (dt->offset_minutes) {
        minutes = days_of(dt->year, dt->month, dt->day) * 1440 + (int64_t)dt->hour * 60 +
                  dt->minute - dt->offset_minutes;
        civil_date(minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440), &utc);
        minutes -= days_of(utc.year, utc.month, utc.day) * 1440;
        utc.hour = (int)(minutes / 60);
        utc.minute = (int)(minutes % 60);
        if (utc.year < 1) {
            return "0001-01-01T00:00:00.000000";
        }
        if (utc.year > 9999) {
            return "9999-12-31T23:59:59.999999";
        }
    }
    return to_datetime_text(pool, &utc);
}

int to_validate_datetime(to_verr_t *e, json_object *loc, json_object *v, to_datetime_t *out)
{
    const char *error, *type = to_datetime_read(v, out, &error);
    json_object *ctx;

    if (!type) {
        return 1;
    }
    if (!error) {
        to_verr_add(e, type, loc, "Input should be a valid datetime", v, NULL);
        return 0;
    }
    ctx = json_object_new_object();
    json_object_object_add(ctx, "error", json_object_new_string(error));
    to_verr_add(e, type, loc,
                apr_pstrcat(e->pool,
                            strcmp(type, "datetime_parsing")
                                ? "Input should be a valid datetime or date, "
                                : "Input should be a valid datetime, ",
                            error, NULL),
                v, ctx);
    return 0;
}

void to_events_summarise(const to_event_t *events, size_t n, to_events_summary_t *out)
{
    out->ended = n > 0 && !strcmp(events[n - 1].name, "job_end");
    out->resource_url = n > 0 && !strcmp(events[0].name, "job_start") ? events[0].detail : NULL;
}

const char *to_events_status(const to_events_summary_t *summary, const char *current)
{
    if (summary->ended && strcmp(current, "PASSED") && strcmp(current, "FAILED")) {
        return "ENDED_PREMATURELY";
    }
    return current;
}
