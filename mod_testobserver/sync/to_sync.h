/* Issue synchronisation inside httpd: a mod_watchdog callback (a singleton
 * among the children, as mod_md's renewal job) that refreshes the title,
 * status and labels of issues from GitHub, Jira and Launchpad, with
 * upstream's priorities and intervals. It opens its own PostgreSQL
 * connection for each run (requests never wait for it), holds a session
 * advisory lock meanwhile (so of several servers on one database one syncs
 * at a time), and talks to the trackers with libcurl under a timeout. */
#ifndef TO_SYNC_H
#define TO_SYNC_H

#include <httpd.h>
#include <http_config.h>

/* The advisory lock a run holds: pg_try_advisory_lock(21615, 7953). */
#define TO_SYNC_LOCK_CLASS 21615
#define TO_SYNC_LOCK_OBJ 7953

/* The directives, spliced into the module's command table. */
const char *to_sync_cmd_flag(cmd_parms *cmd, void *dconf, const char *arg);
const char *to_sync_cmd_duration(cmd_parms *cmd, void *dconf, const char *arg);
const char *to_sync_cmd_count(cmd_parms *cmd, void *dconf, const char *arg);
const char *to_sync_cmd_string(cmd_parms *cmd, void *dconf, const char *arg);
const char *to_sync_cmd_jira_auth(cmd_parms *cmd, void *dconf, const char *user, const char *token);

#define TO_SYNC_DIRECTIVES                                                                         \
    AP_INIT_TAKE1("TestObserverIssueSync", to_sync_cmd_flag, NULL, RSRC_CONF,                      \
                  "On: refresh issues from their trackers in the background (default Off)"),       \
        AP_INIT_TAKE1("TestObserverIssueSyncCheck", to_sync_cmd_duration, "check", RSRC_CONF,      \
                      "How often the job looks for issues due (default 60s)"),                     \
        AP_INIT_TAKE1("TestObserverIssueSyncOpenInterval", to_sync_cmd_duration, "open",           \
                      RSRC_CONF, "Open and new issues are refreshed this often (default 1h)"),     \
        AP_INIT_TAKE1("TestObserverIssueSyncRecentClosedInterval", to_sync_cmd_duration, "recent", \
                      RSRC_CONF, "Recently closed issues are refreshed this often (default 6h)"),  \
        AP_INIT_TAKE1("TestObserverIssueSyncOldClosedInterval", to_sync_cmd_duration, "old",       \
                      RSRC_CONF, "Old closed issues are refreshed this often (default 7d)"),       \
        AP_INIT_TAKE1("TestObserverIssueSyncOldClosedAfter", to_sync_cmd_duration, "after",        \
                      RSRC_CONF, "A closed issue unchanged this long is old (default 30d)"),       \
        AP_INIT_TAKE1("TestObserverIssueSyncTimeout", to_sync_cmd_duration, "timeout", RSRC_CONF,  \
                      "Longest wait for one tracker request (default 10s)"),                       \
        AP_INIT_TAKE1("TestObserverIssueSyncBatchSize", to_sync_cmd_count, NULL, RSRC_CONF,        \
                      "Issues read and written per batch (default 50)"),                           \
        AP_INIT_TAKE1("TestObserverIssueSyncDBParams", to_sync_cmd_string, "db", RSRC_CONF,        \
                      "libpq conninfo of the job's connection (default: DBDParams)"),              \
        AP_INIT_TAKE1("TestObserverIssueSyncGitHubURL", to_sync_cmd_string, "github", RSRC_CONF,   \
                      "GitHub's REST API (default https://api.github.com; none: skip GitHub)"),    \
        AP_INIT_TAKE1("TestObserverIssueSyncGitHubToken", to_sync_cmd_string, "github-token",      \
                      RSRC_CONF, "GitHub token, or env:VARIABLE, or file:PATH"),                   \
        AP_INIT_TAKE1("TestObserverIssueSyncJiraURL", to_sync_cmd_string, "jira", RSRC_CONF,       \
                      "Jira's REST API base, https://api.atlassian.com/ex/jira/<cloud id>"),       \
        AP_INIT_TAKE2("TestObserverIssueSyncJiraAuth", to_sync_cmd_jira_auth, NULL, RSRC_CONF,     \
                      "Jira account e-mail and API token (either may be env:VAR or file:PATH)"),   \
        AP_INIT_TAKE1("TestObserverIssueSyncLaunchpadURL", to_sync_cmd_string, "launchpad",        \
                      RSRC_CONF,                                                                   \
                      "Launchpad's API (default https://api.launchpad.net/devel; none: skip)")

void to_sync_register_hooks(apr_pool_t *pool);

#endif
