"""Issues: GET/PUT /v1/issues, GET/PATCH /v1/issues/{issue_id}, and the
whole of exchange 12-issues.txt (attachments and rules included; its last
exchange, GET /v1/test-results, belongs to the search handler)."""

import pytest

from issues_scenario import (INSUFFICIENT, ISSUE_KEYS, ISSUE_NOT_FOUND, MINIMAL_KEYS, NO_FILTER,
                             OTHER_ISSUE, RULE_NOT_FOUND, TS, World, add_rule, issue_url, minimal,
                             ok, post_results, put_issue, results_by_name, rule_body, snap, start)

UNRECOGNIZED = ("Unrecognized issue URL format:\n  host = '{host}'\n  path = '{path}'\n\n"
                "Expected formats:\n"
                "  GitHub:     https://github.com/<owner>/<repo>/issues/<number>\n"
                "  JIRA:       https://warthogs.atlassian.net/browse/<PROJECT-123>\n"
                "  Launchpad:  https://bugs.launchpad.net/<project>/+bug/<number>")


@pytest.fixture
def world(api, server):
    return World(api, server.pg)


def issue(id, source, project, key, title="", status="unknown", auto_rerun=False, rules=()):
    return {"id": id, "source": source, "project": project, "key": key, "title": title, "status": status,
            "url": issue_url(source, project, key), "labels": None, "auto_rerun_enabled": auto_rerun,
            "attachment_rules": list(rules)}


def test_exchange(api, server, world):
    w, run = world, world.run

    # PUT: GitHub (owner lower-cased), Jira (project upper-cased), Launchpad (+source dropped)
    gh = put_issue(api, f"https://github.com/Canonical/gc-gh-{run}/issues/42", title="Wifi fails on rpi4",
                   status="open")
    assert list(gh) == ISSUE_KEYS
    assert gh == issue(gh["id"], "github", f"canonical/gc-gh-{run}", "42", "Wifi fails on rpi4", "open")
    jira = put_issue(api, "https://warthogs.atlassian.net/browse/gcjiraproj-77")
    assert jira == issue(jira["id"], "jira", "GCJIRAPROJ", "77")
    lp = put_issue(api, f"https://bugs.launchpad.net/gc-lp-{run}/+source/linux/+bug/2000002",
                   title="kernel panic", status="closed", auto_rerun_enabled=True)
    assert lp == issue(lp["id"], "launchpad", f"gc-lp-{run}", "2000002", "kernel panic", "closed", True)
    assert len({gh["id"], jira["id"], lp["id"]}) == 3

    # the same issue again: updated, same id, status kept
    again = put_issue(api, f"https://github.com/canonical/gc-gh-{run}/issues/42", title="Wifi fails on rpi4 (v2)")
    gh = issue(gh["id"], "github", f"canonical/gc-gh-{run}", "42", "Wifi fails on rpi4 (v2)", "open")
    assert again == gh

    r = api.put("/v1/issues", json={"url": "https://example.com/issues/1"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"detail": UNRECOGNIZED.format(host="example.com", path="/issues/1")}

    assert ok(api.get(f"/v1/issues/{gh['id']}")) == gh
    r = api.get("/v1/issues/999999999")
    assert r.status_code == 404 and r.json() == ISSUE_NOT_FOUND

    # PATCH
    jira = ok(api.patch(f"/v1/issues/{jira['id']}",
                        json={"title": "Jira title", "status": "open", "auto_rerun_enabled": True}))
    assert jira == issue(jira["id"], "jira", "GCJIRAPROJ", "77", "Jira title", "open", True)
    r = api.patch(f"/v1/issues/{jira['id']}", json={"status": "resolved"})
    assert r.status_code == 422
    assert r.json() == {"detail": [{"type": "enum", "loc": ["body", "status"],
                                    "msg": "Input should be 'unknown', 'open' or 'closed'", "input": "resolved",
                                    "ctx": {"expected": "'unknown', 'open' or 'closed'"}}]}
    r = api.patch("/v1/issues/999999999", json={"title": "x"})
    assert r.status_code == 404 and r.json() == ISSUE_NOT_FOUND

    # attach one result; by filters; empty filters; unknown issue
    assert ok(api.post(f"/v1/issues/{gh['id']}/attach", json={"test_results": [w.res_snap1_wifi]})) == gh
    body = {"test_results_filters": {"artefacts": [w.name("deb")], "test_result_statuses": ["FAILED"]}}
    assert ok(api.post(f"/v1/issues/{jira['id']}/attach", json=body)) == jira
    r = api.post(f"/v1/issues/{jira['id']}/attach", json={"test_results_filters": {}})
    assert r.status_code == 422 and r.json() == NO_FILTER
    r = api.post("/v1/issues/999999999/attach", json={"test_results": [w.res_snap1_wifi]})
    assert r.status_code == 404 and r.json() == ISSUE_NOT_FOUND

    # the result now carries its issue
    results = ok(api.get(f"/v1/test-executions/{w.te_snap1}/test-results"))
    assert [r["id"] for r in results] == [w.res_snap1_boot, w.res_snap1_wifi, w.res_snap1_audio]
    assert [r["issues"] for r in results] == [[], [{"issue": minimal(gh), "attachment_rule": None}], []]
    assert list(results[1]["issues"][0]["issue"]) == MINIMAL_KEYS
    assert results[1]["status"] == "FAILED" and results[1]["comment"] == "no carrier"

    # lists: test_executions_count counts executions with attached results
    page = ok(api.get(f"/v1/issues?q=gc-gh-{run}"))
    assert page == {"issues": [minimal(gh, 1)], "count": 1, "limit": 50, "offset": 0}
    page = ok(api.get("/v1/issues?source=jira&project=GCJIRAPROJ&status=open&status=unknown&families=deb"))
    assert page == {"issues": [minimal(jira, 1)], "count": 1, "limit": 50, "offset": 0}
    page = ok(api.get(f"/v1/issues?q={run}&limit=1&offset=1"))
    assert page == {"issues": [minimal(lp)], "count": 2, "limit": 1, "offset": 1}
    r = api.get("/v1/issues?source=bugzilla")
    assert r.status_code == 422
    assert r.json() == {"detail": [{"type": "enum", "loc": ["query", "source"],
                                    "msg": "Input should be 'jira', 'github' or 'launchpad'", "input": "bugzilla",
                                    "ctx": {"expected": "'jira', 'github' or 'launchpad'"}}]}

    # attachment rules: every field, the minimal one, unknown issue
    full_fields = dict(enabled=True, families=["snap"], artefacts=[w.name("snap")], artefact_versions=["1.0.2"],
                       artefact_stages=["beta"], artefact_tracks=["latest"], environment_names=[w.name("env-rpi4")],
                       test_case_names=[w.name("tc-wifi")], template_ids=["wireless/{iface}"],
                       test_result_statuses=["FAILED"], execution_metadata={f"gc-meta-charm-{run}": ["postgresql-k8s"]})
    rule_full = add_rule(api, gh["id"], **full_fields)
    rule_min = add_rule(api, gh["id"], artefacts=[w.name("snap")], test_result_statuses=["FAILED"])
    r = api.post("/v1/issues/999999999/attachment-rules", json={})
    assert r.status_code == 404 and r.json() == ISSUE_NOT_FOUND

    r = ok(api.patch(f"/v1/issues/{gh['id']}/attachment-rules/{rule_full['id']}", json={"enabled": False}))
    rule_full = {**rule_full, "enabled": False}
    assert r == rule_full
    r = api.patch(f"/v1/issues/{jira['id']}/attachment-rules/{rule_full['id']}", json={"enabled": True})
    assert r.status_code == 400 and r.json() == OTHER_ISSUE
    r = api.patch(f"/v1/issues/{gh['id']}/attachment-rules/999999999", json={"enabled": True})
    assert r.status_code == 404 and r.json() == RULE_NOT_FOUND

    # the issue lists its rules, the last changed last
    gh["attachment_rules"] = [rule_min, rule_full]
    assert ok(api.get(f"/v1/issues/{gh['id']}")) == gh

    # a new snap version, then a failed result matching rule_min is attached
    te_snap3 = start(api, **snap(run, "1.0.2", 103, "snap-3"))
    post_results(api, te_snap3, [{"name": w.name("tc-wifi"), "status": "FAILED", "comment": "again"}])
    results = ok(api.get(f"/v1/test-executions/{te_snap3}/test-results"))
    assert len(results) == 1
    res = results[0]
    assert res["name"] == w.name("tc-wifi") and res["category"] == "Wireless"
    assert res["template_id"] == "wireless/{iface}" and res["comment"] == "again" and res["io_log"] == ""
    assert TS.match(res["created_at"])
    assert [(p["test_execution_id"], p["test_result_id"], p["version"]) for p in res["previous_results"]] == [
        (w.te_snap2, w.res_snap2_wifi, "1.0.1"), (w.te_snap1, w.res_snap1_wifi, "1.0.0")]
    assert res["issues"] == [{"issue": minimal(gh), "attachment_rule": rule_min}]

    # detach one result; by filters with a rule (which only has to exist)
    assert ok(api.post(f"/v1/issues/{gh['id']}/detach", json={"test_results": [w.res_snap1_wifi]})) == gh
    body = {"attachment_rule": rule_min["id"], "test_results_filters": {"artefacts": [w.name("snap")]}}
    assert ok(api.post(f"/v1/issues/{gh['id']}/detach", json=body)) == gh
    assert results_by_name(api, te_snap3)[w.name("tc-wifi")]["issues"] == []
    r = api.post(f"/v1/issues/{gh['id']}/attach", json={"attachment_rule": 999999999, "test_results": []})
    assert r.status_code == 404 and r.json() == RULE_NOT_FOUND

    # DELETE: 204, again 204; a rule of another issue 400
    for _ in range(2):
        r = api.delete(f"/v1/issues/{gh['id']}/attachment-rules/{rule_min['id']}")
        assert r.status_code == 204 and r.content == b""
    r = api.delete(f"/v1/issues/{jira['id']}/attachment-rules/{rule_full['id']}")
    assert r.status_code == 400 and r.json() == OTHER_ISSUE
    gh["attachment_rules"] = [rule_full]
    assert ok(api.get(f"/v1/issues/{gh['id']}")) == gh

    # the deb result keeps the jira issue
    disk = results_by_name(api, w.te_deb)[w.name("c3-disk")]
    assert disk["issues"] == [{"issue": minimal(jira), "attachment_rule": None}]


URL_FORMS = [
    ("https://github.com/canonical/test_observer/issues/71", "github", "canonical/test_observer", "71"),
    ("https://github.com/canonical/Test_Observer/issues/71", "github", "canonical/test_observer", "71"),
    ("http://github.com/canonical/test_observer/issues/71", "github", "canonical/test_observer", "71"),
    ("http://github.com/canonical/test_observer/issues/71?some=param", "github", "canonical/test_observer", "71"),
    ("https://GitHub.com/A/B/issues/5#issuecomment-9", "github", "a/b", "5"),
    ("https://user@github.com:443/a/b/issues/6", "github", "a/b", "6"),
    ("https://github.com/a/x/../b/issues/7", "github", "a/b", "7"),
    ("https://warthogs.atlassian.net/browse/TS-142", "jira", "TS", "142"),
    ("https://warthogs.atlassian.net/browse/ts-143", "jira", "TS", "143"),
    ("http://warthogs.atlassian.net/browse/Ab-1?focusedCommentId=2", "jira", "AB", "1"),
    ("https://bugs.launchpad.net/abc/+bug/123", "launchpad", "abc", "123"),
    ("https://bugs.launchpad.net/ABC/+bug/124", "launchpad", "abc", "124"),
    ("https://bugs.launchpad.net/ubuntu/+source/linux-meta/+bug/2137746", "launchpad", "ubuntu", "2137746"),
]

BAD_URLS = [
    ("https://unknown.com/canonical/test_observer/issues/71", "unknown.com", "/canonical/test_observer/issues/71"),
    ("https://github.com/unknown", "github.com", "/unknown"),
    ("https://github.com/canonical/issues/71", "github.com", "/canonical/issues/71"),
    ("https://github.com/canonical/test_observer/issues/abc", "github.com", "/canonical/test_observer/issues/abc"),
    ("https://github.com/canonical/test_observer/issues/71/", "github.com", "/canonical/test_observer/issues/71/"),
    ("https://warthogs.atlassian.net/unknown", "warthogs.atlassian.net", "/unknown"),
    ("https://warthogs.atlassian.net/browse/000-142", "warthogs.atlassian.net", "/browse/000-142"),
    ("https://warthogs.atlassian.net/browse/TS-ABC", "warthogs.atlassian.net", "/browse/TS-ABC"),
    ("https://bugs.launchpad.net/unknown", "bugs.launchpad.net", "/unknown"),
    ("https://bugs.launchpad.net/abc/abc/*bug/123", "bugs.launchpad.net", "/abc/abc/*bug/123"),
    ("https://bugs.launchpad.net/abc/+bug/abc", "bugs.launchpad.net", "/abc/+bug/abc"),
    ("https://Example.COM", "example.com", "/"),
    ("http://unknown.com/bug/1", "unknown.com", "/bug/1"),
]


def test_url_forms(api):
    ids = set()
    for url, source, project, key in URL_FORMS:
        got = put_issue(api, url)
        assert (got["source"], got["project"], got["key"]) == (source, project, key), url
        assert got["url"] == issue_url(source, project, key)
        ids.add(got["id"])
    assert len(ids) == len(URL_FORMS) - 3  # the first four name one issue
    for url, host, path in BAD_URLS:
        r = api.put("/v1/issues", json={"url": url})
        assert r.status_code == 422, url
        assert r.json() == {"detail": UNRECOGNIZED.format(host=host, path=path)}


def test_put_validation(api):
    r = api.put("/v1/issues", json={})
    assert r.status_code == 422
    assert r.json() == {"detail": [{"type": "missing", "loc": ["body", "url"], "msg": "Field required",
                                    "input": {}}]}
    r = api.put("/v1/issues", json={"url": "ftp://github.com/a/b/issues/1", "status": "random", "title": 5})
    assert r.status_code == 422
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [
        ("string_type", ["body", "title"]), ("enum", ["body", "status"]), ("url_scheme", ["body", "url"])]
    r = api.put("/v1/issues", json={"url": "not a url", "auto_rerun_enabled": "maybe"})
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [
        ("bool_parsing", ["body", "auto_rerun_enabled"]), ("url_parsing", ["body", "url"])]
    r = api.put("/v1/issues", json=[])
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "model_attributes_type"
    r = api.put("/v1/issues")
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "missing"
    # the project column holds 200 characters: a clear 422, not a database error
    r = api.put("/v1/issues", json={"url": f"https://github.com/o/{'r' * 200}/issues/1"})
    assert r.status_code == 422
    assert r.json() == {"detail": "The issue's project and key must have at most 200 characters"}


def test_put_defaults_and_updates(api):
    url = "https://github.com/canonical/test_observer/issues/71"
    first = put_issue(api, url)
    assert (first["title"], first["status"], first["auto_rerun_enabled"]) == ("", "unknown", False)
    second = put_issue(api, url, title="some title", status="open", auto_rerun_enabled="yes")
    assert second["id"] == first["id"]
    assert (second["title"], second["status"], second["auto_rerun_enabled"]) == ("some title", "open", True)
    third = put_issue(api, url, title=None, status=None, auto_rerun_enabled=None)
    assert third == second
    assert ok(api.get("/v1/issues"))["count"] == 1


def test_patch(api):
    gh = put_issue(api, "https://github.com/canonical/test_observer/issues/71", title="t", status="open")
    assert ok(api.patch(f"/v1/issues/{gh['id']}", json={})) == gh
    got = ok(api.patch(f"/v1/issues/{gh['id']}", json={"title": "new title", "status": "closed"}))
    assert (got["title"], got["status"]) == ("new title", "closed")
    got = ok(api.patch(f"/v1/issues/{gh['id']}", json={"auto_rerun_enabled": 1}))
    assert got["auto_rerun_enabled"] is True and got["title"] == "new title"
    got = ok(api.patch(f"/v1/issues/{gh['id']}", json={"auto_rerun_enabled": False, "title": None}))
    assert got["auto_rerun_enabled"] is False and got["title"] == "new title"
    r = api.patch(f"/v1/issues/{gh['id']}")
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "missing"
    r = api.patch("/v1/issues/abc", json={})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["path", "issue_id"]
    # the query string is read as upstream reads it
    r = api.patch(f"/v1/issues/{gh['id']}?status=bogus&auto_rerun_enabled=perhaps", json={})
    assert r.status_code == 422
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [
        ("enum", ["query", "status"]), ("bool_parsing", ["query", "auto_rerun_enabled"])]
    assert ok(api.patch(f"/v1/issues/{gh['id']}?status=open&title=q", json={}))["status"] == "closed"


def test_permissions(api, anon, client_with):
    gh = put_issue(api, "https://github.com/canonical/test_observer/issues/71")
    url = "https://github.com/canonical/test_observer/issues/72"
    for client in (anon, client_with("change_issue")):
        assert client.get("/v1/issues").status_code == 403
        assert client.get(f"/v1/issues/{gh['id']}").json() == INSUFFICIENT
    viewer = client_with("view_issue")
    assert ok(viewer.get("/v1/issues"))["count"] == 1
    assert ok(viewer.get(f"/v1/issues/{gh['id']}"))["id"] == gh["id"]
    for client in (anon, viewer, client_with("change_auto_rerun")):
        r = client.put("/v1/issues", json={"url": url})
        assert r.status_code == 403 and r.json() == INSUFFICIENT
        r = client.patch(f"/v1/issues/{gh['id']}", json={"title": "x"})
        assert r.status_code == 403 and r.json() == INSUFFICIENT
    # permission before validation
    assert anon.put("/v1/issues", json={}).status_code == 403
    assert anon.get("/v1/issues?source=bugzilla").status_code == 403

    editor = client_with("change_issue")
    assert ok(editor.put("/v1/issues", json={"url": url, "title": "t"}))["title"] == "t"
    assert ok(editor.patch(f"/v1/issues/{gh['id']}", json={"title": "x", "status": "open"}))["title"] == "x"
    # auto_rerun_enabled (body or query) also takes change_auto_rerun
    for call in (lambda c: c.patch(f"/v1/issues/{gh['id']}", json={"auto_rerun_enabled": True}),
                 lambda c: c.patch(f"/v1/issues/{gh['id']}?auto_rerun_enabled=true", json={}),
                 lambda c: c.put("/v1/issues", json={"url": url, "auto_rerun_enabled": False})):
        r = call(editor)
        assert r.status_code == 403 and r.json() == INSUFFICIENT
        assert call(client_with("change_issue", "change_auto_rerun")).status_code == 200
    assert ok(api.get(f"/v1/issues/{gh['id']}"))["auto_rerun_enabled"] is True
    # validation comes first, then the second permission
    r = editor.patch(f"/v1/issues/{gh['id']}", json={"auto_rerun_enabled": True, "status": "x"})
    assert r.status_code == 422


def gen(pg, rows):
    """Issues made with SQL: (source, project, key, title, status)."""
    values = ", ".join(f"('{s.upper()}', '{p}', '{k}', '{t}', '{st.upper()}', now(), now())"
                       for s, p, k, t, st in rows)
    pg.psql(f"INSERT INTO issue (source, project, key, title, status, created_at, updated_at) VALUES {values}")
    return {r.split("|")[1]: int(r.split("|")[0])
            for r in pg.psql("SELECT id, key FROM issue").splitlines()}


def listed(api, query=""):
    page = ok(api.get("/v1/issues" + query))
    assert all(list(i) == MINIMAL_KEYS for i in page["issues"])
    return [i["key"] for i in page["issues"]], page


def test_list_filters_and_order(api, server):
    gen(server.pg, [
        ("launchpad", "b", "LP-3", "x", "open"), ("github", "A", "GH-1", "Memory leak in kernel", "open"),
        ("launchpad", "b", "LP-1", "UI rendering bug", "closed"), ("jira", "C", "JIRA-1", "Bug in System Startup",
                                                                 "unknown"),
        ("jira", "KERNEL", "KERN-1", "Memory leak", "open"), ("jira", "KERNEL", "KERN-2", "Other bug", "open"),
        ("github", "KERNEL", "GH-MEM-1", "Memory leak", "closed"),
    ])
    keys, page = listed(api)
    # source in the enumeration's order (jira, github, launchpad), then project, then key
    assert keys == ["JIRA-1", "KERN-1", "KERN-2", "GH-1", "GH-MEM-1", "LP-1", "LP-3"]
    assert (page["count"], page["limit"], page["offset"]) == (7, 50, 0)
    assert listed(api, "?source=github")[0] == ["GH-1", "GH-MEM-1"]
    assert listed(api, "?project=KERNEL")[0] == ["KERN-1", "KERN-2", "GH-MEM-1"]
    assert listed(api, "?project=")[0] == keys
    assert listed(api, "?source=jira&project=KERNEL")[0] == ["KERN-1", "KERN-2"]
    assert listed(api, "?status=closed")[0] == ["GH-MEM-1", "LP-1"]
    assert listed(api, "?status=closed&status=unknown")[0] == ["JIRA-1", "GH-MEM-1", "LP-1"]
    assert listed(api, "?status=open&source=github")[0] == ["GH-1"]
    # q: every term matches id, source, project, key, title, status or url, without case
    assert listed(api, "?q=KERN-1")[0] == ["KERN-1"]
    assert listed(api, "?q=memory%20leak")[0] == ["KERN-1", "GH-1", "GH-MEM-1"]
    assert listed(api, "?q=bug%20system")[0] == ["JIRA-1"]
    assert listed(api, "?q=jira+kernel+memory")[0] == ["KERN-1"]
    assert listed(api, "?q=open&source=launchpad")[0] == ["LP-3"]
    assert listed(api, "?q=atlassian")[0] == ["JIRA-1", "KERN-1", "KERN-2"]
    assert listed(api, "?q=%2Bbug")[0] == ["LP-1", "LP-3"]
    assert listed(api, "?q=nonexistent")[0] == []
    assert listed(api, "?q=%20%20")[0] == keys
    assert listed(api, "?source=jira&project=KERNEL&q=memory&limit=10")[0] == ["KERN-1"]
    some_id = server.pg.psql("SELECT id FROM issue WHERE key = 'LP-3'")
    assert "LP-3" in listed(api, f"?q={some_id}")[0]
    # paging
    keys2, page = listed(api, "?limit=2&offset=1")
    assert keys2 == keys[1:3] and (page["count"], page["limit"], page["offset"]) == (7, 2, 1)
    assert listed(api, "?offset=5")[0] == keys[5:]
    assert listed(api, "?offset=100")[0] == []
    assert ok(api.get("/v1/issues?limit=1000"))["limit"] == 1000


def test_list_validation(api):
    cases = {
        "?limit=0": ("greater_than_equal", ["query", "limit"], "Input should be greater than or equal to 1"),
        "?limit=1001": ("less_than_equal", ["query", "limit"], "Input should be less than or equal to 1000"),
        "?limit=99999999999": ("less_than_equal", ["query", "limit"], "Input should be less than or equal to 1000"),
        "?offset=-1": ("greater_than_equal", ["query", "offset"], "Input should be greater than or equal to 0"),
        "?limit=x": ("int_parsing", ["query", "limit"],
                     "Input should be a valid integer, unable to parse string as an integer"),
        "?status=resolved": ("enum", ["query", "status", 0], "Input should be 'unknown', 'open' or 'closed'"),
        "?families=snap&families=rpm": ("enum", ["query", "families", 1],
                                        "Input should be 'snap', 'deb', 'charm', 'image' or 'solution'"),
    }
    for query, (type_, loc, msg) in cases.items():
        r = api.get("/v1/issues" + query)
        assert r.status_code == 422, query
        (err,) = r.json()["detail"]
        assert (err["type"], err["loc"], err["msg"]) == (type_, loc, msg), query
    r = api.get("/v1/issues?offset=x&source=x&limit=0")
    assert [e["loc"][1] for e in r.json()["detail"]] == ["source", "limit", "offset"]


def test_list_families_and_counts(api, server, world):
    w = world
    snap_issue = put_issue(api, "https://github.com/o/snap/issues/1")
    deb_issue = put_issue(api, "https://github.com/o/deb/issues/1")
    both = put_issue(api, "https://github.com/o/both/issues/1")
    lonely = put_issue(api, "https://github.com/o/lonely/issues/1")
    ok(api.post(f"/v1/issues/{snap_issue['id']}/attach", json={"test_results": [w.res_snap1_wifi]}))
    ok(api.post(f"/v1/issues/{deb_issue['id']}/attach", json={"test_results": [w.res_deb_disk]}))
    ok(api.post(f"/v1/issues/{both['id']}/attach",
                json={"test_results": [w.res_snap1_wifi, w.res_snap1_boot, w.res_snap2_wifi, w.res_deb_disk]}))
    counts = {i["id"]: i["test_executions_count"] for i in ok(api.get("/v1/issues"))["issues"]}
    assert counts == {snap_issue["id"]: 1, deb_issue["id"]: 1, both["id"]: 3, lonely["id"]: 0}
    ids = [i["id"] for i in ok(api.get("/v1/issues?families=snap"))["issues"]]
    assert ids == [both["id"], snap_issue["id"]]
    ids = [i["id"] for i in ok(api.get("/v1/issues?families=deb&families=charm"))["issues"]]
    assert ids == [both["id"], deb_issue["id"]]
    assert ok(api.get("/v1/issues?families=image"))["issues"] == []


def test_labels(api, server):
    gh = put_issue(api, "https://github.com/o/r/issues/1")
    server.pg.psql(f"UPDATE issue SET labels = ARRAY['bug', 'wifi'] WHERE id = {gh['id']}")
    assert ok(api.get(f"/v1/issues/{gh['id']}"))["labels"] == ["bug", "wifi"]
    assert ok(api.get("/v1/issues"))["issues"][0]["labels"] == ["bug", "wifi"]
    assert put_issue(api, "https://github.com/o/r/issues/1")["labels"] == ["bug", "wifi"]
