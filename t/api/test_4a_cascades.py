"""Deleting and archiving as upstream's models cascade: an artefact takes its
builds, executions, results, reviews, reruns, links, events and issue
attachments with it; a user takes sessions and notifications; a rule that
attached issues leaves the attachments; archiving hides an artefact from the
lists and search, and unarchiving brings it back. Shared rows (environments,
test cases, test plans, issues) stay."""

import copy

from helpers import DEB, SNAP


def count(pg, table, where="true"):
    return int(pg.psql(f"SELECT count(*) FROM {table} WHERE {where}"))


def fill(api, pg):
    """One snap artefact with an execution, results, a rerun, a link, an
    event, an attached issue and a rule; returns its artefact id."""
    ex = api.put("/v1/test-executions/start-test", json=SNAP).json()["id"]
    r = api.post(f"/v1/test-executions/{ex}/test-results", json=[
        {"name": "t1", "status": "FAILED"}, {"name": "t2", "status": "PASSED"}])
    assert r.status_code == 200, r.text
    assert api.post("/v1/test-executions/reruns", json={"test_execution_ids": [ex]}).status_code == 200
    assert api.post(f"/v1/test-executions/{ex}/links",
                    json={"label": "log", "url": "https://example.com/l"}).status_code in (200, 201)
    assert api.put(f"/v1/test-executions/{ex}/status_update", json={
        "events": [{"event_name": "started_setup", "timestamp": "2025-01-01T10:00:00",
                    "detail": ""}]}).status_code == 200
    issue = api.put("/v1/issues", json={"url": "https://github.com/canonical/x/issues/1"}).json()["id"]
    rule = api.post(f"/v1/issues/{issue}/attachment-rules", json={
        "enabled": True, "families": ["snap"], "environment_names": [], "test_case_names": ["t1"],
        "template_ids": [], "test_result_statuses": ["FAILED"], "execution_metadata": {}})
    assert rule.status_code == 200, rule.text
    results = api.get(f"/v1/test-executions/{ex}/test-results").json()
    assert api.post(f"/v1/issues/{issue}/attach",
                    json={"test_results": [r["id"] for r in results]}).status_code == 200
    return int(pg.psql("SELECT id FROM artefact WHERE name = 'gc-snap'"))


def test_deleting_an_artefact_takes_everything_below_it(api, migrated):
    pg = migrated
    artefact = fill(api, pg)
    other = api.put("/v1/test-executions/start-test", json=DEB).json()["id"]
    tables = ["artefact_build", "test_execution", "test_result", "test_execution_rerun_request",
              "test_execution_relevant_link", "test_event", "artefact_build_environment_review",
              "issue_test_result_attachment"]
    before = {t: count(pg, t) for t in tables}
    assert all(before[t] >= 1 for t in tables), before
    pg.psql(f"DELETE FROM artefact WHERE id = {artefact}")
    after = {t: count(pg, t) for t in tables}
    # only the deb's rows are left
    assert after["artefact_build"] == 1 and after["test_execution"] == 1
    assert after["test_result"] == 0 and after["test_execution_rerun_request"] == 0
    assert after["test_execution_relevant_link"] == len(DEB["relevant_links"])
    assert after["test_event"] == 0 and after["issue_test_result_attachment"] == 0
    assert after["artefact_build_environment_review"] == 1
    # shared rows stay: the issue, its rule, test cases, environments, the plan
    assert count(pg, "issue") == 1 and count(pg, "issue_test_result_attachment_rule") == 1
    assert count(pg, "test_case") == 2 and count(pg, "environment") >= 1
    assert count(pg, "test_plan") == 1
    # the API agrees
    assert api.get(f"/v1/artefacts/{artefact}").status_code == 404
    assert api.get(f"/v1/test-executions/{other}/test-results").status_code == 200
    assert api.get("/v1/issues/1").json()["url"].endswith("/issues/1")


def test_deleting_a_rule_keeps_its_attachments(api, migrated):
    pg = migrated
    fill(api, pg)
    # a rule attachment, then the rule goes
    ex = api.put("/v1/test-executions/start-test", json={**SNAP, "version": "1.0.1"}).json()["id"]
    api.post(f"/v1/test-executions/{ex}/test-results", json=[{"name": "t1", "status": "FAILED"}])
    ruled = count(pg, "issue_test_result_attachment", "attachment_rule_id IS NOT NULL")
    assert ruled >= 1
    rule = pg.psql("SELECT id FROM issue_test_result_attachment_rule")
    r = api.delete(f"/v1/issues/1/attachment-rules/{rule}")
    assert r.status_code in (200, 204), r.text
    assert count(pg, "issue_test_result_attachment", "attachment_rule_id IS NOT NULL") == 0
    assert count(pg, "issue_test_result_attachment") >= ruled


def test_deleting_a_user_takes_sessions_notifications_and_memberships(api, migrated, user_client):
    pg = migrated
    c = user_client("gone@example.com", teams={"t": ["view_user"]})
    pg.psql(f"INSERT INTO notification (user_id, notification_type, created_at, updated_at)"
            f" VALUES ({c.user_id}, (enum_range(NULL::notificationtype))[1], now(), now())")
    assert api.delete(f"/v1/users/{c.user_id}").status_code == 204
    assert count(pg, "user_session") == 0
    assert count(pg, "notification") == 0
    assert count(pg, "team_users_association") == 0
    assert count(pg, "team") == 1
    assert c.get("/v1/users/me").json() is None


def test_deleting_a_matching_rule_leaves_its_teams(api, migrated):
    pg = migrated
    team = api.post("/v1/teams", json={"name": "owners", "permissions": []}).json()["id"]
    rule = api.post("/v1/artefact-matching-rules", json={"family": "snap", "grant_permissions": [],
                                                         "team_ids": [team]})
    assert rule.status_code in (200, 201), rule.text
    assert count(pg, "artefact_matching_rule_team_association") == 1
    assert api.delete(f"/v1/artefact-matching-rules/{rule.json()['id']}").status_code == 204
    assert count(pg, "artefact_matching_rule_team_association") == 0
    assert api.get(f"/v1/teams/{team}").status_code == 200


def test_archiving_hides_and_unarchiving_shows(api, migrated):
    snap = api.put("/v1/test-executions/start-test", json=SNAP).json()["id"]
    assert snap
    artefact = api.get("/v1/artefacts?family=snap").json()[0]["id"]
    r = api.patch(f"/v1/artefacts/{artefact}", json={"archived": True})
    assert r.status_code == 200 and r.json()["archived"] is True
    assert api.get("/v1/artefacts?family=snap").json() == []
    assert "gc-snap" not in api.get("/v1/artefacts/search?q=gc").json()["artefacts"]
    # still readable by id, with its builds
    assert api.get(f"/v1/artefacts/{artefact}").json()["archived"] is True
    assert api.get(f"/v1/artefacts/{artefact}/builds").status_code == 200
    r = api.patch(f"/v1/artefacts/{artefact}", json={"archived": False})
    assert r.status_code == 200 and r.json()["archived"] is False
    assert [a["id"] for a in api.get("/v1/artefacts?family=snap").json()] == [artefact]
    assert "gc-snap" in api.get("/v1/artefacts/search?q=gc").json()["artefacts"]


def test_archived_artefacts_filter_in_results_search(api, migrated):
    ex = api.put("/v1/test-executions/start-test", json=copy.deepcopy(SNAP)).json()["id"]
    api.post(f"/v1/test-executions/{ex}/test-results", json=[{"name": "t1", "status": "PASSED"}])
    artefact = api.get("/v1/artefacts?family=snap").json()[0]["id"]
    api.patch(f"/v1/artefacts/{artefact}", json={"archived": True})
    seen = api.get("/v1/test-results?artefact_is_archived=true").json()
    hidden = api.get("/v1/test-results?artefact_is_archived=false").json()
    assert seen["count"] == 1 and hidden["count"] == 0
