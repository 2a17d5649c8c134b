"""Attachment rules: POST, PATCH and DELETE
/v1/issues/{issue_id}/attachment-rules, their automatic application to the
results of POST test-results and end-test, auto-rerun requests, and bulk
sizes (100,000 results attached by filters in a few statements)."""

import time

import pytest

from issues_scenario import (INSUFFICIENT, ISSUE_NOT_FOUND, OTHER_ISSUE, RULE_KEYS, RULE_NOT_FOUND, World,
                             add_rule, attached, deb, ok, post_results, put_issue, results_by_name, rule_body,
                             snap, start)
from sqlcount import counting_server, statements  # noqa: F401 (fixture)

GH = "https://github.com/canonical/test_observer/issues/71"
RULES = "/v1/issues/{}/attachment-rules"


@pytest.fixture
def world(api, server):
    return World(api, server.pg)


@pytest.fixture
def gh(api):
    return put_issue(api, GH)


def rule_url(issue_id, rule_id):
    return f"{RULES.format(issue_id)}/{rule_id}"


def rule_ids(api, issue_id):
    return [r["id"] for r in ok(api.get(f"/v1/issues/{issue_id}"))["attachment_rules"]]


def test_create(api, server, gh):
    fields = dict(enabled=True, families=["charm", "snap"], environment_names=["environment-1"],
                  test_case_names=["test-case-1"], template_ids=["template-id-1"],
                  test_result_statuses=["FAILED", "SKIPPED"],
                  execution_metadata={"category-1": ["value-1", "value-2"], "a": ["z", "b"]})
    first = add_rule(api, gh["id"], **fields)
    second = add_rule(api, gh["id"], **fields)
    assert first["id"] != second["id"]
    assert list(first["execution_metadata"]) == ["category-1", "a"]
    issue = ok(api.get(f"/v1/issues/{gh['id']}"))
    assert issue["attachment_rules"] == [first, second]
    # defaults; empty metadata lists leave no category; repeated values are stored once
    empty = add_rule(api, gh["id"])
    assert {k: v for k, v in empty.items() if k != "id"} == rule_body()
    r = ok(api.post(RULES.format(gh["id"]), json={"enabled": "false", "execution_metadata": {"c": [], "d": ["v", "v"]}}))
    assert r["enabled"] is False and r["execution_metadata"] == {"d": ["v"]}
    assert server.pg.psql("SELECT count(*) FROM issue_test_result_attachment_rule_execution_metadata") == "9"


def test_create_validation(api, gh):
    r = api.post(RULES.format(gh["id"]), json={
        "enabled": None, "families": ["rpm"], "artefacts": None, "template_ids": [1],
        "test_result_statuses": ["FAIL"], "execution_metadata": {"": ["x"], "k": [""]}})
    assert r.status_code == 422
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [
        ("bool_type", ["body", "enabled"]),
        ("enum", ["body", "families", 0]),
        ("list_type", ["body", "artefacts"]),
        ("string_type", ["body", "template_ids", 0]),
        ("enum", ["body", "test_result_statuses", 0]),
        ("string_too_short", ["body", "execution_metadata", "", "[key]"]),
        ("string_too_short", ["body", "execution_metadata", "k", 0]),
    ]
    r = api.post(RULES.format(gh["id"]), json={"execution_metadata": None})
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [("dict_type", ["body", "execution_metadata"])]
    for body in ([], "x"):
        r = api.post(RULES.format(gh["id"]), json=body)
        assert r.status_code == 422 and r.json()["detail"][0]["type"] == "model_attributes_type"
    r = api.post(RULES.format("x"), json={})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "issue_id"]
    r = api.post(RULES.format(999999999), json={"families": ["snap"]})
    assert r.status_code == 404 and r.json() == ISSUE_NOT_FOUND


def test_patch(api, server, gh):
    rule = add_rule(api, gh["id"], families=["charm"], execution_metadata={"c1": ["v1", "v2"], "c2": ["w"]})
    other = add_rule(api, gh["id"], artefacts=["a"])
    # no change: same answer, same place among the rules
    assert ok(api.patch(rule_url(gh["id"], rule["id"]), json={})) == rule
    assert ok(api.patch(rule_url(gh["id"], rule["id"]), json={"enabled": True, "families": None})) == rule
    assert rule_ids(api, gh["id"]) == [rule["id"], other["id"]]
    # a change moves the rule last, as upstream lists them
    rule = ok(api.patch(rule_url(gh["id"], rule["id"]), json={"enabled": False}))
    assert rule["enabled"] is False
    assert rule_ids(api, gh["id"]) == [other["id"], rule["id"]]
    rule = ok(api.patch(rule_url(gh["id"], rule["id"]), json={"enabled": "true"}))
    assert rule["enabled"] is True
    # the filters too (upstream's PATCH reads enabled only)
    got = ok(api.patch(rule_url(gh["id"], rule["id"]), json={
        "families": ["snap", "deb"], "test_result_statuses": ["FAILED"], "artefact_tracks": ["latest"],
        "execution_metadata": {"c2": ["w", "x"], "c3": ["y"]}}))
    assert got == {**rule, "families": ["snap", "deb"], "test_result_statuses": ["FAILED"],
                   "artefact_tracks": ["latest"], "execution_metadata": {"c2": ["w", "x"], "c3": ["y"]}}
    got = ok(api.patch(rule_url(gh["id"], rule["id"]), json={"execution_metadata": {}, "families": []}))
    assert got["execution_metadata"] == {} and got["families"] == [] and got["artefact_tracks"] == ["latest"]
    assert server.pg.psql("SELECT count(*) FROM issue_test_result_attachment_rule_execution_metadata") == "0"
    r = api.patch(rule_url(gh["id"], rule["id"]), json={"enabled": "maybe", "families": ["rpm"]})
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [
        ("bool_parsing", ["body", "enabled"]), ("enum", ["body", "families", 0])]
    # unknown rule, rule of another issue
    r = api.patch(rule_url(gh["id"], 999999999), json={"enabled": True})
    assert r.status_code == 404 and r.json() == RULE_NOT_FOUND
    r = api.patch(rule_url(gh["id"] + 1, rule["id"]), json={})
    assert r.status_code == 400 and r.json() == OTHER_ISSUE
    r = api.patch(rule_url(gh["id"], rule["id"]))
    assert r.status_code == 422


def test_delete(api, server, world, gh):
    w, pg = world, server.pg
    rule = add_rule(api, gh["id"], execution_metadata={"c": ["v"]})
    ok(api.post(f"/v1/issues/{gh['id']}/attach", json={"test_results": [w.res_snap1_wifi],
                                                       "attachment_rule": rule["id"]}))
    r = api.delete(rule_url(999999999, 999999999))
    assert r.status_code == 204 and r.content == b""
    r = api.delete(rule_url(gh["id"] + 1, rule["id"]))
    assert r.status_code == 400 and r.json() == OTHER_ISSUE
    r = api.delete(rule_url(gh["id"], rule["id"]))
    assert r.status_code == 204 and r.content == b""
    assert rule_ids(api, gh["id"]) == []
    assert pg.psql("SELECT count(*) FROM issue_test_result_attachment_rule_execution_metadata") == "0"
    # the attachment stays, without its rule
    assert attached(pg, gh["id"]) == [(w.res_snap1_wifi, 0)]
    r = api.delete(rule_url("x", 1))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "issue_id"]


def test_permissions(api, anon, client_with, gh):
    rule = add_rule(api, gh["id"])
    for client in (anon, client_with("change_issue"), client_with("change_issue_attachment_bulk")):
        for r in (client.post(RULES.format(gh["id"]), json={}),
                  client.post(RULES.format(gh["id"]), json={"families": 1}),
                  client.patch(rule_url(gh["id"], rule["id"]), json={"enabled": False}),
                  client.delete(rule_url(gh["id"], rule["id"]))):
            assert r.status_code == 403 and r.json() == INSUFFICIENT
    editor = client_with("change_attachment_rule")
    other = ok(editor.post(RULES.format(gh["id"]), json={}))
    assert ok(editor.patch(rule_url(gh["id"], other["id"]), json={"enabled": False}))["enabled"] is False
    assert editor.delete(rule_url(gh["id"], other["id"])).status_code == 204


# Rules against the wifi result of a snap 1.0.0 execution on rpi4 (test
# case gc-tc-wifi-*, template wireless/{iface}, FAILED), whose execution has
# metadata {"category1": ["value1", "value2"], "category2": ["value1"]}.
MATCHING = [
    ("no criteria", True, {}),
    ("disabled", False, {"enabled": False}),
    ("family", True, {"families": ["snap"]}),
    ("families", True, {"families": ["snap", "charm"]}),
    ("other family", False, {"families": ["charm"]}),
    ("environment", True, {"environment_names": ["{env}", "desktop"]}),
    ("other environment", False, {"environment_names": ["desktop"]}),
    ("test case", True, {"test_case_names": ["{case}", "camera/poweroff"]}),
    ("other test case", False, {"test_case_names": ["camera/poweroff"]}),
    ("template", True, {"template_ids": ["wireless/{iface}"]}),
    ("other template", False, {"template_ids": ["other-template"]}),
    ("artefact", True, {"artefacts": ["{artefact}", "other"]}),
    ("other artefact", False, {"artefacts": ["other"]}),
    ("version", True, {"artefact_versions": ["1.0.0", "2.0.0"]}),
    ("other version", False, {"artefact_versions": ["2.0.0"]}),
    ("stage", True, {"artefact_stages": ["beta"]}),
    ("other stage", False, {"artefact_stages": ["stable"]}),
    ("track", True, {"artefact_tracks": ["latest", "1.0"]}),
    ("other track", False, {"artefact_tracks": ["1.0"]}),
    ("status", True, {"test_result_statuses": ["FAILED", "SKIPPED"]}),
    ("other status", False, {"test_result_statuses": ["PASSED"]}),
    ("metadata", True, {"execution_metadata": {"category1": ["value1"]}}),
    ("metadata, two categories", True, {"execution_metadata": {"category1": ["value2"], "category2": ["value1"]}}),
    ("metadata, one value of a category", True, {"execution_metadata": {"category1": ["value1", "value3"]}}),
    ("other metadata value", False, {"execution_metadata": {"category1": ["value3"]}}),
    ("a category missing", False, {"execution_metadata": {"category1": ["value1"], "category3": ["value1"]}}),
    ("a category unmatched", False, {"execution_metadata": {"category1": ["value1"], "category2": ["value2"]}}),
    ("everything", True, {"families": ["snap"], "environment_names": ["{env}"], "test_case_names": ["{case}"],
                          "template_ids": ["wireless/{iface}"], "artefacts": ["{artefact}"],
                          "artefact_versions": ["1.0.0"], "artefact_stages": ["beta"], "artefact_tracks": ["latest"],
                          "test_result_statuses": ["FAILED"], "execution_metadata": {"category2": ["value1"]}}),
    ("everything but the status", False, {"families": ["snap"], "environment_names": ["{env}"],
                                          "test_result_statuses": ["PASSED"]}),
]


def fill(fields, names):
    out = {}
    for k, v in fields.items():
        if isinstance(v, list):
            out[k] = [x.format(**names) if "{" in x and "iface" not in x else x for x in v]
        else:
            out[k] = v
    return out


@pytest.mark.parametrize("route", ["test-results", "end-test"])
def test_rules_apply_to_new_results(api, server, route):
    pg = server.pg
    run = "r" + str(int(time.time() * 1000) % 100000)
    names = {"env": f"gc-env-rpi4-{run}", "case": f"gc-tc-wifi-{run}", "artefact": f"gc-snap-{run}"}
    expected = {}
    for label, matches, fields in MATCHING:
        issue = put_issue(api, f"https://github.com/o/r/issues/{len(expected) + 1}", title=label)
        add_rule(api, issue["id"], **fill(fields, names))
        expected[issue["id"]] = matches
    te = start(api, **snap(run, "1.0.0", 101, "snap-1"))
    api.patch(f"/v1/test-executions/{te}",
              json={"execution_metadata": {"category1": ["value1", "value2"], "category2": ["value1"]}})
    batch = [{"name": names["case"], "status": "FAILED", "template_id": "wireless/{iface}"},
             {"name": f"gc-tc-boot-{run}", "status": "PASSED"}]
    if route == "test-results":
        post_results(api, te, batch)
    else:
        c3 = [{"name": b["name"], "status": "fail" if b["status"] == "FAILED" else "pass", "category": "",
               "comment": "", "io_log": "", "template_id": b.get("template_id")} for b in batch]
        r = api.put("/v1/test-executions/end-test", json={"ci_link": f"https://jenkins.example.com/job/{run}/snap-1",
                                                           "test_results": c3})
        assert r.status_code == 200, r.text
    results = results_by_name(api, te)
    wifi = results[names["case"]]
    got = {i["issue"]["id"] for i in wifi["issues"]}
    assert got == {i for i, m in expected.items() if m}, [i["issue"]["title"] for i in wifi["issues"]]
    for i in wifi["issues"]:
        assert i["attachment_rule"]["id"] in rule_ids(api, i["issue"]["id"])
    # the passed result matches the rules without a test case or template, or for passed results
    boot = {i["issue"]["title"] for i in results[f"gc-tc-boot-{run}"]["issues"]}
    assert boot == {"no criteria", "family", "families", "environment", "artefact", "version", "stage", "track",
                    "metadata", "metadata, two categories", "metadata, one value of a category",
                    "other status", "everything but the status"}
    assert ok(api.get(f"/v1/test-executions/{te}"))["is_triaged"] is True
    assert pg.psql("SELECT count(*) FROM test_execution_rerun_request") == "0"


def test_rules_of_one_issue(api, server, world, gh):
    w, pg = world, server.pg
    # two rules of one issue match: one attachment, by the older rule
    older = add_rule(api, gh["id"], families=["snap"])
    add_rule(api, gh["id"], test_result_statuses=["FAILED"])
    # a rule with no match, a disabled one
    add_rule(api, gh["id"], families=["deb"], test_result_statuses=["FAILED"])
    add_rule(api, gh["id"], enabled=False)
    te = start(api, **snap(w.run, "1.0.5", 105, "snap-5"))
    post_results(api, te, [{"name": w.name("tc-wifi"), "status": "FAILED"},
                           {"name": w.name("tc-new"), "status": "PASSED"},
                           {"name": w.name("tc-new"), "status": "FAILED"}])
    results = results_by_name(api, te)
    assert [i["attachment_rule"]["id"] for i in results[w.name("tc-wifi")]["issues"]] == [older["id"]]
    assert [i["attachment_rule"]["id"] for i in results[w.name("tc-new")]["issues"]] == [older["id"]]
    # earlier results are left alone: rules apply to what arrives
    assert attached(pg, gh["id"]) == sorted((r["id"], older["id"]) for r in results.values())
    # results posted again are new results
    post_results(api, te, [{"name": w.name("tc-wifi"), "status": "PASSED"}])
    wifi = results_by_name(api, te)[w.name("tc-wifi")]
    assert [i["attachment_rule"]["id"] for i in wifi["issues"]] == [older["id"]]


def reruns(api):
    return [(p["test_execution_id"], p["priority"]) for p in ok(api.get("/v1/test-executions/reruns"))]


def test_auto_rerun(api, server, world):
    w, pg = world, server.pg
    wants = put_issue(api, "https://github.com/o/r/issues/1", auto_rerun_enabled=True)
    plain = put_issue(api, "https://github.com/o/r/issues/2")
    add_rule(api, wants["id"], families=["snap"], test_result_statuses=["FAILED"])
    add_rule(api, plain["id"], families=["deb"])
    # a deb result: attached to the issue without auto-rerun only
    post_results(api, w.te_deb, [{"name": w.name("c3-new"), "status": "FAILED"}])
    assert reruns(api) == []
    # a snap failure: attached, and a rerun of its execution is requested, once
    te = start(api, **snap(w.run, "1.0.7", 107, "snap-7"))
    post_results(api, te, [{"name": w.name("tc-a"), "status": "PASSED"}])
    assert reruns(api) == []
    post_results(api, te, [{"name": w.name("tc-b"), "status": "FAILED"}, {"name": w.name("tc-c"), "status": "FAILED"}])
    assert reruns(api) == [(te, 0)]
    execution = ok(api.get(f"/v1/test-executions/{te}"))
    assert execution["is_rerun_requested"] is True and execution["rerun_priority"] == 0
    # an existing request keeps its priority
    ok(api.post("/v1/test-executions/reruns", json={"test_execution_ids": [te], "priority": 7}))
    post_results(api, te, [{"name": w.name("tc-d"), "status": "FAILED"}])
    assert reruns(api) == [(te, 7)]
    assert pg.psql("SELECT count(*) FROM test_execution_rerun_request") == "1"
    # the rerun starts: the request is done
    te2 = start(api, **snap(w.run, "1.0.7", 107, "snap-7b"))
    assert reruns(api) == []
    # as upstream: any new result of an execution whose results carry such an
    # issue (attached by hand too) asks for a rerun
    ok(api.post(f"/v1/issues/{wants['id']}/attach", json={"test_results": [w.res_deb_disk]}))
    assert reruns(api) == []
    post_results(api, w.te_deb, [{"name": w.name("c3-other"), "status": "PASSED"}])
    assert reruns(api) == [(w.te_deb, 0)]
    # end-test too, and a disabled rule does nothing
    te3 = start(api, **deb(w.run, "deb-3", env="lxd"))
    c3 = {"ci_link": f"https://jenkins.example.com/job/{w.run}/deb-3",
          "test_results": [{"name": "x", "status": "fail", "category": "", "comment": "", "io_log": ""}]}
    assert api.put("/v1/test-executions/end-test", json=c3).status_code == 200
    assert reruns(api) == [(w.te_deb, 0)]
    add_rule(api, wants["id"], families=["deb"], enabled=False)
    assert api.put("/v1/test-executions/end-test", json=c3).status_code == 200
    assert reruns(api) == [(w.te_deb, 0)]
    add_rule(api, wants["id"], families=["deb"], environment_names=[w.name("env-lxd")])
    assert api.put("/v1/test-executions/end-test", json=c3).status_code == 200
    assert sorted(reruns(api)) == sorted([(w.te_deb, 0), (te3, 0)])
    assert te2 not in [t for t, _ in reruns(api)]


def test_ingestion_cost_does_not_grow_with_rules(api, server, counting_server, world, gh):  # noqa: F811
    w = world
    client = counting_server.client(counting_server.admin_key)
    te = start(api, **snap(w.run, "1.0.9", 109, "snap-9"))
    small = [{"name": w.name("only"), "status": "FAILED"}]
    r, n_small = statements(counting_server, lambda: client.post(f"/v1/test-executions/{te}/test-results", json=small))
    assert r.status_code == 200
    # 100 rules of 20 issues (10 of them for failures only), half of the
    # issues with auto-rerun, and 1,000 results
    server.pg.psql(
        "INSERT INTO issue (source, project, key, title, status, auto_rerun_enabled, created_at, updated_at)"
        " SELECT 'JIRA', 'BULK', g::text, '', 'OPEN', g % 2 = 0, now(), now() FROM generate_series(1, 20) g;"
        " INSERT INTO issue_test_result_attachment_rule (issue_id, enabled, families, environment_names,"
        " test_case_names, template_ids, test_result_statuses, created_at, updated_at)"
        " SELECT i.id, true, '{snap}', '{}', '{}', '{}', CASE WHEN i.key::int > 10 THEN '{FAILED}' ELSE '{}'"
        " END::testresultstatus[], now(), now() FROM issue i, generate_series(1, 5) g WHERE i.project = 'BULK'")
    big = [{"name": w.name(f"case-{i}"), "status": "FAILED" if i % 3 == 0 else "PASSED"} for i in range(1000)]
    r, n_big = statements(counting_server, lambda: client.post(f"/v1/test-executions/{te}/test-results", json=big))
    assert r.status_code == 200
    assert n_big == n_small <= 7, (n_small, n_big)
    # every new result got the 10 issues of the status-less rules, the failed ones all 20
    assert server.pg.psql("SELECT count(*) FROM issue_test_result_attachment") == str(666 * 10 + 334 * 20)
    assert reruns(api) == [(te, 0)]


def test_bulk_attach_100000_results(api, server, counting_server, gh):  # noqa: F811
    pg = server.pg
    te = start(api, **snap("bulk", "1.0.0", 1, "bulk-1"))
    other = start(api, **deb("bulk", "bulk-2"))
    # 100,000 results made with SQL, on 1,000 test cases, and some to leave out
    pg.psql("INSERT INTO test_case (name, category, template_id, created_at, updated_at)"
            " SELECT 'case-' || g, '', 't/' || (g % 10), now(), now() FROM generate_series(1, 1000) g;"
            f" INSERT INTO test_result (status, comment, io_log, test_execution_id, test_case_id, created_at,"
            f" updated_at) SELECT CASE WHEN g % 2 = 0 THEN 'FAILED' ELSE 'PASSED' END::testresultstatus, '', '',"
            f" {te}, c.id, now(), now() FROM test_case c, generate_series(1, 100) g;"
            f" INSERT INTO test_result (status, comment, io_log, test_execution_id, test_case_id, created_at,"
            f" updated_at) SELECT 'FAILED', '', '', {other}, c.id, now(), now() FROM test_case c")
    client = counting_server.client(counting_server.admin_key)
    body = {"test_results_filters": {"families": ["snap"]}}
    url = f"/v1/issues/{gh['id']}"
    # the cost is PostgreSQL's own (an insert of 100,000 rows, foreign keys
    # checked): a few seconds on an idle machine, more on a busy one; the
    # client waits as long as it takes (a test asserts no timings)
    r, n = statements(counting_server, lambda: client.post(url + "/attach", json=body, timeout=600))
    assert r.status_code == 200, r.text
    assert n <= 7, n
    count = f"SELECT count(*) FROM issue_test_result_attachment WHERE issue_id = {gh['id']}"
    assert pg.psql(count) == "100000"
    # again: nothing new; then detach half of them by status
    r, n = statements(counting_server, lambda: client.post(url + "/attach", json=body, timeout=600))
    assert r.status_code == 200 and n <= 7
    assert pg.psql(count) == "100000"
    body = {"test_results_filters": {"families": ["snap"], "test_result_statuses": ["PASSED"]}}
    r, n = statements(counting_server, lambda: client.post(url + "/detach", json=body, timeout=600))
    assert r.status_code == 200 and n <= 7
    assert pg.psql(count) == "50000"
    assert ok(api.get(f"/v1/test-executions/{te}", timeout=600))["is_triaged"] is True
    assert ok(api.get("/v1/issues", timeout=600))["issues"][0]["test_executions_count"] == 1
