/* GET /v1/permissions. */
#include <httpd.h>

#include "../json/to_json.h"
#include "../model/to_enums.h"
#include "to_handlers.h"

const to_sql_t to_sql_permissions[] = {{NULL, NULL}};

/* Every permission, in the order upstream declares them. */
int to_h_permissions_get(to_req_t *tr)
{
    json_object *list;
    int i;

    TO_CHECKED(tr);
    list = to_json_own(tr->pool, json_object_new_array());
    for (i = 0; to_permissions_declared[i]; i++) {
        json_object_array_add(list, json_object_new_string(to_permissions_declared[i]));
    }
    return to_answer_json(tr, HTTP_OK, list);
}
