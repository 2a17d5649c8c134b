/* Search filters of test results and test executions: parsing, validation
 * as FastAPI/pydantic words it, and the values the filter SQL binds. */
#include <limits.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "../json/to_json.h"
#include "to_enums.h"
#include "to_filters.h"

/* ---------------------------------------------------------------------- */
/* Integers as pydantic reads them from strings                           */

int to_pyint_parse(apr_pool_t *pool, const char *s, int *neg, const char **digits)
{
    const char *p = s, *end;
    char *buf, *o;

    while (apr_isspace(*p)) {
        p++;
    }
    end = p + strlen(p);
    while (end > p && apr_isspace(end[-1])) {
        end--;
    }
    *neg = 0;
    if (p < end && (*p == '+' || *p == '-')) {
        *neg = *p == '-';
        p++;
    }
    if (p == end || !apr_isdigit(*p)) {
        return 0;
    }
    o = buf = apr_palloc(pool, (apr_size_t)(end - p) + 1);
    for (; p < end && *p != '.'; p++) {
        if (apr_isdigit(*p)) {
            *o++ = *p;
        }
        /* one underscore between two digits */
        else if (*p != '_' || !apr_isdigit(p[-1]) || p + 1 == end || !apr_isdigit(p[1])) {
            return 0;
        }
    }
    if (p < end) {
        /* a fraction is fine as long as it is zero */
        if (++p == end) {
            return 0;
        }
        for (; p < end; p++) {
            if (*p != '0') {
                return 0;
            }
        }
    }
    *o = '\0';
    while (buf[0] == '0' && buf[1]) {
        buf++;
    }
    if (!strcmp(buf, "0")) {
        *neg = 0;
    }
    *digits = buf;
    return 1;
}

int to_pyint_value(int neg, const char *digits, apr_int64_t min, apr_int64_t max, apr_int64_t *out)
{
    apr_uint64_t mag = 0;
    apr_int64_t v;
    const char *d;

    if (strlen(digits) > 19) {
        return 0;
    }
    for (d = digits; *d; d++) {
        mag = mag * 10 + (apr_uint64_t)(*d - '0');
    }
    if (neg) {
        if (mag > (apr_uint64_t)INT64_MAX + 1) {
            return 0;
        }
        v = mag == (apr_uint64_t)INT64_MAX + 1 ? INT64_MIN : -(apr_int64_t)mag;
    }
    else {
        if (mag > (apr_uint64_t)INT64_MAX) {
            return 0;
        }
        v = (apr_int64_t)mag;
    }
    if (v < min || v > max) {
        return 0;
    }
    *out = v;
    return 1;
}

/* ---------------------------------------------------------------------- */
/* Datetimes as pydantic (speedate) reads them                            */

#define DATE_EXTRA "unexpected extra characters at the end of the input"
#define TS_AFTER "dates after 9999 are not supported as unix timestamps"
#define TS_BEFORE "dates before 0000 are not supported as unix timestamps"
#define SECONDS_MAX 253402300799LL     /* 9999-12-31T23:59:59 */
#define SECONDS_YEAR0 (-62167219200LL) /* 0000-01-01T00:00:00 */
#define SECONDS_YEAR1 (-62135596800LL) /* 0001-01-01T00:00:00 */

typedef struct {
    int year, month, day, hour, minute, second, micro;
    int aware, offset; /* offset in seconds east of UTC */
} dt_t;

static int digits_at(const char *s, int from, int n, int *out)
{
    int i, v = 0;

    for (i = from; i < from + n; i++) {
        if (!apr_isdigit(s[i])) {
            return 0;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The date at the start of s; NULL, or speedate's words for what is wrong. */
static const char *date_part(const char *s, apr_size_t n, dt_t *dt)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max;

    if (n < 10) {
        return "input is too short";
    }
    if (!digits_at(s, 0, 4, &dt->year)) {
        return "invalid character in year";
    }
    if (s[4] != '-') {
        return "invalid date separator, expected `-`";
    }
    if (!digits_at(s, 5, 2, &dt->month)) {
        return "invalid character in month";
    }
    if (s[7] != '-') {
        return "invalid date separator, expected `-`";
    }
    if (!digits_at(s, 8, 2, &dt->day)) {
        return "invalid character in day";
    }
    if (dt->month < 1 || dt->month > 12) {
        return "month value is outside expected range of 1-12";
    }
    max = mdays[dt->month - 1] + (dt->month == 2 && leap(dt->year));
    if (dt->day < 1 || dt->day > max) {
        return "day value is outside expected range";
    }
    return NULL;
}

/* The time (and offset) after the date; 1 when it covers the rest of s. */
static int time_part(const char *s, dt_t *dt)
{
    apr_size_t len;
    int i, h, m;

    if (!digits_at(s, 0, 2, &dt->hour) || dt->hour > 23 || s[2] != ':' ||
        !digits_at(s, 3, 2, &dt->minute) || dt->minute > 59) {
        return 0;
    }
    len = 5;
    if (s[5] == ':') {
        if (!digits_at(s, 6, 2, &dt->second) || dt->second > 59) {
            return 0;
        }
        len = 8;
        if (s[8] == '.' || s[8] == ',') {
            len = 9;
            for (i = 0; apr_isdigit(s[len + i]); i++) {
                if (i < 6) {
                    dt->micro = dt->micro * 10 + (s[len + i] - '0');
                }
            }
            if (i == 0) {
                return 0;
            }
            for (; i < 6; i++) {
                dt->micro *= 10;
            }
            while (apr_isdigit(s[len])) {
                len++;
            }
        }
    }
    if (s[len] == 'Z' || s[len] == 'z') {
        dt->aware = 1;
        len++;
    }
    else if (s[len] == '+' || s[len] == '-') {
        int sign = s[len] == '-' ? -1 : 1;
        if (!digits_at(s, (int)len + 1, 2, &h)) {
            return 0;
        }
        len += 3;
        if (s[len] == ':') {
            len++;
        }
        if (!digits_at(s, (int)len, 2, &m) || h > 23 || m > 59) {
            return 0;
        }
        len += 2;
        dt->aware = 1;
        dt->offset = sign * (h * 3600 + m * 60);
    }
    return s[len] == '\0';
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
static apr_int64_t days_from_civil(apr_int64_t y, int m, int d)
{
    apr_int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(apr_int64_t z, dt_t *dt)
{
    apr_int64_t era, doe, yoe, y, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    dt->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    dt->month = (int)(mp < 10 ? mp + 3 : mp - 9);
    dt->year = (int)(y + (dt->month <= 2));
}

static void from_seconds(apr_int64_t secs, int micro, dt_t *dt)
{
    apr_int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    apr_int64_t rest = secs - days * 86400;

    civil_from_days(days, dt);
    dt->hour = (int)(rest / 3600);
    dt->minute = (int)(rest / 60 % 60);
    dt->second = (int)(rest % 60);
    dt->micro = micro;
}

/* A Unix timestamp (seconds, or milliseconds past 2e10) as speedate reads
 * one: a sign, digits, a fraction. 1: valid; 0: not a number; -1: out of
 * range (*err set). */
static int timestamp(const char *s, dt_t *dt, const char **err)
{
    const char *p = s;
    int neg = 0, ndigits = 0, nfrac = 0, big = 0, is_ms;
    apr_int64_t whole = 0, frac = 0, scale = 1, micro, secs; /* frac: 1e-12 units */

    if (*p == '+' || *p == '-') {
        neg = *p++ == '-';
    }
    for (; apr_isdigit(*p); p++, ndigits++) {
        if (whole > 100000000000000000LL) {
            big = 1;
        }
        else {
            whole = whole * 10 + (*p - '0');
        }
    }
    if (*p == '.') {
        for (p++; apr_isdigit(*p); p++, nfrac++) {
            if (nfrac < 12) {
                frac = frac * 10 + (*p - '0');
                scale *= 10;
            }
        }
    }
    if (*p || ndigits + nfrac == 0) {
        return 0;
    }
    frac = frac * (1000000000000LL / scale);
    is_ms = big || whole > 20000000000LL || (whole == 20000000000LL && frac > 0);
    if (big || whole > 1000000000000000LL) {
        *err = neg ? TS_BEFORE : TS_AFTER;
        return -1;
    }
    /* microseconds since the epoch, the fraction rounded */
    micro = is_ms ? whole * 1000 + (frac + 500000000LL) / 1000000000LL
                  : whole * 1000000 + (frac + 500000LL) / 1000000LL;
    if (neg) {
        micro = -micro;
    }
    secs = micro >= 0 ? micro / 1000000 : -((-micro + 999999) / 1000000);
    if (secs > SECONDS_MAX) {
        *err = TS_AFTER;
        return -1;
    }
    if (secs < SECONDS_YEAR0) {
        *err = TS_BEFORE;
        return -1;
    }
    from_seconds(secs, (int)(micro - secs * 1000000), dt);
    dt->aware = 1;
    dt->offset = 0;
    return 1;
}

/* Whether s is an integer of 64 bits (the dates' parser reads those as
 * timestamps, anything longer as text). */
static int int64_text(const char *s)
{
    apr_int64_t v;
    int neg = *s == '-';

    if (*s == '+' || *s == '-') {
        s++;
    }
    if (!*s || strspn(s, "0123456789") != strlen(s)) {
        return 0;
    }
    while (s[0] == '0' && s[1]) {
        s++;
    }
    return to_pyint_value(neg, s, INT64_MIN, INT64_MAX, &v);
}

int to_parse_datetime(apr_pool_t *pool, const char *s, const char **out, const char **err_type,
                      const char **err)
{
    apr_size_t n = strlen(s);
    const char *derr;
    apr_int64_t secs;
    dt_t dt;
    int ts = 0;

    memset(&dt, 0, sizeof(dt));
    derr = date_part(s, n, &dt);
    if (derr || n <= 10 || !strchr("Tt _", s[10]) || !time_part(s + 11, &dt)) {
        /* not a date and a time: a Unix timestamp, else a bare date */
        memset(&dt, 0, sizeof(dt));
        ts = timestamp(s, &dt, err);
        if (ts != 1) {
            /* pydantic then reads a bare date, and words the error as the
             * date's parser does */
            memset(&dt, 0, sizeof(dt));
            derr = date_part(s, n, &dt);
            if (!derr && n > 10) {
                derr = DATE_EXTRA;
            }
            if (derr && ts == -1 && int64_text(s)) {
                derr = *err;
            }
            if (derr) {
                *err_type = "datetime_from_date_parsing";
                *err = derr;
                return 0;
            }
        }
    }
    if (dt.year == 0) {
        *err_type = "datetime_parsing";
        *err = "year 0 is out of range";
        return 0;
    }
    secs = days_from_civil(dt.year, dt.month, dt.day) * 86400 + (apr_int64_t)dt.hour * 3600 +
           (apr_int64_t)dt.minute * 60 + dt.second;
    if (dt.aware && dt.offset) {
        secs -= dt.offset;
        from_seconds(secs, dt.micro, &dt);
    }
    /* PostgreSQL has no year 0, and nothing lies outside years 1 to 9999 */
    if (secs < SECONDS_YEAR1) {
        from_seconds(SECONDS_YEAR1, 0, &dt);
    }
    else if (secs > SECONDS_MAX) {
        from_seconds(SECONDS_MAX, 999999, &dt);
    }
    *out = apr_psprintf(pool, "%04d-%02d-%02d %02d:%02d:%02d.%06d", dt.year, dt.month, dt.day,
                        dt.hour, dt.minute, dt.second, dt.micro);
    return 1;
}

apr_int64_t to_datetime_usec(const char *normalised)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, us = 0;

    digits_at(normalised, 0, 4, &y);
    digits_at(normalised, 5, 2, &mo);
    digits_at(normalised, 8, 2, &d);
    digits_at(normalised, 11, 2, &h);
    digits_at(normalised, 14, 2, &mi);
    digits_at(normalised, 17, 2, &sec);
    digits_at(normalised, 20, 6, &us);
    return (days_from_civil(y, mo, d) * 86400 + (apr_int64_t)h * 3600 + (apr_int64_t)mi * 60 +
            sec) *
               1000000 +
           us;
}

/* ---------------------------------------------------------------------- */
/* base64 and UTF-8 as Python has them                                    */

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

int to_b64decode(apr_pool_t *pool, const char *s, apr_size_t n, char **out, apr_size_t *len)
{
    char *buf = apr_palloc(pool, n / 4 * 3 + 4);
    apr_size_t i, o = 0;
    int quad = 0, pads = 0, left = 0, v;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            return 0; /* a str of other than ASCII is refused outright */
        }
        if (c == '=') {
            if (quad >= 2 && quad + ++pads >= 4) {
                break; /* the data ends at a complete pad */
            }
            continue;
        }
        if ((v = b64_value(c)) < 0) {
            continue; /* not in the alphabet: skipped */
        }
        pads = 0;
        switch (quad) {
        case 0:
            left = v;
            quad = 1;
            break;
        case 1:
            buf[o++] = (char)((left << 2) | (v >> 4));
            left = v & 0x0f;
            quad = 2;
            break;
        case 2:
            buf[o++] = (char)((left << 4) | (v >> 2));
            left = v & 0x03;
            quad = 3;
            break;
        default:
            buf[o++] = (char)((left << 6) | v);
            quad = 0;
            break;
        }
    }
    if (i == n && quad != 0) {
        return 0; /* incorrect padding */
    }
    for (; i < n; i++) {
        if ((unsigned char)s[i] >= 0x80) {
            return 0;
        }
    }
    buf[o] = '\0';
    *out = buf;
    *len = o;
    return 1;
}

const char *to_pg_array(apr_pool_t *pool, const apr_array_header_t *arr)
{
    apr_size_t size = 3;
    char *out, *o;
    const char *p;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        size += strlen(APR_ARRAY_IDX(arr, i, const char *)) * 2 + 3;
    }
    o = out = apr_palloc(pool, size);
    *o++ = '{';
    for (i = 0; i < arr->nelts; i++) {
        if (i) {
            *o++ = ',';
        }
        *o++ = '"';
        for (p = APR_ARRAY_IDX(arr, i, const char *); *p; p++) {
            if (*p == '"' || *p == '\\') {
                *o++ = '\\';
            }
            *o++ = *p;
        }
        *o++ = '"';
    }
    *o++ = '}';
    *o = '\0';
    return out;
}

/* ---------------------------------------------------------------------- */
/* Common to both entry points                                            */

static const char *const qv_any_none[] = {"any", "none", NULL};

#define LIT_ANY "<QueryValue.ANY: 'any'>"
#define LIT_NONE "<QueryValue.NONE: 'none'>"
#define INT_PARSING_MSG "Input should be a valid integer, unable to parse string as an integer"

static void init(to_filters_t *f, apr_pool_t *pool, to_filters_kind_t kind)
{
    apr_array_header_t **lists[] = {&f->families,
                                    &f->artefacts,
                                    &f->artefact_versions,
                                    &f->artefact_stages,
                                    &f->artefact_tracks,
                                    &f->environments,
                                    &f->test_cases,
                                    &f->template_ids,
                                    &f->test_result_statuses,
                                    &f->test_execution_statuses};
    to_sel_t *sels[] = {&f->issues, &f->reviewer_ids, &f->test_result, &f->event_names};
    apr_size_t i;

    memset(f, 0, sizeof(*f));
    f->pool = pool;
    f->kind = kind;
    for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        *lists[i] = apr_array_make(pool, 2, sizeof(const char *));
    }
    for (i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
        sels[i]->items = apr_array_make(pool, 2, sizeof(const char *));
    }
    f->artefact_is_archived = f->rerun_is_requested = f->execution_is_latest = -1;
}

/* An id that an int4 column may hold, as text; NULL for one that no row
 * can have. */
static const char *id_text(apr_pool_t *pool, int neg, const char *digits)
{
    apr_int64_t v;

    if (!to_pyint_value(neg, digits, INT_MIN, INT_MAX, &v)) {
        return NULL;
    }
    return apr_psprintf(pool, "%" APR_INT64_T_FMT, v);
}

/* The ids kept: when every given id was out of reach, nothing matches. */
static void ids_done(to_filters_t *f, to_sel_t *sel, int given)
{
    if (sel->mode == TO_SEL_LIST && sel->items->nelts == 0 && given > 0) {
        f->nothing = 1;
    }
    if (sel->mode == TO_SEL_LIST && given == 0) {
        sel->mode = TO_SEL_UNSET;
    }
}

static const char *sql_bool(int v)
{
    return v ? "true" : "false";
}

static const char *sql_list(apr_pool_t *pool, const apr_array_header_t *arr)
{
    return arr->nelts ? to_pg_array(pool, arr) : NULL;
}

static void compute_params(to_filters_t *f)
{
    apr_pool_t *pool = f->pool;
    const char **p = f->p;
    int artefact, execution,
        is_results = f->kind == TO_FILTERS_RESULTS_QUERY || f->kind == TO_FILTERS_RESULTS_BODY;

    p[TO_FP_FAMILIES] = sql_list(pool, f->families);
    p[TO_FP_ARTEFACTS] = sql_list(pool, f->artefacts);
    p[TO_FP_VERSIONS] = sql_list(pool, f->artefact_versions);
    p[TO_FP_STAGES] = sql_list(pool, f->artefact_stages);
    p[TO_FP_TRACKS] = sql_list(pool, f->artefact_tracks);
    p[TO_FP_ARCHIVED] = f->artefact_is_archived < 0 ? NULL : sql_bool(f->artefact_is_archived);
    p[TO_FP_REVIEWERS_ANY] = sql_bool(f->reviewer_ids.mode == TO_SEL_ANY);
    p[TO_FP_REVIEWERS_NONE] = sql_bool(f->reviewer_ids.mode == TO_SEL_NONE);
    p[TO_FP_REVIEWER_IDS] =
        f->reviewer_ids.mode == TO_SEL_LIST ? to_pg_array(pool, f->reviewer_ids.items) : NULL;
    artefact = p[TO_FP_FAMILIES] || p[TO_FP_ARTEFACTS] || p[TO_FP_VERSIONS] || p[TO_FP_STAGES] ||
               p[TO_FP_TRACKS] || p[TO_FP_ARCHIVED] || f->reviewer_ids.mode != TO_SEL_UNSET;
    p[TO_FP_SKIP_ARTEFACT] = sql_bool(!artefact);

    p[TO_FP_EXECUTION_STATUSES] = sql_list(pool, f->test_execution_statuses);
    p[TO_FP_ENVIRONMENTS] = sql_list(pool, f->environments);
    p[TO_FP_RERUN_YES] = sql_bool(f->rerun_is_requested == 1);
    p[TO_FP_RERUN_NO] = sql_bool(f->rerun_is_requested == 0);
    p[TO_FP_LATEST_YES] = sql_bool(f->execution_is_latest == 1);
    p[TO_FP_LATEST_NO] = sql_bool(f->execution_is_latest == 0);
    p[TO_FP_METADATA] = f->execution_metadata ? to_json_text(pool, f->execution_metadata) : NULL;
    execution = artefact || p[TO_FP_EXECUTION_STATUSES] || p[TO_FP_ENVIRONMENTS] ||
                f->rerun_is_requested >= 0 || f->execution_is_latest >= 0 || p[TO_FP_METADATA];
    p[TO_FP_SKIP_EXECUTION] = sql_bool(!execution);

    p[TO_FP_EVENTS_ANY] = sql_bool(f->event_names.mode == TO_SEL_ANY);
    p[TO_FP_EVENTS_NONE] = sql_bool(f->event_names.mode == TO_SEL_NONE);
    p[TO_FP_EVENT_NAMES] =
        f->event_names.mode == TO_SEL_LIST ? to_pg_array(pool, f->event_names.items) : NULL;
    p[TO_FP_RESULTS_ANY] = sql_bool(f->test_result.mode == TO_SEL_ANY);
    p[TO_FP_RESULTS_NONE] = sql_bool(f->test_result.mode == TO_SEL_NONE);
    p[TO_FP_RESULT_IDS] =
        f->test_result.mode == TO_SEL_LIST ? to_pg_array(pool, f->test_result.items) : NULL;

    p[TO_FP_TEST_CASES] = is_results ? sql_list(pool, f->test_cases) : NULL;
    p[TO_FP_TEMPLATE_IDS] = is_results ? sql_list(pool, f->template_ids) : NULL;
    p[TO_FP_SKIP_CASE] = sql_bool(!p[TO_FP_TEST_CASES] && !p[TO_FP_TEMPLATE_IDS]);
    p[TO_FP_RESULT_STATUSES] = is_results ? sql_list(pool, f->test_result_statuses) : NULL;
    p[TO_FP_ISSUES_ANY] = sql_bool(f->issues.mode == TO_SEL_ANY);
    p[TO_FP_ISSUES_NONE] = sql_bool(f->issues.mode == TO_SEL_NONE);
    p[TO_FP_ISSUE_IDS] = f->issues.mode == TO_SEL_LIST ? to_pg_array(pool, f->issues.items) : NULL;

    p[TO_FP_FROM] = f->from_date
                        ? apr_psprintf(pool, "%" APR_INT64_T_FMT, to_datetime_usec(f->from_date))
                        : NULL;
    p[TO_FP_UNTIL] = f->until_date
                         ? apr_psprintf(pool, "%" APR_INT64_T_FMT, to_datetime_usec(f->until_date))
                         : NULL;
    p[TO_FP_NOTHING] = sql_bool(f->nothing);
    p[TO_FP_LIMIT] = f->has_limit ? apr_psprintf(pool, "%" APR_INT64_T_FMT, f->limit) : NULL;
    p[TO_FP_OFFSET] = f->has_offset ? apr_psprintf(pool, "%" APR_INT64_T_FMT, f->offset) : NULL;
}

/* Upstream's model validator: the deprecated assignee_ids stand for
 * reviewer_ids when those are not given. */
static void migrate_assignees(to_filters_t *f, const to_sel_t *assignees)
{
    int reviewers_empty = f->reviewer_ids.mode == TO_SEL_UNSET ||
                          (f->reviewer_ids.mode == TO_SEL_LIST && !f->reviewer_ids.items->nelts);

    if (reviewers_empty && assignees->mode != TO_SEL_UNSET) {
        f->reviewer_ids = *assignees;
    }
}

int to_filters_has_filters(const to_filters_t *f)
{
    return f->families->nelts || f->artefacts->nelts || f->artefact_versions->nelts ||
           f->artefact_stages->nelts || f->artefact_tracks->nelts || f->artefact_is_archived >= 0 ||
           f->environments->nelts || f->test_cases->nelts || f->template_ids->nelts ||
           f->execution_metadata || f->issues.mode != TO_SEL_UNSET ||
           f->test_result_statuses->nelts || f->test_execution_statuses->nelts ||
           f->reviewer_ids.mode != TO_SEL_UNSET || f->rerun_is_requested >= 0 ||
           f->execution_is_latest >= 0 || f->nothing;
}

int to_filters_has_execution_filters(const to_filters_t *f)
{
    return f->families->nelts || f->artefacts->nelts || f->artefact_versions->nelts ||
           f->artefact_stages->nelts || f->artefact_tracks->nelts || f->artefact_is_archived >= 0 ||
           f->environments->nelts || f->execution_metadata || f->test_execution_statuses->nelts ||
           f->reviewer_ids.mode != TO_SEL_UNSET || f->rerun_is_requested >= 0 ||
           f->execution_is_latest >= 0 || f->event_names.mode != TO_SEL_UNSET || f->from_date ||
           f->until_date || f->nothing;
}

/* Adds one execution metadata pair to obj, grouped by category in the order
 * categories first appear (ExecutionMetadata.from_rows). */
static void metadata_add(json_object *obj, const char *category, const char *value)
{
    json_object *values;

    if (!json_object_object_get_ex(obj, category, &values)) {
        values = json_object_new_array();
        json_object_object_add(obj, category, values);
    }
    json_object_array_add(values, json_object_new_string(value));
}

/* ---------------------------------------------------------------------- */
/* The query string                                                       */

typedef struct {
    to_filters_t *f;
    apr_table_t *query;
    to_verr_t *e;
    json_object *qloc;
} qctx_t;

static apr_array_header_t *q_all(qctx_t *c, const char *name)
{
    const apr_array_header_t *all = apr_table_elts(c->query);
    const apr_table_entry_t *t = (const apr_table_entry_t *)all->elts;
    apr_array_header_t *out = apr_array_make(c->f->pool, 2, sizeof(const char *));
    int i;

    for (i = 0; i < all->nelts; i++) {
        if (!strcmp(t[i].key, name)) {
            APR_ARRAY_PUSH(out, const char *) = to_utf8_fix(c->f->pool, t[i].val);
        }
    }
    return out;
}

static const char *q_last(qctx_t *c, const char *name)
{
    apr_array_header_t *all = q_all(c, name);
    return all->nelts ? APR_ARRAY_IDX(all, all->nelts - 1, const char *) : NULL;
}

static json_object *q_input(qctx_t *c, const char *s)
{
    return to_json_own(c->f->pool, to_json_str(s));
}

static void q_strs(qctx_t *c, const char *name, apr_array_header_t *out)
{
    apr_array_header_t *all = q_all(c, name);
    apr_array_cat(out, all);
}

static void q_enums(qctx_t *c, const char *name, const char *const *choices,
                    apr_array_header_t *out)
{
    apr_array_header_t *all = q_all(c, name);
    json_object *loc = to_loc_key(c->e, c->qloc, name);
    int i;

    for (i = 0; i < all->nelts; i++) {
        const char *s = APR_ARRAY_IDX(all, i, const char *);
        if (to_enum_index(choices, s) < 0) {
            to_verr_enum(c->e, to_loc_index(c->e, loc, i), q_input(c, s), choices);
        }
        else {
            APR_ARRAY_PUSH(out, const char *) = s;
        }
    }
}

#define BOOL_PARSING_MSG "Input should be a valid boolean, unable to interpret input"

static void q_bool(qctx_t *c, const char *name, int *out)
{
    const char *s = q_last(c, name);

    if (s && !to_bool_word(s, out)) {
        to_verr_add(c->e, "bool_parsing", to_loc_key(c->e, c->qloc, name), BOOL_PARSING_MSG,
                    q_input(c, s), NULL);
    }
}

static void literal_error(to_verr_t *e, json_object *loc, json_object *input, const char *lit)
{
    json_object *ctx = json_object_new_object();

    json_object_object_add(ctx, "expected", json_object_new_string(lit));
    to_verr_add(e, "literal_error", loc, apr_pstrcat(e->pool, "Input should be ", lit, NULL), input,
                ctx);
}

/* list[int] | list[Literal[any]] | list[Literal[none]]: the first member
 * that accepts every item wins; else each member's errors, in order. */
static void q_ids(qctx_t *c, const char *name, to_sel_t *sel)
{
    apr_array_header_t *all = q_all(c, name);
    json_object *loc = to_loc_key(c->e, c->qloc, name), *tag;
    int i, j, neg, ints = 1, anys = 1, nones = 1;
    const char *digits, *id;
    static const char *const words[] = {"any", "none"}, *const lits[] = {LIT_ANY, LIT_NONE};

    if (!all->nelts) {
        return;
    }
    for (i = 0; i < all->nelts; i++) {
        const char *s = APR_ARRAY_IDX(all, i, const char *);
        ints &= to_pyint_parse(c->f->pool, s, &neg, &digits);
        anys &= !strcmp(s, "any");
        nones &= !strcmp(s, "none");
    }
    if (ints) {
        sel->mode = TO_SEL_LIST;
        for (i = 0; i < all->nelts; i++) {
            to_pyint_parse(c->f->pool, APR_ARRAY_IDX(all, i, const char *), &neg, &digits);
            if ((id = id_text(c->f->pool, neg, digits)) != NULL) {
                APR_ARRAY_PUSH(sel->items, const char *) = id;
            }
        }
        ids_done(c->f, sel, all->nelts);
        return;
    }
    if (anys || nones) {
        sel->mode = anys ? TO_SEL_ANY : TO_SEL_NONE;
        return;
    }
    tag = to_loc_key(c->e, loc, "list[int]");
    for (i = 0; i < all->nelts; i++) {
        const char *s = APR_ARRAY_IDX(all, i, const char *);
        if (!to_pyint_parse(c->f->pool, s, &neg, &digits)) {
            to_verr_add(c->e, "int_parsing", to_loc_index(c->e, tag, i), INT_PARSING_MSG,
                        q_input(c, s), NULL);
        }
    }
    for (j = 0; j < 2; j++) {
        tag = to_loc_key(c->e, loc, apr_psprintf(c->f->pool, "list[literal[%s]]", lits[j]));
        for (i = 0; i < all->nelts; i++) {
            const char *s = APR_ARRAY_IDX(all, i, const char *);
            if (strcmp(s, words[j])) {
                literal_error(c->e, to_loc_index(c->e, tag, i), q_input(c, s), lits[j]);
            }
        }
    }
}

/* list[str] | list[Literal[any]] | list[Literal[none]]: any list of strings
 * passes, then the reserved words may not be mixed with names. */
static void q_names(qctx_t *c, const char *name, to_sel_t *sel)
{
    apr_array_header_t *all = q_all(c, name);
    int i, reserved = 0;

    if (!all->nelts) {
        return;
    }
    for (i = 0; i < all->nelts; i++) {
        reserved += to_enum_index(qv_any_none, APR_ARRAY_IDX(all, i, const char *)) >= 0;
    }
    if (reserved == 0) {
        sel->mode = TO_SEL_LIST;
        apr_array_cat(sel->items, all);
    }
    else if (reserved == all->nelts) {
        sel->mode = strcmp(APR_ARRAY_IDX(all, all->nelts - 1, const char *), "any") ? TO_SEL_NONE
                                                                                    : TO_SEL_ANY;
    }
    else if (!c->f->detail_last) {
        c->f->detail_last =
            "Cannot combine reserved values 'any'/'none' with specific filter values.";
    }
}

static void datetime_error(to_verr_t *e, json_object *loc, json_object *input, const char *type,
                           const char *err)
{
    json_object *ctx = json_object_new_object();
    const char *msg = !strcmp(type, "datetime_parsing")
                          ? "Input should be a valid datetime, "
                          : "Input should be a valid datetime or date, ";

    json_object_object_add(ctx, "error", json_object_new_string(err));
    to_verr_add(e, type, loc, apr_pstrcat(e->pool, msg, err, NULL), input, ctx);
}

static void q_datetime(qctx_t *c, const char *name, const char **out)
{
    const char *s = q_last(c, name), *type, *err;

    if (s && !to_parse_datetime(c->f->pool, s, out, &type, &err)) {
        datetime_error(c->e, to_loc_key(c->e, c->qloc, name), q_input(c, s), type, err);
    }
}

static void bound_error(to_verr_t *e, json_object *loc, json_object *input, const char *type,
                        const char *key, apr_int64_t bound)
{
    json_object *ctx = json_object_new_object();
    const char *words = !strcmp(key, "le") ? "less than or equal to" : "greater than or equal to";

    json_object_object_add(ctx, key, json_object_new_int64(bound));
    to_verr_add(e, type, loc,
                apr_psprintf(e->pool, "Input should be %s %" APR_INT64_T_FMT, words, bound), input,
                ctx);
}

/* An int query parameter with ge/le bounds (le < 0: unbounded). */
static void q_int(qctx_t *c, const char *name, apr_int64_t ge, apr_int64_t le, apr_int64_t *out)
{
    const char *s = q_last(c, name), *digits;
    json_object *loc;
    apr_int64_t v;
    int neg;

    if (!s) {
        return;
    }
    loc = to_loc_key(c->e, c->qloc, name);
    if (!to_pyint_parse(c->f->pool, s, &neg, &digits)) {
        to_verr_add(c->e, "int_parsing", loc, INT_PARSING_MSG, q_input(c, s), NULL);
    }
    else if (neg && strcmp(digits, "0")) {
        bound_error(c->e, loc, q_input(c, s), "greater_than_equal", "ge", ge);
    }
    else if (!to_pyint_value(0, digits, 0, le < 0 ? INT64_MAX : le, &v)) {
        /* past 64 bits no row is there to skip: say so rather than fail */
        bound_error(c->e, loc, q_input(c, s), "less_than_equal", "le", le < 0 ? INT64_MAX : le);
    }
    else {
        *out = v;
    }
}

/* execution_metadata=base64(category):base64(value), checked as upstream's
 * dependency does: the first bad item answers 422 with a string detail. */
static void q_metadata(qctx_t *c)
{
    apr_array_header_t *all = q_all(c, "execution_metadata");
    apr_pool_t *pool = c->f->pool;
    json_object *md;
    int i, missing = 0;

    if (!all->nelts) {
        return;
    }
    md = to_json_own(pool, json_object_new_object());
    for (i = 0; i < all->nelts; i++) {
        const char *item = APR_ARRAY_IDX(all, i, const char *);
        const char *colon = strchr(item, ':');
        char *cat, *val;
        apr_size_t clen, vlen;

        if (!colon) {
            c->f->detail_first = apr_psprintf(pool,
                                              "Invalid execution metadata format: '%s'. Expected "
                                              "base64 encoded 'category:value'.",
                                              item);
            return;
        }
        if (!to_b64decode(pool, item, (apr_size_t)(colon - item), &cat, &clen) ||
            !to_b64decode(pool, colon + 1, strlen(colon + 1), &val, &vlen) ||
            !to_utf8_valid(cat, clen) || !to_utf8_valid(val, vlen)) {
            c->f->detail_first =
                apr_psprintf(pool, "Invalid base64 encoding in execution metadata: '%s'.", item);
            return;
        }
        if (!clen || !vlen) {
            c->f->detail_first = apr_psprintf(pool,
                                              "Invalid execution metadata format: '%s'. Both "
                                              "category and value must be non-empty.",
                                              item);
            return;
        }
        /* text holding NUL is in no row */
        if (strlen(cat) != clen || strlen(val) != vlen) {
            missing = 1;
            continue;
        }
        metadata_add(md, cat, val);
    }
    if (missing) {
        c->f->nothing = 1;
    }
    if (json_object_object_length(md)) {
        c->f->execution_metadata = md;
    }
}

void to_filters_from_query(to_filters_t *f, apr_pool_t *pool, to_filters_kind_t kind,
                           apr_table_t *query, to_verr_t *e)
{
    qctx_t c;
    int results = kind == TO_FILTERS_RESULTS_QUERY;
    to_sel_t assignees = {TO_SEL_UNSET, NULL};

    init(f, pool, kind);
    c.f = f;
    c.query = query;
    c.e = e;
    c.qloc = NULL;
    c.qloc = to_loc(e, "query");
    assignees.items = apr_array_make(pool, 2, sizeof(const char *));
    f->has_limit = f->has_offset = 1;
    f->limit = 50;
    f->offset = 0;

    /* the dependency parsing execution_metadata runs first */
    q_metadata(&c);
    /* then the parameters in the order of upstream's signature */
    q_enums(&c, "families", to_families, f->families);
    q_strs(&c, "artefacts", f->artefacts);
    q_strs(&c, "artefact_versions", f->artefact_versions);
    q_strs(&c, "artefact_stages", f->artefact_stages);
    q_strs(&c, "artefact_tracks", f->artefact_tracks);
    q_bool(&c, "artefact_is_archived", &f->artefact_is_archived);
    q_strs(&c, "environments", f->environments);
    if (results) {
        q_strs(&c, "test_cases", f->test_cases);
        q_strs(&c, "template_ids", f->template_ids);
        q_ids(&c, "issues", &f->issues);
        q_enums(&c, "test_result_statuses", to_result_statuses, f->test_result_statuses);
    }
    q_enums(&c, "test_execution_statuses", to_execution_statuses, f->test_execution_statuses);
    q_ids(&c, "reviewer_ids", &f->reviewer_ids);
    q_ids(&c, "assignee_ids", &assignees);
    q_bool(&c, "rerun_is_requested", &f->rerun_is_requested);
    q_bool(&c, "execution_is_latest", &f->execution_is_latest);
    if (!results) {
        q_ids(&c, "test_result", &f->test_result);
        q_names(&c, "event_names", &f->event_names);
        /* executions without results are only shown when asked for */
        if (f->test_result.mode == TO_SEL_UNSET) {
            f->test_result.mode = TO_SEL_ANY;
        }
    }
    q_datetime(&c, "from_date", &f->from_date);
    q_datetime(&c, "until_date", &f->until_date);
    q_int(&c, "limit", 0, 1000, &f->limit);
    q_int(&c, "offset", 0, -1, &f->offset);
    migrate_assignees(f, &assignees);
    compute_params(f);
}

/* ---------------------------------------------------------------------- */
/* A JSON object                                                          */

typedef struct {
    to_filters_t *f;
    json_object *obj;
    to_verr_t *e;
    json_object *loc;
} jctx_t;

static json_object *j_get(jctx_t *c, const char *name, int *present)
{
    return to_json_get(c->obj, name, present);
}

/* A string of a JSON list: NUL inside means no row can match it. */
static void j_push_str(apr_array_header_t *out, json_object *v, int *dropped)
{
    const char *s = json_object_get_string(v);

    if (strlen(s) != (apr_size_t)json_object_get_string_len(v)) {
        *dropped = 1;
        return;
    }
    APR_ARRAY_PUSH(out, const char *) = s;
}

#define LIST_TYPE_MSG "Input should be a valid list"

/* list[str] or list[Enum] (choices not NULL); absent gives an empty list. */
static void j_list(jctx_t *c, const char *name, const char *const *choices, apr_array_header_t *out)
{
    int present, dropped = 0;
    json_object *v = j_get(c, name, &present), *loc;
    size_t i, n;

    if (!present) {
        return;
    }
    loc = to_loc_key(c->e, c->loc, name);
    if (!json_object_is_type(v, json_type_array)) {
        to_verr_add(c->e, "list_type", loc, LIST_TYPE_MSG, v, NULL);
        return;
    }
    n = json_object_array_length(v);
    for (i = 0; i < n; i++) {
        json_object *item = json_object_array_get_idx(v, i);
        json_object *iloc = to_loc_index(c->e, loc, (int)i);
        if (choices) {
            if (!json_object_is_type(item, json_type_string) ||
                to_enum_index(choices, json_object_get_string(item)) < 0) {
                to_verr_enum(c->e, iloc, item, choices);
                continue;
            }
        }
        else if (!json_object_is_type(item, json_type_string)) {
            to_verr_add(c->e, "string_type", iloc, "Input should be a valid string", item, NULL);
            continue;
        }
        j_push_str(out, item, &dropped);
    }
    if (dropped && out->nelts == 0) {
        c->f->nothing = 1;
    }
}

/* bool | None */
static void j_bool(jctx_t *c, const char *name, int *out)
{
    json_object *v = j_get(c, name, NULL);
    json_object *loc;
    apr_int64_t i;

    if (!v) {
        return;
    }
    loc = to_loc_key(c->e, c->loc, name);
    switch (json_object_get_type(v)) {
    case json_type_boolean:
        *out = json_object_get_boolean(v);
        return;
    case json_type_int:
        i = json_object_get_int64(v);
        if (i == 0 || i == 1) {
            *out = (int)i;
            return;
        }
        break;
    case json_type_string:
        if (to_bool_word(json_object_get_string(v), out)) {
            return;
        }
        break;
    default:
        to_verr_add(c->e, "bool_type", loc, "Input should be a valid boolean", v, NULL);
        return;
    }
    to_verr_add(c->e, "bool_parsing", loc, BOOL_PARSING_MSG, v, NULL);
}

/* One integer of a JSON body as pydantic's lax int; 1 when valid, with *id
 * its text when an int4 column may hold it (else NULL). */
static int j_int(jctx_t *c, json_object *loc, json_object *v, const char **id, apr_int64_t *num,
                 int *fits)
{
    const char *digits;
    int neg;
    double d;

    *id = NULL;
    *fits = 0;
    switch (json_object_get_type(v)) {
    case json_type_boolean:
    case json_type_int:
        *num = json_object_get_int64(v);
        *fits = 1;
        break;
    case json_type_double:
        d = json_object_get_double(v);
        if (d != (double)(apr_int64_t)d && d > -9.2e18 && d < 9.2e18) {
            to_verr_add(c->e, "int_from_float", loc,
                        "Input should be a valid integer, got a number with a fractional part", v,
                        NULL);
            return 0;
        }
        *fits = d > -9.2e18 && d < 9.2e18;
        *num = *fits ? (apr_int64_t)d : 0;
        break;
    case json_type_string:
        if (!to_pyint_parse(c->f->pool, json_object_get_string(v), &neg, &digits)) {
            to_verr_add(c->e, "int_parsing", loc, INT_PARSING_MSG, v, NULL);
            return 0;
        }
        *fits = to_pyint_value(neg, digits, INT64_MIN, INT64_MAX, num);
        break;
    default:
        to_verr_add(c->e, "int_type", loc, "Input should be a valid integer", v, NULL);
        return 0;
    }
    if (*fits && *num >= INT_MIN && *num <= INT_MAX) {
        *id = apr_psprintf(c->f->pool, "%" APR_INT64_T_FMT, *num);
    }
    return 1;
}

/* list[int] | Literal["any", "none"] (absent: not given). */
static void j_ids(jctx_t *c, const char *name, json_object *v, int present, to_sel_t *sel)
{
    json_object *loc, *tag;
    const char *lit = LIT_ANY " or " LIT_NONE;
    int ok = 1, fits;
    size_t i, n;

    if (!present) {
        return;
    }
    loc = to_loc_key(c->e, c->loc, name);
    if (json_object_is_type(v, json_type_string) &&
        to_enum_index(qv_any_none, json_object_get_string(v)) >= 0) {
        sel->mode = strcmp(json_object_get_string(v), "any") ? TO_SEL_NONE : TO_SEL_ANY;
        return;
    }
    tag = to_loc_key(c->e, loc, "list[int]");
    if (!json_object_is_type(v, json_type_array)) {
        to_verr_add(c->e, "list_type", tag, LIST_TYPE_MSG, v, NULL);
    }
    else {
        n = json_object_array_length(v);
        for (i = 0; i < n; i++) {
            const char *id;
            apr_int64_t num;
            if (!j_int(c, to_loc_index(c->e, tag, (int)i), json_object_array_get_idx(v, i), &id,
                       &num, &fits)) {
                ok = 0;
            }
            else if (id) {
                APR_ARRAY_PUSH(sel->items, const char *) = id;
            }
        }
        if (ok) {
            sel->mode = TO_SEL_LIST;
            ids_done(c->f, sel, (int)n);
            return;
        }
    }
    literal_error(
        c->e, to_loc_key(c->e, loc, apr_psprintf(c->f->pool, "literal[%s,%s]", LIT_ANY, LIT_NONE)),
        v, lit);
}

static void j_datetime(jctx_t *c, const char *name, const char **out)
{
    json_object *v = j_get(c, name, NULL), *loc;
    const char *type, *err, *text;

    if (!v) {
        return;
    }
    loc = to_loc_key(c->e, c->loc, name);
    switch (json_object_get_type(v)) {
    case json_type_string:
        text = json_object_get_string(v);
        break;
    case json_type_int:
    case json_type_double:
        text = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
        text = apr_pstrdup(c->f->pool, text);
        break;
    default:
        to_verr_add(c->e, "datetime_type", loc, "Input should be a valid datetime", v, NULL);
        return;
    }
    if (!to_parse_datetime(c->f->pool, text, out, &type, &err)) {
        datetime_error(c->e, loc, v, type, err);
    }
}

/* int | None; negative values would only make the SQL fail, so they are
 * refused here. */
static void j_count(jctx_t *c, const char *name, int *has, apr_int64_t *out)
{
    json_object *v = j_get(c, name, NULL), *loc;
    const char *id;
    apr_int64_t num;
    int fits;

    if (!v) {
        return;
    }
    loc = to_loc_key(c->e, c->loc, name);
    if (!j_int(c, loc, v, &id, &num, &fits)) {
        return;
    }
    if (!fits) {
        bound_error(c->e, loc, v, "less_than_equal", "le", INT64_MAX);
    }
    else if (num < 0) {
        bound_error(c->e, loc, v, "greater_than_equal", "ge", 0);
    }
    else {
        *has = 1;
        *out = num;
    }
}

static void j_metadata(jctx_t *c)
{
    int present, missing = 0;
    json_object *v = j_get(c, "execution_metadata", &present), *md;

    if (!present ||
        !to_validate_metadata(c->e, to_loc_key(c->e, c->loc, "execution_metadata"), v)) {
        return;
    }
    md = to_json_own(c->f->pool, json_object_new_object());
    json_object_object_foreach(v, key, values)
    {
        size_t i, n = json_object_array_length(values);
        int kept = 0;
        for (i = 0; i < n; i++) {
            json_object *item = json_object_array_get_idx(values, i);
            if (strlen(json_object_get_string(item)) ==
                (apr_size_t)json_object_get_string_len(item)) {
                metadata_add(md, key, json_object_get_string(item));
                kept++;
            }
        }
        /* a category whose values cannot match (none, or NUL inside) */
        if (!kept) {
            missing = 1;
        }
    }
    if (missing) {
        c->f->nothing = 1;
    }
    if (json_object_object_length(md)) {
        c->f->execution_metadata = md;
    }
}

void to_filters_from_json(to_filters_t *f, apr_pool_t *pool, to_filters_kind_t kind,
                          json_object *obj, json_object *loc, to_verr_t *e)
{
    jctx_t c = {f, obj, e, loc};
    int results = kind == TO_FILTERS_RESULTS_BODY, rpresent, apresent, ipresent;
    json_object *reviewers, *assignees, *issues;
    to_sel_t assignee_sel = {TO_SEL_UNSET, NULL};

    init(f, pool, kind);
    assignee_sel.items = apr_array_make(pool, 2, sizeof(const char *));
    if (!json_object_is_type(obj, json_type_object)) {
        const char *name = results ? "TestResultSearchFilters" : "TestExecutionRerunFilters";
        json_object *ctx = json_object_new_object();
        json_object_object_add(ctx, "class_name", json_object_new_string(name));
        to_verr_add(
            e, "model_type", loc,
            apr_pstrcat(pool, "Input should be a valid dictionary or instance of ", name, NULL),
            obj, ctx);
        compute_params(f);
        return;
    }
    /* the model's "before" validator: assignee_ids stand for reviewer_ids */
    reviewers = j_get(&c, "reviewer_ids", &rpresent);
    assignees = j_get(&c, "assignee_ids", &apresent);
    if ((!reviewers || (json_object_is_type(reviewers, json_type_array) &&
                        !json_object_array_length(reviewers))) &&
        assignees) {
        reviewers = assignees;
        rpresent = 1;
    }

    j_list(&c, "families", to_families, f->families);
    j_list(&c, "artefacts", NULL, f->artefacts);
    j_list(&c, "artefact_versions", NULL, f->artefact_versions);
    j_list(&c, "artefact_stages", NULL, f->artefact_stages);
    j_list(&c, "artefact_tracks", NULL, f->artefact_tracks);
    j_bool(&c, "artefact_is_archived", &f->artefact_is_archived);
    j_list(&c, "environments", NULL, f->environments);
    if (results) {
        j_list(&c, "test_cases", NULL, f->test_cases);
        j_list(&c, "template_ids", NULL, f->template_ids);
        j_metadata(&c);
        issues = j_get(&c, "issues", &ipresent);
        j_ids(&c, "issues", issues, ipresent, &f->issues);
        j_list(&c, "test_result_statuses", to_result_statuses, f->test_result_statuses);
        j_list(&c, "test_execution_statuses", to_execution_statuses, f->test_execution_statuses);
    }
    else {
        j_list(&c, "test_execution_statuses", to_execution_statuses, f->test_execution_statuses);
        j_metadata(&c);
    }
    j_ids(&c, "reviewer_ids", reviewers, rpresent, &f->reviewer_ids);
    /* assignee_ids is Optional: null is fine */
    j_ids(&c, "assignee_ids", assignees, assignees != NULL, &assignee_sel);
    j_bool(&c, "rerun_is_requested", &f->rerun_is_requested);
    j_bool(&c, "execution_is_latest", &f->execution_is_latest);
    j_datetime(&c, "from_date", &f->from_date);
    j_datetime(&c, "until_date", &f->until_date);
    if (results) {
        j_count(&c, "offset", &f->has_offset, &f->offset);
        j_count(&c, "limit", &f->has_limit, &f->limit);
    }
    compute_params(f);
}
