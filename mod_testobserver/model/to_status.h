/* Status rules of test executions (pure). */
#ifndef TO_STATUS_H
#define TO_STATUS_H

/* The status a test execution gets when its runner reports it COMPLETED:
 * no results at all means it ended prematurely, any failed result makes it
 * FAILED, anything else PASSED. */
const char *to_completed_status(long results, long failed);

#endif
