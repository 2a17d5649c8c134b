/* Expired sessions are deleted now and then by a mod_watchdog job, as
 * upstream's delete_expired_user_sessions script does. */
#ifndef TO_SESSION_SWEEP_H
#define TO_SESSION_SWEEP_H

#include <apr_pools.h>

/* Registers the job's hooks (from the module's register_hooks). */
void to_session_sweep_register_hooks(apr_pool_t *pool);

#endif
