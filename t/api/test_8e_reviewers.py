"""Reviewer assignment on start-test (needs_assignment), the notifications
newly assigned reviewers get (start-test and PATCH /v1/artefacts/{id}), and
the "me" notification routes of a signed-in user."""

import copy
import datetime

from conftest import sign_in
from helpers import DEB, SNAP
from sqlcount import counting_server, statements  # noqa: F401  (fixture)

FRONTEND = "http://localhost:30001"


def start(api, body=SNAP, **changes):
    b = copy.deepcopy(body)
    b.update(changes)
    r = api.put("/v1/test-executions/start-test", json=b)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def artefact_of(pg, execution_id):
    return int(pg.psql("SELECT b.artefact_id FROM test_execution te JOIN artefact_build b"
                       f" ON b.id = te.artefact_build_id WHERE te.id = {execution_id}"))


def reviewer_team(api, pg, team_name, users, **rule_fields):
    """A team of new users with a matching rule; returns the users' ids."""
    ids = [sign_in(pg, email)[0] for email in users]
    r = api.post("/v1/teams", json={"name": team_name, "permissions": []})
    assert r.status_code in (200, 201), r.text
    team = r.json()["id"]
    for uid in ids:
        assert api.post(f"/v1/teams/{team}/members/{uid}").status_code in (200, 201)
    r = api.post("/v1/artefact-matching-rules", json={"team_ids": [team], **rule_fields})
    assert r.status_code == 201, r.text
    return ids


def reviewers(pg, artefact):
    out = pg.psql(f"SELECT string_agg(user_id::text, ',' ORDER BY user_id)"
                  f" FROM artefact_reviewers_association WHERE artefact_id = {artefact}")
    return [int(x) for x in out.split(",")] if out else []


def due_date(pg, artefact):
    return pg.psql(f"SELECT coalesce(due_date::text, '') FROM artefact WHERE id = {artefact}")


def env_review_holders(pg, artefact):
    """{review id: [user ids]} for the reviews of the artefact's builds."""
    rows = pg.psql("SELECT r.id, coalesce(string_agg(er.user_id::text, ','), '')"
                   " FROM artefact_build_environment_review r JOIN artefact_build b"
                   " ON b.id = r.artefact_build_id LEFT JOIN environment_review_reviewers_association er"
                   f" ON er.environment_review_id = r.id WHERE b.artefact_id = {artefact}"
                   " GROUP BY r.id ORDER BY r.id")
    out = {}
    for line in rows.splitlines():
        rid, users = line.split("|")
        out[int(rid)] = [int(u) for u in users.split(",") if u]
    return out


def notes(pg, user_id):
    rows = pg.psql("SELECT notification_type || ' ' || coalesce(target_url, '') FROM notification"
                   f" WHERE user_id = {user_id} ORDER BY id")
    return rows.splitlines() if rows else []


def test_no_assignment_by_default(api, server):
    pg = server.pg
    reviewer_team(api, pg, "snappers", ["r1@example.com"], family="snap")
    a = artefact_of(pg, start(api))
    assert reviewers(pg, a) == []
    assert due_date(pg, a) == ""
    assert pg.psql("SELECT count(*) FROM notification") == "0"


def test_one_reviewer_with_due_date_review_and_notification(api, server):
    pg = server.pg
    team = reviewer_team(api, pg, "snappers", ["r1@example.com", "r2@example.com", "r3@example.com"],
                         family="snap")
    sign_in(pg, "loner@example.com")  # in no team: never drawn
    a = artefact_of(pg, start(api, needs_assignment=True))
    chosen = reviewers(pg, a)
    assert len(chosen) == 1 and chosen[0] in team
    assert due_date(pg, a) == str(datetime.date.today() + datetime.timedelta(days=10))
    assert list(env_review_holders(pg, a).values()) == [chosen]
    assert notes(pg, chosen[0]) == [f"USER_ASSIGNED_ARTEFACT_REVIEW {FRONTEND}/snaps/{a}"]
    assert pg.psql("SELECT count(*) FROM notification") == "1"
    # the answer shows them
    body = api.get(f"/v1/artefacts/{a}").json()
    assert [r["id"] for r in body["reviewers"]] == chosen
    assert body["due_date"] == due_date(pg, a)


def test_nobody_to_assign(api, server):
    pg = server.pg
    sign_in(pg, "solo@example.com")
    reviewer_team(api, pg, "debbers", ["d1@example.com"], family="deb")
    a = artefact_of(pg, start(api, needs_assignment=True))
    assert reviewers(pg, a) == []
    assert due_date(pg, a) == ""
    assert pg.psql("SELECT count(*) FROM notification") == "0"


def test_most_specific_rules_pick_the_team(api, server):
    pg = server.pg
    broad = reviewer_team(api, pg, "all-snaps", ["b1@example.com"], family="snap")
    narrow = reviewer_team(api, pg, "gc-snap", ["n1@example.com"], family="snap", name="gc-snap",
                           track="latest")
    a = artefact_of(pg, start(api, needs_assignment=True))
    assert reviewers(pg, a) == narrow
    other = artefact_of(pg, start(api, name="other-snap", ci_link="https://ci.example.com/o",
                                  needs_assignment=True))
    assert reviewers(pg, other) == broad


def test_kernels_get_no_due_date(api, server):
    pg = server.pg
    reviewer_team(api, pg, "debs", ["k1@example.com"], family="deb")
    a = artefact_of(pg, start(api, DEB, name="linux-raspi", needs_assignment=True))
    assert len(reviewers(pg, a)) == 1
    assert due_date(pg, a) == ""
    b = artefact_of(pg, start(api, DEB, name="raspi-kernel", ci_link="https://ci.example.com/k",
                              needs_assignment=True))
    assert due_date(pg, b) == ""


def test_one_reviewer_per_50_executions_balanced(api, server):
    pg = server.pg
    team = reviewer_team(api, pg, "snappers", [f"r{i}@example.com" for i in range(4)], family="snap")
    first = start(api, needs_assignment=True)
    a = artefact_of(pg, first)
    assert len(reviewers(pg, a)) == 1
    for i in range(51):
        start(api, environment=f"env-{i}", ci_link=f"https://ci.example.com/e{i}")
    pg.psql(f"DELETE FROM artefact_reviewers_association WHERE artefact_id = {a}")
    pg.psql("DELETE FROM notification")
    start(api, environment="final", ci_link="https://ci.example.com/final", needs_assignment=True)
    # 53 executions: two reviewers, every review held by one of them, evenly
    chosen = reviewers(pg, a)
    assert len(chosen) == 2 and set(chosen) <= set(team)
    holders = env_review_holders(pg, a)
    assert len(holders) == 53
    assert all(len(h) == 1 and h[0] in chosen for h in holders.values())
    loads = sorted(sum(1 for h in holders.values() if h == [u]) for u in chosen)
    assert loads == [26, 27]
    assert sorted(int(x) for x in pg.psql("SELECT user_id FROM notification").split()) == chosen


def test_existing_reviewer_gets_new_environment_but_no_new_notification(api, server):
    pg = server.pg
    reviewer_team(api, pg, "snappers", ["r1@example.com", "r2@example.com"], family="snap")
    a = artefact_of(pg, start(api, needs_assignment=True))
    chosen = reviewers(pg, a)
    start(api, environment="second", ci_link="https://ci.example.com/2", needs_assignment=True)
    assert reviewers(pg, a) == chosen
    assert all(h == chosen for h in env_review_holders(pg, a).values())
    assert len(env_review_holders(pg, a)) == 2
    assert pg.psql("SELECT count(*) FROM notification") == "1"


def test_manual_reviewer_is_notified_then_given_new_environments(api, server):
    pg = server.pg
    a = artefact_of(pg, start(api))
    manual = sign_in(pg, "manual@example.com")[0]
    r = api.patch(f"/v1/artefacts/{a}", json={"reviewer_ids": [manual]})
    assert r.status_code == 200, r.text
    assert notes(pg, manual) == [f"USER_ASSIGNED_ARTEFACT_REVIEW {FRONTEND}/snaps/{a}"]
    # the same list again notifies nobody; a new one only the newcomer
    api.patch(f"/v1/artefacts/{a}", json={"reviewer_ids": [manual]})
    other = sign_in(pg, "other@example.com")[0]
    api.patch(f"/v1/artefacts/{a}", json={"reviewer_emails": ["manual@example.com", "other@example.com"]})
    assert len(notes(pg, manual)) == 1 and len(notes(pg, other)) == 1
    api.patch(f"/v1/artefacts/{a}", json={"reviewer_ids": [manual]})
    # needs_assignment with no matching rule: the manual reviewer takes the new review
    start(api, environment="second", ci_link="https://ci.example.com/2", needs_assignment=True)
    assert all(h == [manual] for h in env_review_holders(pg, a).values())
    assert len(notes(pg, manual)) == 1


def test_assignment_costs_the_same_whatever_the_number(api, server, counting_server):
    pg = server.pg
    reviewer_team(api, pg, "snappers", ["r1@example.com", "r2@example.com"], family="snap")
    c = counting_server.client(server.admin_key)

    def cost(n):
        pg.psql("DELETE FROM artefact_reviewers_association; DELETE FROM environment_review_reviewers_association")
        r, count = statements(counting_server, lambda: c.put(
            "/v1/test-executions/start-test",
            json={**SNAP, "environment": f"cost-{n}", "ci_link": f"https://ci.example.com/c{n}",
                  "needs_assignment": True}))
        assert r.status_code == 200, r.text
        return count

    cost(0)
    few = cost(1)
    for i in range(60):
        start(api, environment=f"bulk-{i}", ci_link=f"https://ci.example.com/b{i}")
    assert cost(2) == few


def test_me_notifications_of_a_signed_in_user(api, server, user_client):
    pg = server.pg
    me = user_client("me@example.com")
    other = sign_in(pg, "someone@example.com")[0]
    a = artefact_of(pg, start(api))
    api.patch(f"/v1/artefacts/{a}", json={"reviewer_ids": [me.user_id, other]})
    b = artefact_of(pg, start(api, DEB))
    api.patch(f"/v1/artefacts/{b}", json={"reviewer_ids": [me.user_id]})

    page = me.get("/v1/users/me/notifications").json()
    assert page["count"] == 2 and page["limit"] == 50 and page["offset"] == 0
    assert [n["target_url"] for n in page["notifications"]] == [f"{FRONTEND}/debs/{b}",
                                                               f"{FRONTEND}/snaps/{a}"]
    assert {n["user_id"] for n in page["notifications"]} == {me.user_id}
    assert me.get("/v1/users/me/notifications/count").json() == 2
    first = page["notifications"][1]["id"]
    r = me.post(f"/v1/users/me/notifications/{first}/dismiss")
    assert r.status_code == 200 and r.json()["dismissed_at"] is not None
    assert me.get("/v1/users/me/notifications/count?unread_only=true").json() == 1
    unread = me.get("/v1/users/me/notifications?unread_only=true&limit=1").json()
    assert unread["count"] == 1 and len(unread["notifications"]) == 1
    # another user's notification is not found through "me"
    theirs = pg.psql(f"SELECT id FROM notification WHERE user_id = {other}")
    r = me.post(f"/v1/users/me/notifications/{theirs}/dismiss")
    assert (r.status_code, r.json()) == (404, {"detail": "Notification not found"})
    assert pg.psql(f"SELECT dismissed_at IS NULL FROM notification WHERE id = {theirs}") == "t"


def test_me_notifications_without_a_user(server, anon, client_with):
    app = client_with("view_notification")
    for c in (anon, app):
        page = c.get("/v1/users/me/notifications").json()
        assert page == {"notifications": [], "count": 0, "limit": 50, "offset": 0}
        assert c.get("/v1/users/me/notifications/count").json() == 0
    r = anon.post("/v1/users/me/notifications/1/dismiss")
    assert (r.status_code, r.json()) == (401, {"detail": "Not authenticated"})
    r = app.post("/v1/users/me/notifications/1/dismiss")
    assert (r.status_code, r.json()) == (403, {"detail": "Forbidden"})


def test_frontend_url_directive_sets_the_links(api, server, migrated):
    import shutil

    from conftest import SESSION_CONF, start_server
    srv = start_server(migrated, SESSION_CONF + "TestObserverFrontendURL https://to.example.com/dash/\n")
    try:
        pg = server.pg
        a = artefact_of(pg, start(api))
        uid = sign_in(pg, "linked@example.com")[0]
        r = srv.client(server.admin_key).patch(f"/v1/artefacts/{a}", json={"reviewer_ids": [uid]})
        assert r.status_code == 200, r.text
        assert notes(pg, uid) == [f"USER_ASSIGNED_ARTEFACT_REVIEW https://to.example.com/dash/snaps/{a}"]
    finally:
        srv.stop()
        shutil.rmtree(srv.root, ignore_errors=True)
