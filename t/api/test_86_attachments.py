"""Attaching issues to test results and detaching them: POST
/v1/issues/{issue_id}/attach and /detach by ids and by filters, the bulk
permission, idempotence, the issues shown on results, and is_triaged."""

import pytest

from issues_scenario import (INSUFFICIENT, ISSUE_NOT_FOUND, NO_FILTER, RULE_NOT_FOUND, World, add_rule,
                             attached, minimal, ok, post_results, put_issue, results_by_name, start, snap)
from sqlcount import counting_server, statements  # noqa: F401 (fixture)

GH = "https://github.com/canonical/test_observer/issues/71"


@pytest.fixture
def world(api, server):
    return World(api, server.pg)


@pytest.fixture
def gh(api):
    return put_issue(api, GH, title="wifi", status="open")


def attach(client, issue, body, detach=False):
    return client.post(f"/v1/issues/{issue['id']}/{'detach' if detach else 'attach'}", json=body)


def test_attach_and_detach_by_ids(api, server, world, gh):
    w, pg = world, server.pg
    assert ok(attach(api, gh, {"test_results": []})) == gh
    assert ok(attach(api, gh, {})) == gh
    assert ok(attach(api, gh, {"test_results": None, "test_results_filters": None})) == gh
    assert attached(pg, gh["id"]) == []
    # one, the same again, another
    for _ in range(2):
        assert ok(attach(api, gh, {"test_results": [w.res_snap1_wifi]})) == gh
    assert attached(pg, gh["id"]) == [(w.res_snap1_wifi, 0)]
    ok(attach(api, gh, {"test_results": [w.res_deb_disk]}))
    assert attached(pg, gh["id"]) == [(w.res_snap1_wifi, 0), (w.res_deb_disk, 0)]
    # several at once, repeats and ids as strings included
    ok(attach(api, gh, {"test_results": [w.res_snap1_audio, str(w.res_snap1_audio), w.res_snap1_wifi]}))
    assert len(attached(pg, gh["id"])) == 3
    # detach some, the same again, unknown ids
    for _ in range(2):
        assert ok(attach(api, gh, {"test_results": [w.res_snap1_wifi, 999999999]}, detach=True)) == gh
    assert [r for r, _ in attached(pg, gh["id"])] == sorted([w.res_deb_disk, w.res_snap1_audio])
    ok(attach(api, gh, {"test_results": [w.res_deb_disk, w.res_snap1_audio]}, detach=True))
    assert attached(pg, gh["id"]) == []


def test_unknown_results_attach_nothing(api, server, world, gh):
    # upstream fails on the foreign key (500); ours names the missing ids
    r = attach(api, gh, {"test_results": [w_id for w_id in (world.res_snap1_wifi, 999999998, 999999999)]})
    assert r.status_code == 404
    assert r.json() == {"detail": "Test results not found: 999999998, 999999999"}
    r = attach(api, gh, {"test_results": [2147483647]})
    assert r.status_code == 404
    assert attached(server.pg, gh["id"]) == []


def test_checks_in_order(api, server, world, gh):
    r = attach(api, {"id": 999999999}, {"test_results": [world.res_snap1_wifi], "attachment_rule": 999999999})
    assert r.status_code == 404 and r.json() == ISSUE_NOT_FOUND
    r = attach(api, {"id": 999999999}, {"test_results_filters": {}})
    assert r.status_code == 404 and r.json() == ISSUE_NOT_FOUND
    r = attach(api, gh, {"attachment_rule": 999999999, "test_results_filters": {}})
    assert r.status_code == 404 and r.json() == RULE_NOT_FOUND
    for detach in (False, True):
        r = attach(api, gh, {"test_results": [world.res_snap1_wifi], "test_results_filters": {"limit": 5}}, detach)
        assert r.status_code == 422 and r.json() == NO_FILTER
        # nothing is kept of a refused request
        assert attached(server.pg, gh["id"]) == []
    r = api.post("/v1/issues/999999999/detach", json={})
    assert r.status_code == 404 and r.json() == ISSUE_NOT_FOUND


def test_validation(api, gh):
    cases = [
        ([], [("model_attributes_type", ["body"])]),
        ({"test_results": 5}, [("list_type", ["body", "test_results"])]),
        ({"test_results": [1, "x", 1.5]}, [("int_parsing", ["body", "test_results", 1]),
                                           ("int_from_float", ["body", "test_results", 2])]),
        ({"attachment_rule": "r"}, [("int_parsing", ["body", "attachment_rule"])]),
        ({"test_results_filters": {"families": ["rpm"], "issues": "some"}},
         [("enum", ["body", "test_results_filters", "families", 0]),
          ("list_type", ["body", "test_results_filters", "issues", "list[int]"]),
          ("literal_error", ["body", "test_results_filters", "issues",
                             "literal[<QueryValue.ANY: 'any'>,<QueryValue.NONE: 'none'>]"])]),
        ({"test_results_filters": 3}, [("model_attributes_type", ["body", "test_results_filters"])]),
    ]
    for body, errors in cases:
        for detach in (False, True):
            r = attach(api, gh, body, detach)
            assert r.status_code == 422, body
            assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == errors, body
    r = api.post(f"/v1/issues/{gh['id']}/attach")
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "missing"
    r = api.post("/v1/issues/x/attach", json={})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "issue_id"]


def test_bulk_permission(api, anon, client_with, server, world, gh):
    w, pg = world, server.pg
    rule = add_rule(api, gh["id"], families=["snap"])
    single = client_with("change_issue_attachment")
    bulk = client_with("change_issue_attachment", "change_issue_attachment_bulk")
    bulk_bodies = [
        {"test_results": [w.res_snap1_wifi, w.res_snap1_boot]},
        {"test_results": [w.res_snap1_wifi, w.res_snap1_wifi]},
        {"test_results_filters": {"families": ["snap"]}},
        {"test_results_filters": {}},
        {"test_results": [w.res_snap1_wifi], "attachment_rule": rule["id"]},
        {"test_results": [], "attachment_rule": rule["id"]},
    ]
    for detach in (False, True):
        before = attached(pg, gh["id"])
        for client in (anon, client_with("change_issue_attachment_bulk"), client_with("change_issue")):
            r = attach(client, gh, {"test_results": [w.res_snap1_wifi]}, detach)
            assert r.status_code == 403 and r.json() == INSUFFICIENT
            # the route's permission comes before validation
            assert attach(client, gh, {"test_results": "x"}, detach).status_code == 403
        for body in bulk_bodies:
            r = attach(single, gh, body, detach)
            assert r.status_code == 403 and r.json() == INSUFFICIENT, body
        assert attached(pg, gh["id"]) == before
        # validation comes before the bulk permission
        assert attach(single, gh, {"test_results": [1, 2], "attachment_rule": "x"}, detach).status_code == 422
        for body in ({"test_results": [w.res_snap1_wifi]}, {"test_results": []}, {}):
            assert attach(single, gh, body, detach).status_code == 200
        for body in bulk_bodies[:3]:
            assert attach(bulk, gh, body, detach).status_code == 200
        assert attach(bulk, gh, bulk_bodies[3], detach).json() == NO_FILTER


def test_by_filters(api, server, world, gh):
    w, pg, run = world, server.pg, world.run
    te_lxd = start(api, **snap(run, "1.0.0", 101, "snap-lxd", env="lxd"))
    post_results(api, te_lxd, [{"name": w.name("tc-wifi"), "status": "FAILED", "template_id": "wireless/{iface}"}])
    lxd_wifi = results_by_name(api, te_lxd)[w.name("tc-wifi")]["id"]
    api.patch(f"/v1/test-executions/{te_lxd}", json={"execution_metadata": {"hw": ["laptop", "x"]}})
    api.patch(f"/v1/test-executions/{w.te_snap1}", json={"execution_metadata": {"hw": ["server"]}})

    def attach_by(filters, expected, detach=False):
        ok(attach(api, gh, {"test_results_filters": filters}, detach))
        assert [r for r, _ in attached(pg, gh["id"])] == sorted(expected), filters
        if not detach:
            ok(attach(api, gh, {"test_results_filters": filters}, detach=True))
            assert attached(pg, gh["id"]) == []

    attach_by({"families": ["deb"]}, [w.res_deb_disk, w.res_deb_disk + 1])
    attach_by({"families": ["deb"], "test_result_statuses": ["FAILED"]}, [w.res_deb_disk])
    attach_by({"environments": [w.name("env-lxd")]}, [lxd_wifi])
    # the template belongs to the test case
    attach_by({"template_ids": ["wireless/{iface}"]}, [w.res_snap1_wifi, w.res_snap2_wifi, lxd_wifi])
    attach_by({"test_cases": [w.name("tc-wifi")], "artefact_versions": ["1.0.1"]}, [w.res_snap2_wifi])
    attach_by({"execution_metadata": {"hw": ["laptop"]}}, [lxd_wifi])
    attach_by({"execution_metadata": {"hw": ["laptop", "server"]}, "test_result_statuses": ["SKIPPED"]},
              [w.res_snap1_audio])
    attach_by({"artefacts": [w.name("snap")], "offset": 1, "limit": 2}, [w.res_snap1_wifi, w.res_snap1_audio])
    attach_by({"test_result_statuses": ["PASSED"], "execution_is_latest": True},
              [w.res_snap1_boot, w.res_deb_disk + 1])

    # repeated: no duplicates; filters and ids together
    for _ in range(3):
        ok(attach(api, gh, {"test_results": [w.res_snap1_boot],
                            "test_results_filters": {"template_ids": ["wireless/{iface}"]}}))
    assert [r for r, _ in attached(pg, gh["id"])] == sorted(
        [w.res_snap1_boot, w.res_snap1_wifi, w.res_snap2_wifi, lxd_wifi])
    # filters on issues: results without any, with this one
    other = put_issue(api, "https://github.com/canonical/test_observer/issues/72")
    ok(attach(api, other, {"test_results_filters": {"issues": "none", "families": ["snap"]}}))
    assert [r for r, _ in attached(pg, other["id"])] == [w.res_snap1_audio]
    ok(attach(api, other, {"test_results_filters": {"issues": [gh["id"]]}}, detach=True))
    ok(attach(api, gh, {"test_results_filters": {"environments": [w.name("env-lxd")]}}, detach=True))
    assert [r for r, _ in attached(pg, gh["id"])] == sorted([w.res_snap1_boot, w.res_snap1_wifi, w.res_snap2_wifi])
    assert attached(pg, other["id"]) == [(w.res_snap1_audio, 0)]


def test_attachment_rule_is_recorded(api, server, world, gh):
    w, pg = world, server.pg
    other = put_issue(api, "https://bugs.launchpad.net/abc/+bug/1")
    rule = add_rule(api, other["id"], test_case_names=["x"])  # a rule of any issue will do, as upstream
    ok(attach(api, gh, {"test_results": [w.res_snap1_wifi], "attachment_rule": rule["id"]}))
    ok(attach(api, gh, {"test_results_filters": {"families": ["deb"], "test_result_statuses": ["FAILED"]},
                        "attachment_rule": rule["id"]}))
    ok(attach(api, gh, {"test_results": [w.res_snap1_boot]}))
    assert attached(pg, gh["id"]) == sorted([(w.res_snap1_wifi, rule["id"]), (w.res_deb_disk, rule["id"]),
                                             (w.res_snap1_boot, 0)])
    wifi = results_by_name(api, w.te_snap1)[w.name("tc-wifi")]
    assert wifi["issues"] == [{"issue": minimal(gh), "attachment_rule": rule}]
    # detach ignores the rule
    ok(attach(api, gh, {"test_results": [w.res_snap1_wifi], "attachment_rule": rule["id"]}, detach=True))
    assert (w.res_snap1_wifi, rule["id"]) not in attached(pg, gh["id"])


def test_issues_shown_on_results(api, server, world, gh):
    w = world
    jira = put_issue(api, "https://warthogs.atlassian.net/browse/TS-1", title="j", status="closed")
    server.pg.psql(f"UPDATE issue SET labels = ARRAY['l1'] WHERE id = {jira['id']}")
    jira["labels"] = ["l1"]
    ok(attach(api, jira, {"test_results": [w.res_snap1_wifi]}))
    ok(attach(api, gh, {"test_results": [w.res_snap1_wifi, w.res_snap1_audio]}))
    results = results_by_name(api, w.te_snap1)
    assert results[w.name("tc-wifi")]["issues"] == [{"issue": minimal(jira), "attachment_rule": None},
                                                     {"issue": minimal(gh), "attachment_rule": None}]
    assert results[w.name("tc-audio")]["issues"] == [{"issue": minimal(gh), "attachment_rule": None}]
    assert results[w.name("tc-boot")]["issues"] == []
    # an issue change shows at once; a result posted again loses its attachments
    api.patch(f"/v1/issues/{gh['id']}", json={"title": "renamed"})
    assert results_by_name(api, w.te_snap1)[w.name("tc-audio")]["issues"][0]["issue"]["title"] == "renamed"
    post_results(api, w.te_snap1, [{"name": w.name("tc-audio"), "status": "SKIPPED"}])
    assert results_by_name(api, w.te_snap1)[w.name("tc-audio")]["issues"] == []


def triaged(api, te):
    return ok(api.get(f"/v1/test-executions/{te}"))["is_triaged"]


def test_is_triaged(api, world, gh):
    w = world
    # te_snap1 has a failed and a skipped result
    assert triaged(api, w.te_snap1) is False
    ok(attach(api, gh, {"test_results": [w.res_snap1_wifi]}))
    assert triaged(api, w.te_snap1) is False
    ok(attach(api, gh, {"test_results": [w.res_snap1_audio]}))
    assert triaged(api, w.te_snap1) is True
    # a passed result needs no issue
    ok(attach(api, gh, {"test_results": [w.res_snap1_audio]}, detach=True))
    assert triaged(api, w.te_snap1) is False
    ok(attach(api, gh, {"test_results_filters": {"families": ["snap"], "test_result_statuses": ["SKIPPED"]}}))
    assert triaged(api, w.te_snap1) is True
    assert triaged(api, w.te_snap2) is False
    ok(attach(api, gh, {"test_results_filters": {"families": ["snap"]}}, detach=True))
    assert triaged(api, w.te_snap1) is False


def test_bulk_is_a_few_statements(api, server, counting_server, world, gh):  # noqa: F811
    client = counting_server.client(counting_server.admin_key)
    w = world
    few = {"test_results_filters": {"families": ["deb"]}}
    many = {"test_results": [w.res_snap1_wifi, w.res_snap1_boot, w.res_snap1_audio],
            "test_results_filters": {"families": ["snap", "deb"], "environments": [w.name("env-rpi4")]}}
    for detach in (False, True):
        r, n_few = statements(counting_server, lambda: attach(client, gh, few, detach))
        assert r.status_code == 200
        r, n_many = statements(counting_server, lambda: attach(client, gh, many, detach))
        assert r.status_code == 200
        assert n_few == n_many <= 7, (n_few, n_many)
