/* Sharing environment reviews out among reviewers (see to_review_share.h). */
#include "to_review_share.h"

int to_review_share(long *load, int nreviewers, const int *held, int nreviews, int *choice)
{
    long share;
    int j, k = 0, given = 0;

    for (j = 0; j < nreviews; j++) {
        choice[j] = -1;
    }
    if (nreviewers <= 0 || nreviews <= 0) {
        return 0;
    }
    share = ((long)nreviews + nreviewers - 1) / nreviewers;
    for (j = 0; j < nreviews; j++) {
        if (held[j]) {
            continue;
        }
        /* upstream moves to the next reviewer once the current one has its
         * share; the last reviewer takes whatever remains */
        if (load[k] >= share && k + 1 < nreviewers) {
            k++;
        }
        choice[j] = k;
        load[k]++;
        given++;
    }
    return given;
}
