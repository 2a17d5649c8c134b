/* Status rules of test executions. */
#include "to_status.h"

const char *to_completed_status(long results, long failed)
{
    if (results <= 0) {
        return "ENDED_PREMATURELY";
    }
    return failed > 0 ? "FAILED" : "PASSED";
}
