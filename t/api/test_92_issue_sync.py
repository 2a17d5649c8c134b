"""The issue sync job (TestObserverIssueSync): an httpd whose watchdog
refreshes issues from a fake GitHub, Jira and Launchpad on loopback, with
their errors, rate limits and outages; and the advisory lock that lets one
server of several sync at a time."""

import base64
import os
import random
import shutil
import signal
import string
import subprocess
import time
import uuid

import pytest

from conftest import start_server
from fake_tracker import (FakeTracker, Reply, github_issue, jira_issue, launchpad_bug,
                          launchpad_tasks)
from issues_scenario import put_issue

GH_TOKEN = "ghp_SyncTestSecret0123456789abcdefABCDEF"
JIRA_EMAIL = "sync-bot@example.com"
JIRA_TOKEN = "ATATT3xSyncTestJiraSecret0987654321"
RUN_DONE = "TO00717"
LOCKED_OUT = "TO00714"
LOCK = (21615, 7953)


def wait_until(pred, what, limit=60.0):
    """Polls pred until it is true (bounded: fails after limit seconds)."""
    deadline = time.monotonic() + limit
    while True:
        value = pred()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.2)


def runs_logged(srv, tag=RUN_DONE):
    return srv.log_text().count(tag)


def wait_runs(srv, n, tag=RUN_DONE):
    """Waits until n more runs (lines with tag) are logged."""
    base = runs_logged(srv, tag)
    wait_until(lambda: runs_logged(srv, tag) >= base + n, f"{n} more runs ({tag})")


def letters(n=6):
    return "".join(random.choice(string.ascii_uppercase) for _ in range(n))


def sync_conf(tracker, **over):
    conf = {
        "TestObserverIssueSync": "On",
        "TestObserverIssueSyncCheck": "1s",
        "TestObserverIssueSyncTimeout": "2s",
        "TestObserverIssueSyncGitHubURL": tracker.url("gh"),
        "TestObserverIssueSyncGitHubToken": GH_TOKEN,
        "TestObserverIssueSyncJiraURL": tracker.url("jira"),
        "TestObserverIssueSyncJiraAuth": f"{JIRA_EMAIL} {JIRA_TOKEN}",
        "TestObserverIssueSyncLaunchpadURL": tracker.url("lp/devel"),
    }
    conf.update(over)
    lines = ["LogLevel warn testobserver:debug"]
    lines += [f"{k} {v}" for k, v in conf.items() if v is not None]
    return "\n".join(lines) + "\n"


@pytest.fixture
def tracker():
    t = FakeTracker().start()
    yield t
    t.stop()


@pytest.fixture
def sync_server(server, tracker):
    """Factory: an httpd syncing against the fake tracker (stopped at the end)."""
    started = []

    def make(**over):
        srv = start_server(server.pg, sync_conf(tracker, **over))
        started.append(srv)
        srv.api = srv.client(server.admin_key)
        return srv

    yield make
    for srv in started:
        srv.stop()
        if not os.environ.get("TO_KEEP_TMP"):
            shutil.rmtree(srv.root, ignore_errors=True)


def get_issue(srv, issue_id):
    r = srv.api.get(f"/v1/issues/{issue_id}")
    assert r.status_code == 200, r.text
    return r.json()


def synced_at(pg, issue_id):
    return pg.psql(f"SELECT coalesce(last_synced_at::text, '') FROM issue WHERE id = {int(issue_id)}")


def lp_base(tracker):
    return tracker.url("lp/devel")


def test_sync_refreshes_title_status_labels(sync_server, tracker, migrated):
    run = uuid.uuid4().hex[:8]
    gh_repo, jira_proj, lp_proj = f"canonical/sync-{run}", letters(), f"sync-lp-{run}"
    lp_open, lp_closed = str(random.randint(2000000, 2999999)), str(random.randint(3000000, 3999999))
    tracker.set(f"/gh/repos/{gh_repo}/issues/7",
                Reply(body=github_issue(gh_repo, 7, "Wifi drops on resume", "closed",
                                        ["regression", "area/wifi"])))
    tracker.set(f"/jira/rest/api/3/issue/{jira_proj}-12",
                Reply(body=jira_issue(f"{jira_proj}-12", "Kernel oops in CI", "In Review", ["ci", "backend"])))
    base = lp_base(tracker)
    tracker.set(f"/lp/devel/bugs/{lp_open}", Reply(body=launchpad_bug(base, lp_open, "Boot hangs", ["noble", "arm64"])))
    tracker.set(f"/lp/devel/bugs/{lp_open}/bug_tasks",
                Reply(body=launchpad_tasks(base, lp_open, [("ubuntu", "Fix Released"), (lp_proj, "Triaged")])))
    tracker.set(f"/lp/devel/bugs/{lp_closed}", Reply(body=launchpad_bug(base, lp_closed, "Audio lost", [])))
    tracker.set(f"/lp/devel/bugs/{lp_closed}/bug_tasks",
                Reply(body=launchpad_tasks(base, lp_closed, [("ubuntu", "New"), (lp_proj, "Won't Fix")])))

    srv = sync_server()
    gh = put_issue(srv.api, f"https://github.com/{gh_repo}/issues/7", title="old title")
    jira = put_issue(srv.api, f"https://warthogs.atlassian.net/browse/{jira_proj}-12", status="closed")
    lpo = put_issue(srv.api, f"https://bugs.launchpad.net/{lp_proj}/+bug/{lp_open}")
    lpc = put_issue(srv.api, f"https://bugs.launchpad.net/{lp_proj}/+source/linux/+bug/{lp_closed}",
                    title="Audio lost", status="open")
    assert gh["status"] == "unknown" and gh["labels"] is None

    want = {
        gh["id"]: ("Wifi drops on resume", "closed", ["area/wifi", "regression"]),
        jira["id"]: ("Kernel oops in CI", "open", ["backend", "ci"]),
        lpo["id"]: ("Boot hangs", "open", ["arm64", "noble"]),
        lpc["id"]: ("Audio lost", "closed", None),
    }
    for issue_id, (title, status, labels) in want.items():
        got = wait_until(lambda: (lambda i: i if i["status"] == status and i["title"] == title else None)(
            get_issue(srv, issue_id)), f"issue {issue_id} synced")
        assert got["labels"] == labels, got
        assert synced_at(migrated, issue_id) != ""

    # each tracker was asked in its own way, with its own credentials
    gh_req = tracker.hits(f"/gh/repos/{gh_repo}/issues/7")[0]
    assert gh_req["headers"]["Authorization"] == f"Bearer {GH_TOKEN}"
    assert gh_req["headers"]["Accept"] == "application/vnd.github+json"
    assert gh_req["headers"]["User-Agent"].startswith("mod_testobserver")
    jira_req = tracker.hits(f"/jira/rest/api/3/issue/{jira_proj}-12")[0]
    basic = base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode()
    assert jira_req["headers"]["Authorization"] == f"Basic {basic}"
    for req in tracker.hits(prefix="/lp/"):
        assert "Authorization" not in req["headers"]
    assert len(tracker.hits(f"/lp/devel/bugs/{lp_closed}/bug_tasks")) >= 1

    # synced issues are not asked again before their interval (1h for open
    # ones, 6h for recently closed ones)
    asked = len(tracker.requests)
    wait_runs(srv, 2)
    assert len(tracker.requests) == asked

    # the secrets are nowhere in the log, which does log every request
    log = srv.log_text()
    assert f"GET {tracker.url('gh')}/repos/{gh_repo}/issues/7" in log
    assert GH_TOKEN not in log and JIRA_TOKEN not in log
    assert base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode() not in log


def test_priorities_and_intervals(sync_server, tracker, migrated):
    """Upstream's three priorities: open and new issues hourly, closed ones
    changed in the last 30 days every 6 hours, older closed ones weekly."""
    run = uuid.uuid4().hex[:8]
    repo = f"canonical/prio-{run}"
    srv = sync_server()
    cases = {  # number: (status, updated days ago, synced hours ago or None, due)
        1: ("OPEN", 0, None, True),
        2: ("OPEN", 0, 0.5, False),
        3: ("OPEN", 0, 2, True),
        4: ("UNKNOWN", 0, 0.1, False),
        5: ("CLOSED", 10, 3, False),
        6: ("CLOSED", 10, 8, True),
        7: ("CLOSED", 40, 24 * 3, False),
        8: ("CLOSED", 40, 24 * 8, True),
        9: ("CLOSED", 40, None, True),
    }
    ids = {}
    for n, (status, days, hours, _) in cases.items():
        tracker.set(f"/gh/repos/{repo}/issues/{n}", Reply(body=github_issue(repo, n, f"synced {n}", "open")))
        synced = "NULL" if hours is None else f"now() - interval '{hours} hours'"
        ids[n] = migrated.psql(
            "INSERT INTO issue (source, project, key, title, status, created_at, updated_at, last_synced_at)"
            f" VALUES ('GITHUB', '{repo}', '{n}', 'before', '{status}', now(), now() - interval '{days} days',"
            f" {synced}) RETURNING id").splitlines()[0]
    due = [n for n, c in cases.items() if c[3]]
    for n in due:
        wait_until(lambda: get_issue(srv, ids[n])["title"] == f"synced {n}", f"issue {n} synced")
    wait_runs(srv, 2)
    asked = sorted(int(r["path"].rsplit("/", 1)[1]) for r in tracker.hits(prefix=f"/gh/repos/{repo}/"))
    assert asked == due
    for n, c in cases.items():
        if not c[3]:
            assert get_issue(srv, ids[n])["title"] == "before"
    # a closed issue that the sync reopens moves updated_at; one that stays
    # as it was keeps it
    assert migrated.psql(f"SELECT updated_at > now() - interval '1 hour' FROM issue WHERE id = {ids[8]}") == "t"
    tracker.set(f"/gh/repos/{repo}/issues/10", Reply(body=github_issue(repo, 10, "same", "closed")))
    same = migrated.psql(
        "INSERT INTO issue (source, project, key, title, status, created_at, updated_at)"
        f" VALUES ('GITHUB', '{repo}', '10', 'same', 'CLOSED', now(), now() - interval '40 days')"
        " RETURNING id").splitlines()[0]
    wait_until(lambda: synced_at(migrated, same), "issue 10 synced")
    assert migrated.psql(f"SELECT updated_at < now() - interval '39 days' FROM issue WHERE id = {same}") == "t"


def test_tracker_errors_leave_issues_alone(sync_server, tracker, migrated):
    run = uuid.uuid4().hex[:8]
    repo, proj = f"canonical/err-{run}", letters()
    tracker.set(f"/gh/repos/{repo}/issues/1", Reply(404, {"message": "Not Found"}))
    tracker.set(f"/gh/repos/{repo}/issues/2", Reply(500, {"message": "Server Error"}))
    tracker.set(f"/gh/repos/{repo}/issues/3", Reply(body="<html>maintenance</html>"))
    tracker.set(f"/jira/rest/api/3/issue/{proj}-4",
                Reply(404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."],
                            "errors": {}}))
    tracker.set(f"/gh/repos/{repo}/issues/5", Reply(body=github_issue(repo, 5, "fine", "open", ["ok"])))
    srv = sync_server()
    bad = [put_issue(srv.api, f"https://github.com/{repo}/issues/{n}", title=f"kept {n}")["id"] for n in (1, 2, 3)]
    bad.append(put_issue(srv.api, f"https://warthogs.atlassian.net/browse/{proj}-4", title="kept 4")["id"])
    good = put_issue(srv.api, f"https://github.com/{repo}/issues/5")["id"]

    wait_until(lambda: get_issue(srv, good)["title"] == "fine", "the good issue synced")
    assert get_issue(srv, good)["labels"] == ["ok"]
    wait_runs(srv, 1)
    for issue_id in bad:
        got = get_issue(srv, issue_id)
        assert got["title"].startswith("kept") and got["status"] == "unknown", got
        assert synced_at(migrated, issue_id) == ""  # still due: asked again later
    log = srv.log_text()
    assert "GitHub answered HTTP 404" in log and "GitHub answered HTTP 500" in log
    assert "Jira answered HTTP 404" in log
    assert f"GitHub answer for {repo} 3 unreadable" in log
    # as upstream, a failed issue is asked again at its priority's next
    # turn (an hour for open ones), not at every run
    wait_runs(srv, 2)
    for n in (1, 2, 3):
        assert len(tracker.hits(f"/gh/repos/{repo}/issues/{n}")) == 1
    assert len(tracker.hits(f"/jira/rest/api/3/issue/{proj}-4")) == 1


def test_failed_issue_is_asked_again_after_its_interval(sync_server, tracker):
    run = uuid.uuid4().hex[:8]
    repo = f"canonical/again-{run}"
    path = f"/gh/repos/{repo}/issues/1"
    tracker.set(path, Reply(502, {"message": "Bad Gateway"}, times=1),
                Reply(body=github_issue(repo, 1, "second time lucky")))
    srv = sync_server(TestObserverIssueSyncOpenInterval="3s")
    issue = put_issue(srv.api, f"https://github.com/{repo}/issues/1")["id"]
    wait_until(lambda: get_issue(srv, issue)["title"] == "second time lucky", "the issue synced")
    hits = tracker.hits(path)
    assert len(hits) == 2 and hits[1]["at"] - hits[0]["at"] >= 2.9


def test_rate_limit_pauses_the_tracker(sync_server, tracker, migrated):
    """GitHub's exhausted quota (403, X-RateLimit-Remaining: 0) pauses every
    GitHub request until the reset; the other trackers go on."""
    run = uuid.uuid4().hex[:8]
    repo = f"canonical/quota-{run}"
    reset = int(time.time()) + 3600
    tracker.set(f"/gh/repos/{repo}/issues/1",
                Reply(403, {"message": "API rate limit exceeded"},
                      {"X-RateLimit-Limit": 5000, "X-RateLimit-Remaining": 0, "X-RateLimit-Reset": reset}))
    tracker.set(f"/gh/repos/{repo}/issues/2", Reply(body=github_issue(repo, 2, "never asked")))
    bug = str(random.randint(2000000, 2999999))
    tracker.set(f"/lp/devel/bugs/{bug}", Reply(body=launchpad_bug(lp_base(tracker), bug, "still synced")))
    tracker.set(f"/lp/devel/bugs/{bug}/bug_tasks",
                Reply(body=launchpad_tasks(lp_base(tracker), bug, [("ubuntu", "New")])))
    srv = sync_server()
    first = put_issue(srv.api, f"https://github.com/{repo}/issues/1")["id"]
    second = put_issue(srv.api, f"https://github.com/{repo}/issues/2")["id"]
    lp = put_issue(srv.api, f"https://bugs.launchpad.net/ubuntu/+bug/{bug}")["id"]

    wait_until(lambda: get_issue(srv, lp)["title"] == "still synced", "the Launchpad issue synced")
    wait_runs(srv, 2)
    assert len(tracker.hits(prefix="/gh/")) == 1
    assert get_issue(srv, first)["title"] == "" and get_issue(srv, second)["title"] == ""
    assert "GitHub is rate limiting (HTTP 403" in srv.log_text()


def test_retry_after_is_honoured(sync_server, tracker):
    """A 429 with Retry-After: the tracker is asked again only after it."""
    run = uuid.uuid4().hex[:8]
    proj = letters()
    tracker.set(f"/jira/rest/api/3/issue/{proj}-9",
                Reply(429, {"errorMessages": ["Rate limit exceeded"]}, {"Retry-After": 3}, times=1),
                Reply(body=jira_issue(f"{proj}-9", f"after the pause {run}", "Done")))
    srv = sync_server()
    issue = put_issue(srv.api, f"https://warthogs.atlassian.net/browse/{proj}-9")["id"]
    wait_until(lambda: get_issue(srv, issue)["status"] == "closed", "the Jira issue synced")
    hits = tracker.hits(f"/jira/rest/api/3/issue/{proj}-9")
    assert len(hits) == 2
    assert hits[1]["at"] - hits[0]["at"] >= 2.9
    assert get_issue(srv, issue)["title"] == f"after the pause {run}"


def test_outage_neither_blocks_the_job_nor_requests(sync_server, tracker, migrated):
    """A tracker that hangs is given up after the timeout, one that drops
    connections at once; the others are synced and the API answers
    meanwhile."""
    run = uuid.uuid4().hex[:8]
    repo, proj = f"canonical/slow-{run}", letters()
    tracker.set(f"/gh/repos/{repo}/issues/1", Reply(mode="hang"))
    tracker.set(f"/jira/rest/api/3/issue/{proj}-2", Reply(mode="drop"))
    bug = str(random.randint(2000000, 2999999))
    tracker.set(f"/lp/devel/bugs/{bug}", Reply(body=launchpad_bug(lp_base(tracker), bug, "synced anyway")))
    tracker.set(f"/lp/devel/bugs/{bug}/bug_tasks",
                Reply(body=launchpad_tasks(lp_base(tracker), bug, [("ubuntu", "Expired")])))
    srv = sync_server(TestObserverIssueSyncTimeout="1s")
    slow = put_issue(srv.api, f"https://github.com/{repo}/issues/1", title="kept")["id"]
    dropped = put_issue(srv.api, f"https://warthogs.atlassian.net/browse/{proj}-2", title="kept")["id"]
    lp = put_issue(srv.api, f"https://bugs.launchpad.net/ubuntu/+bug/{bug}")["id"]

    assert tracker.hanging.wait(30), "the job never asked the slow tracker"
    # while the job waits for GitHub, the API answers
    r = srv.api.get("/v1/issues", timeout=5)
    assert r.status_code == 200 and {i["id"] for i in r.json()["issues"]} == {slow, dropped, lp}
    wait_until(lambda: get_issue(srv, lp)["status"] == "closed", "the Launchpad issue synced")
    assert get_issue(srv, lp)["title"] == "synced anyway"
    for issue_id in (slow, dropped):
        assert get_issue(srv, issue_id)["title"] == "kept" and synced_at(migrated, issue_id) == ""
    log = srv.log_text()
    assert "no answer from GitHub" in log and "no answer from Jira" in log
    # once the tracker is back, the issue is synced
    tracker.set(f"/gh/repos/{repo}/issues/1", Reply(body=github_issue(repo, 1, "back again")))
    tracker.release.set()
    wait_until(lambda: get_issue(srv, slow)["title"] == "back again", "the GitHub issue synced")


def psql_session(pg):
    return subprocess.Popen(
        [str(pg.bindir / "psql"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "testobserver",
         "-d", "testobserver", "-qAt", "-v", "ON_ERROR_STOP=1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)


def test_held_lock_makes_the_job_skip(sync_server, tracker, migrated):
    """Another holder of the sync lock (another server) means no run here."""
    bug = str(random.randint(2000000, 2999999))
    tracker.set(f"/lp/devel/bugs/{bug}", Reply(body=launchpad_bug(lp_base(tracker), bug, "after the lock")))
    tracker.set(f"/lp/devel/bugs/{bug}/bug_tasks",
                Reply(body=launchpad_tasks(lp_base(tracker), bug, [("ubuntu", "New")])))
    holder = psql_session(migrated)
    try:
        holder.stdin.write(f"SELECT pg_advisory_lock{LOCK}; SELECT 'locked';\n")
        assert holder.stdout.readline().strip() in ("", "locked")
        srv = sync_server()
        issue = put_issue(srv.api, f"https://bugs.launchpad.net/ubuntu/+bug/{bug}")["id"]
        wait_runs(srv, 2, LOCKED_OUT)
        assert tracker.requests == []
        assert get_issue(srv, issue)["title"] == ""
    finally:
        holder.stdin.close()
        holder.wait(10)
    wait_until(lambda: get_issue(srv, issue)["title"] == "after the lock", "the issue synced")


def test_two_servers_on_one_database_sync_once(sync_server, tracker):
    """Two httpd with the job on one database: each issue is asked once."""
    run = uuid.uuid4().hex[:8]
    repo = f"canonical/pair-{run}"
    for n in range(1, 7):
        tracker.set(f"/gh/repos/{repo}/issues/{n}", Reply(body=github_issue(repo, n, f"pair {n}")))
    first, second = sync_server(), sync_server()
    ids = [put_issue(first.api, f"https://github.com/{repo}/issues/{n}")["id"] for n in range(1, 7)]
    for issue_id in ids:
        wait_until(lambda: get_issue(second, issue_id)["title"].startswith("pair"), f"issue {issue_id} synced")
    wait_runs(first, 2)
    wait_runs(second, 2)
    for n in range(1, 7):
        assert len(tracker.hits(f"/gh/repos/{repo}/issues/{n}")) == 1


@pytest.mark.parametrize("directive, value, message", [
    ("TestObserverIssueSyncCheck", "0", "TestObserverIssueSyncCheck must be"),
    ("TestObserverIssueSyncTimeout", "soon", "TestObserverIssueSyncTimeout must be"),
    ("TestObserverIssueSyncBatchSize", "100000", "TestObserverIssueSyncBatchSize must be"),
    ("TestObserverIssueSyncGitHubURL", "ftp://example.com", "must be an http:// or https:// URL"),
    ("TestObserverIssueSyncGitHubToken", "env:TO_SYNC_NO_SUCH_VARIABLE",
     "the environment variable TO_SYNC_NO_SUCH_VARIABLE is not set"),
    ("TestObserverIssueSync", "maybe", "TestObserverIssueSync "),
])
def test_bad_directives_stop_the_start(server, tracker, directive, value, message):
    with pytest.raises(RuntimeError) as err:
        srv = start_server(server.pg, sync_conf(tracker, **{directive: value}))
        srv.stop()
    assert message in str(err.value)
    assert GH_TOKEN not in str(err.value)


def test_graceful_restart_keeps_syncing(sync_server, tracker):
    """After a graceful restart (new children, new watchdog) the job goes on."""
    srv = sync_server()
    bug = str(random.randint(2000000, 2999999))
    tracker.set(f"/lp/devel/bugs/{bug}", Reply(body=launchpad_bug(lp_base(tracker), bug, "before restart")))
    tracker.set(f"/lp/devel/bugs/{bug}/bug_tasks",
                Reply(body=launchpad_tasks(lp_base(tracker), bug, [("ubuntu", "New")])))
    first = put_issue(srv.api, f"https://bugs.launchpad.net/ubuntu/+bug/{bug}")["id"]
    wait_until(lambda: get_issue(srv, first)["title"] == "before restart", "the first issue synced")
    restarts = srv.log_text().count("resuming normal operations")
    srv.proc.send_signal(signal.SIGUSR1)
    wait_until(lambda: srv.log_text().count("resuming normal operations") > restarts, "the restart")
    bug2 = str(random.randint(3000000, 3999999))
    tracker.set(f"/lp/devel/bugs/{bug2}", Reply(body=launchpad_bug(lp_base(tracker), bug2, "after restart")))
    tracker.set(f"/lp/devel/bugs/{bug2}/bug_tasks",
                Reply(body=launchpad_tasks(lp_base(tracker), bug2, [("ubuntu", "New")])))
    second = put_issue(srv.api, f"https://bugs.launchpad.net/ubuntu/+bug/{bug2}")["id"]
    wait_until(lambda: get_issue(srv, second)["title"] == "after restart", "the second issue synced")
    assert len(tracker.hits(f"/lp/devel/bugs/{bug}")) == 1


def test_oversized_answer_fails_its_issue_not_the_tracker(sync_server, tracker, migrated):
    """An answer past the 4 MiB cap is that issue's failure: it waits for its
    interval, and the tracker's other issues are still synced."""
    run = uuid.uuid4().hex[:8]
    repo = f"canonical/big-{run}"
    tracker.set(f"/gh/repos/{repo}/issues/1", Reply(body=b"[" + b"0," * (3 * 1024 * 1024) + b"0]"))
    tracker.set(f"/gh/repos/{repo}/issues/2", Reply(body=github_issue(repo, 2, "small enough")))
    srv = sync_server()
    big = put_issue(srv.api, f"https://github.com/{repo}/issues/1", title="kept")["id"]
    small = put_issue(srv.api, f"https://github.com/{repo}/issues/2")["id"]
    wait_until(lambda: get_issue(srv, small)["title"] == "small enough", "the small issue synced")
    wait_runs(srv, 2)
    assert get_issue(srv, big)["title"] == "kept"
    assert synced_at(migrated, big) == ""
    assert "answered too much" in srv.log_text()
    # held for its interval, not asked at every run
    assert len(tracker.hits(f"/gh/repos/{repo}/issues/1")) == 1
