/* libFuzzer target: Testflinger event timestamps (model/to_events.c) read
 * as pydantic reads a datetime, from the body parsed as JSON and from the
 * raw text as a JSON string; an event list's summary and the status it
 * implies. Invariants: a timestamp read is a real date and time and prints
 * as "YYYY-MM-DDTHH:MM:SS.ffffff"; a failure has an error type. */
#include "fuzz_common.h"

#include "json/to_json.h"
#include "model/to_enums.h"
#include "model/to_events.h"

static int days_in(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}

static void read_one(apr_pool_t *pool, to_verr_t *e, json_object *v)
{
    const char *type, *error = NULL;
    to_datetime_t dt, dt2;

    type = to_datetime_read(v, &dt, &error);
    if (!type) {
        TO_FUZZ_ASSERT(dt.year >= 1 && dt.year <= 9999);
        TO_FUZZ_ASSERT(dt.month >= 1 && dt.month <= 12);
        TO_FUZZ_ASSERT(dt.day >= 1 && dt.day <= days_in(dt.year, dt.month));
        TO_FUZZ_ASSERT(dt.hour >= 0 && dt.hour < 24 && dt.minute >= 0 && dt.minute < 60);
        TO_FUZZ_ASSERT(dt.second >= 0 && dt.second < 60);
        TO_FUZZ_ASSERT(dt.microsecond >= 0 && dt.microsecond < 1000000);
        TO_FUZZ_ASSERT(strlen(to_datetime_text(pool, &dt)) == 26);
    }
    TO_FUZZ_ASSERT(to_validate_datetime(e, to_loc(e, "timestamp"), v, &dt2) == (type == NULL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *pool = to_fuzz_pool();
    to_json_parse_t parsed;
    to_verr_t e;

    to_verr_init(&e, pool);
    read_one(pool, &e, to_json_own(pool, to_json_strn((const char *)data, size)));
    if (to_json_parse(pool, (const char *)data, size, &parsed) == APR_SUCCESS && parsed.value) {
        json_object *body = parsed.value;

        read_one(pool, &e, body);
        if (json_object_is_type(body, json_type_array)) {
            size_t i, n = json_object_array_length(body);
            to_event_t *events = apr_pcalloc(pool, sizeof(*events) * (n ? n : 1));
            to_events_summary_t summary;
            const char *const *status;

            for (i = 0; i < n; i++) {
                json_object *item = json_object_array_get_idx(body, i);
                json_object *name = to_json_get(item, "event_name", NULL);
                json_object *detail = to_json_get(item, "detail", NULL);
                json_object *ts = to_json_get(item, "timestamp", NULL);

                events[i].name = name ? json_object_get_string(name) : "";
                events[i].detail = detail ? json_object_get_string(detail) : "";
                if (ts) {
                    read_one(pool, &e, ts);
                }
            }
            to_events_summarise(events, n, &summary);
            for (status = to_execution_statuses; *status; status++) {
                TO_FUZZ_ASSERT(to_events_status(&summary, *status) != NULL);
            }
        }
    }
    apr_pool_destroy(pool);
    return 0;
}
