/* Sharing environment reviews out among an artefact's reviewers, as
 * upstream's start-test does it (pure; no httpd). */
#ifndef TO_REVIEW_SHARE_H
#define TO_REVIEW_SHARE_H

/* load[i] is how many of the reviews reviewer i already holds, the
 * reviewers ordered fewest first; held[j] tells whether review j already
 * has one of the reviewers. Each review j without one gets choice[j], the
 * index of its reviewer, and the others -1: the reviewers are taken in
 * order, each up to an even share (the reviews divided by the reviewers,
 * rounded up), moving on once, as upstream does. load is updated. Returns
 * how many reviews got a reviewer. */
int to_review_share(long *load, int nreviewers, const int *held, int nreviews, int *choice);

#endif
