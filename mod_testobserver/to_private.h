/* What every glue file of mod_testobserver shares: the module and logging. */
#ifndef TO_PRIVATE_H
#define TO_PRIVATE_H

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>

extern module AP_MODULE_DECLARE_DATA testobserver_module;

#ifdef APLOG_USE_MODULE
APLOG_USE_MODULE(testobserver);
#endif

/* Our numbered log tags: "TO00001: ..." */
#define TO_LOGNO(n) "TO" #n ": "

#endif
