"""PATCH /v1/artefacts/{artefact_id}: the exchanges of
../shared/reference/exchanges/09-artefacts.txt (and the 403 of
13-applications-and-permissions.txt), the status rules, each field,
permissions and atomicity."""

import hashlib

import pytest

from artefacts_scenario import (RUN, add_user, answer, artefact, build_scenario, deb, match,
                                solution, start)


@pytest.fixture
def ids(api, server):
    return build_scenario(api, server.pg)


def patch(client, artefact_id, body):
    return client.patch(f"/v1/artefacts/{artefact_id}", json=body)


def set_reviews(pg, artefact_id, decisions):
    """Sets the review decisions of the artefact's reviews, in environment
    name order (gc-env-lxd, gc-env-rpi4)."""
    rows = pg.psql(f"SELECT er.id FROM artefact_build_environment_review er"
                   f" JOIN artefact_build b ON b.id = er.artefact_build_id"
                   f" JOIN environment e ON e.id = er.environment_id"
                   f" WHERE b.artefact_id = {artefact_id} ORDER BY e.name").split()
    assert len(rows) == len(decisions)
    for rid, decision in zip(rows, decisions):
        pg.psql(f"UPDATE artefact_build_environment_review SET review_decision ="
                f" '{{{','.join(decision)}}}' WHERE id = {rid}")


def test_exchanges_09_patch(api, server, ids):
    """Every PATCH exchange of 09-artefacts.txt, in its order."""
    pg = server.pg
    a_deb, a_solution = ids["a_deb"], ids["a_solution"]

    answer(patch(api, a_deb, {"comment": "looks good so far"}), 200,
           deb(ids, comment="looks good so far"))
    answer(patch(api, a_deb, {"comment": ""}), 200, deb(ids))
    answer(patch(api, a_deb, {"status": "APPROVED"}), 400,
           {"detail": "All test executions need to be approved"})
    answer(patch(api, a_deb, {"status": "MARKED_AS_FAILED"}), 400,
           {"detail": "At least one test execution needs to be rejected"})
    set_reviews(pg, a_deb, [["REJECTED"], []])
    answer(patch(api, a_deb, {"status": "MARKED_AS_FAILED"}), 400,
           {"detail": "Can't reject an artefact without a comment"})
    answer(patch(api, a_deb, {"status": "MARKED_AS_FAILED", "comment": "wifi regression"}), 200,
           deb(ids, status="MARKED_AS_FAILED", comment="wifi regression", completed=1))
    set_reviews(pg, a_deb, [["APPROVED_ALL_TESTS_PASS"], ["APPROVED_INCONSISTENT_TEST"]])
    answer(patch(api, a_deb, {"status": "APPROVED"}), 200,
           deb(ids, status="APPROVED", comment="wifi regression", completed=2))
    answer(patch(api, a_deb, {"status": "UNDECIDED"}), 200,
           deb(ids, comment="wifi regression", completed=2))
    answer(patch(api, a_deb, {"stage": "edge"}), 400,
           {"detail": "Stage edge is invalid for artefact family deb"})
    answer(patch(api, a_deb, {"stage": "updates"}), 200,
           deb(ids, stage="updates", comment="wifi regression", completed=2))
    expected = ("'proposed', 'updates', 'edge', 'beta', 'candidate', 'stable', 'pending'"
                " or 'current'")
    answer(patch(api, a_deb, {"stage": "nowhere"}), 422, {"detail": [{
        "type": "enum", "loc": ["body", "stage"], "msg": f"Input should be {expected}",
        "input": "nowhere", "ctx": {"expected": expected}}]})
    answer(patch(api, a_deb, {"archived": True}), 200,
           deb(ids, stage="updates", comment="wifi regression", completed=2, archived=True))
    answer(api.get(f"/v1/artefacts/search?q={RUN}&families=deb"), 200,
           {"artefacts": [f"gc-deb-ppa-{RUN}"], "count": 1, "limit": 50, "offset": 0})
    answer(patch(api, a_deb, {"archived": False, "jira_issue": "GC-123"}), 200,
           deb(ids, stage="updates", comment="wifi regression", completed=2,
               jira_issue="GC-123"))
    answer(patch(api, a_deb, {"jira_issue": None}), 200,
           deb(ids, stage="updates", comment="wifi regression", completed=2))
    answer(patch(api, a_deb, {"reviewer_ids": [999999999]}), 422,
           {"detail": "User with id 999999999 not found"})
    answer(patch(api, a_deb, {"reviewer_emails": ["nobody@example.com"]}), 422,
           {"detail": "User with email 'nobody@example.com' not found"})
    answer(patch(api, a_deb, {"reviewer_ids": [], "reviewer_emails": []}), 422,
           {"detail": "Cannot specify both reviewer_ids and reviewer_emails"})
    answer(patch(api, a_deb, {"assignee_id": None}), 200,
           deb(ids, stage="updates", comment="wifi regression", completed=2))

    bundle = [{"id": ids["b_snap_amd64"], "architecture": "amd64", "revision": 102},
              {"id": ids["b_charm_amd64"], "architecture": "amd64", "revision": 555}]
    answer(patch(api, a_solution, {"bundled_builds": [ids["b_snap_amd64"], ids["b_charm_amd64"]]}),
           200, solution(ids, bundled_builds=bundle))
    r = api.get(f"/v1/artefacts/{ids['a_snap']}/builds")
    assert r.status_code == 200
    match(r.json()[0]["bundled_in"], [{"id": a_solution, "name": f"gc-solution-{RUN}",
                                       "version": "1.2", "family": "solution"}])
    answer(patch(api, a_solution, {"bundled_builds": [999999999]}), 422,
           {"detail": "ArtefactBuild with id 999999999 not found"})
    answer(patch(api, a_solution, {"bundled_builds": [ids["b_snap_amd64"]] * 2}), 422,
           {"detail": "Duplicate build ids are not allowed in bundled_builds"})
    answer(patch(api, 999999999, {"comment": "x"}), 404,
           {"detail": "Artefact with id 999999999 not found"})


def test_exchange_13_view_only_is_forbidden(client_with, ids):
    viewer = client_with("view_test", "view_artefact")
    assert viewer.get(f"/v1/artefacts/{ids['a_deb']}").status_code == 200
    answer(patch(viewer, ids["a_deb"], {"comment": "x"}), 403,
           {"detail": "Insufficient permissions"})


# ---- status rules ----

def test_approve_without_reviews_is_allowed(api, server):
    start(api, family="charm", name="c", version="1", revision=1, track="latest", arch="amd64",
          execution_stage="edge", environment="e", test_plan="p")
    aid = int(server.pg.psql("SELECT id FROM artefact"))
    server.pg.psql("DELETE FROM artefact_build_environment_review")
    r = patch(api, aid, {"status": "APPROVED"})
    assert r.status_code == 200 and r.json()["status"] == "APPROVED"


def test_approve_refused_with_a_rejected_review(api, server, ids):
    set_reviews(server.pg, ids["a_deb"], [["APPROVED_ALL_TESTS_PASS"], ["REJECTED"]])
    answer(patch(api, ids["a_deb"], {"status": "APPROVED"}), 400,
           {"detail": "All test executions need to be approved"})


def test_rules_look_at_latest_builds_only(api, server):
    """An older revision's undecided or rejected review does not count."""
    pg = server.pg
    for rev, arch in ((1, "amd64"), (1, "arm64"), (2, "amd64")):
        start(api, family="snap", name="s", version="1", revision=rev, track="latest",
              store="ubuntu", arch=arch, execution_stage="edge", environment=f"env-{arch}",
              test_plan="p")
    aid = int(pg.psql("SELECT id FROM artefact"))
    pg.psql("UPDATE artefact_build_environment_review er SET review_decision ="
            " '{APPROVED_ALL_TESTS_PASS}' FROM artefact_build b WHERE b.id = er.artefact_build_id"
            " AND NOT (b.revision = 1 AND b.architecture = 'amd64')")
    r = patch(api, aid, {"status": "APPROVED"})
    assert r.status_code == 200, r.text
    assert r.json()["all_environment_reviews_count"] == 2
    # a rejection on the old build only: nothing to mark as failed
    pg.psql("UPDATE artefact_build_environment_review er SET review_decision = '{REJECTED}'"
            " FROM artefact_build b WHERE b.id = er.artefact_build_id AND b.revision = 1"
            " AND b.architecture = 'amd64'")
    answer(patch(api, aid, {"status": "MARKED_AS_FAILED", "comment": "x"}), 400,
           {"detail": "At least one test execution needs to be rejected"})


def test_reject_with_existing_comment(api, server, ids):
    set_reviews(server.pg, ids["a_deb"], [["REJECTED"], []])
    server.pg.psql(f"UPDATE artefact SET comment = 'already' WHERE id = {ids['a_deb']}")
    answer(patch(api, ids["a_deb"], {"status": "MARKED_AS_FAILED"}), 200,
           deb(ids, status="MARKED_AS_FAILED", comment="already", completed=1))


def test_reject_with_empty_comment_refused(api, server, ids):
    set_reviews(server.pg, ids["a_deb"], [["REJECTED"], []])
    answer(patch(api, ids["a_deb"], {"status": "MARKED_AS_FAILED", "comment": ""}), 400,
           {"detail": "Can't reject an artefact without a comment"})


# ---- fields ----

@pytest.mark.parametrize("family_key,stage,ok", [
    ("a_snap", "stable", True), ("a_snap", "proposed", False), ("a_charm", "current", False),
    ("a_charm", "candidate", True), ("a_image", "current", True), ("a_image", "edge", False),
    ("a_deb", "updates", True), ("a_solution", "stable", True), ("a_solution", "pending", False),
])
def test_stage_per_family(api, ids, family_key, stage, ok):
    r = patch(api, ids[family_key], {"stage": stage})
    if ok:
        assert r.status_code == 200 and r.json()["stage"] == stage
    else:
        family = {"a_snap": "snap", "a_charm": "charm", "a_image": "image",
                  "a_solution": "solution"}[family_key]
        answer(r, 400, {"detail": f"Stage {stage} is invalid for artefact family {family}"})


def test_omitted_jira_issue_is_kept(api, server, ids):
    server.pg.psql(f"UPDATE artefact SET jira_issue = 'T-1' WHERE id = {ids['a_deb']}")
    r = patch(api, ids["a_deb"], {"comment": "c"})
    assert r.status_code == 200 and r.json()["jira_issue"] == "T-1"


def test_empty_patch_changes_nothing(api, ids):
    before = api.get(f"/v1/artefacts/{ids['a_deb']}").json()
    r = patch(api, ids["a_deb"], {})
    assert r.status_code == 200 and r.json() == before
    r = patch(api, ids["a_deb"], {"status": None, "stage": None, "comment": None,
                                  "archived": None, "unknown": 1})
    assert r.status_code == 200 and r.json() == before


def test_lax_values(api, ids):
    r = patch(api, ids["a_deb"], {"archived": "yes"})
    assert r.status_code == 200 and r.json()["archived"] is True
    r = patch(api, ids["a_deb"], {"archived": 0})
    assert r.status_code == 200 and r.json()["archived"] is False


def test_reviewers_by_id_in_order(api, server, ids):
    pg = server.pg
    users = [add_user(pg, f"user{i}@example.com") for i in range(3)]
    a_deb = ids["a_deb"]
    answer(patch(api, a_deb, {"reviewer_ids": [u["id"] for u in users]}), 200,
           deb(ids, reviewers=users))
    # the answer keeps the order sent; the first reviewer is the assignee
    order = [users[2], users[0]]
    answer(patch(api, a_deb, {"reviewer_ids": [u["id"] for u in order]}), 200,
           deb(ids, reviewers=order))
    kept = pg.psql(f"SELECT string_agg(user_id::text, ',' ORDER BY user_id) FROM"
                   f" artefact_reviewers_association WHERE artefact_id = {a_deb}")
    assert kept == f"{users[0]['id']},{users[2]['id']}"
    r = api.get(f"/v1/artefacts/{a_deb}")
    assert sorted(x["id"] for x in r.json()["reviewers"]) == [users[0]["id"], users[2]["id"]]
    answer(patch(api, a_deb, {"reviewer_ids": None}), 200, deb(ids))


def test_reviewers_by_email_and_legacy_fields(api, server, ids):
    pg = server.pg
    u1, u2 = add_user(pg, "a@example.com", "Ann"), add_user(pg, "b@example.com", "Bob")
    a_deb = ids["a_deb"]
    answer(patch(api, a_deb, {"reviewer_emails": [u2["email"], u1["email"]]}), 200,
           deb(ids, reviewers=[u2, u1]))
    answer(patch(api, a_deb, {"reviewer_emails": None}), 200, deb(ids))
    answer(patch(api, a_deb, {"assignee_id": u1["id"]}), 200, deb(ids, reviewers=[u1]))
    answer(patch(api, a_deb, {"assignee_email": u2["email"]}), 200, deb(ids, reviewers=[u2]))
    answer(patch(api, a_deb, {"assignee_email": None}), 200, deb(ids))
    # reviewer fields win over the legacy ones
    answer(patch(api, a_deb, {"assignee_id": u1["id"], "reviewer_ids": [u2["id"]]}), 200,
           deb(ids, reviewers=[u2]))
    answer(patch(api, a_deb, {"reviewer_ids": []}), 200, deb(ids))
    # both legacy fields map to both reviewer fields
    answer(patch(api, a_deb, {"assignee_id": u1["id"], "assignee_email": u1["email"]}), 422,
           {"detail": "Cannot specify both reviewer_ids and reviewer_emails"})
    answer(patch(api, a_deb, {"reviewer_ids": [u1["id"], str(u1["id"])]}), 422,
           {"detail": "Duplicate user ids are not allowed in reviewer_ids"})
    answer(patch(api, a_deb, {"reviewer_emails": [u1["email"], u1["email"]]}), 422,
           {"detail": "Duplicate user emails are not allowed in reviewer_emails"})
    answer(patch(api, a_deb, {"reviewer_ids": [u1["id"], 999999999, 999999998]}), 422,
           {"detail": "User with id 999999999 not found"})


def test_reviewer_validation_errors(api, ids):
    r = patch(api, ids["a_deb"], {"assignee_id": "abc"})
    msg = "Input should be a valid integer, unable to parse string as an integer"
    answer(r, 422, {"detail": [
        {"type": "int_parsing", "loc": ["body", "assignee_id"], "msg": msg, "input": "abc"},
        {"type": "int_parsing", "loc": ["body", "reviewer_ids", 0], "msg": msg, "input": "abc"},
    ]})
    r = patch(api, ids["a_deb"], {"reviewer_emails": ["a@b", 5], "reviewer_ids": "x",
                                  "bundled_builds": [None]})
    answer(r, 422, {"detail": [
        {"type": "int_type", "loc": ["body", "bundled_builds", 0],
         "msg": "Input should be a valid integer", "input": None},
        {"type": "list_type", "loc": ["body", "reviewer_ids"],
         "msg": "Input should be a valid list", "input": "x"},
        {"type": "string_type", "loc": ["body", "reviewer_emails", 1],
         "msg": "Input should be a valid string", "input": 5},
    ]})


def test_validation_errors_in_field_order(api, ids):
    r = patch(api, ids["a_deb"], {"jira_issue": 1, "comment": [], "status": "OK",
                                  "archived": "maybe"})
    expected = "'APPROVED', 'MARKED_AS_FAILED' or 'UNDECIDED'"
    answer(r, 422, {"detail": [
        {"type": "enum", "loc": ["body", "status"], "msg": f"Input should be {expected}",
         "input": "OK", "ctx": {"expected": expected}},
        {"type": "bool_parsing", "loc": ["body", "archived"],
         "msg": "Input should be a valid boolean, unable to interpret input", "input": "maybe"},
        {"type": "string_type", "loc": ["body", "comment"], "msg": "Input should be a valid string",
         "input": []},
        {"type": "string_type", "loc": ["body", "jira_issue"],
         "msg": "Input should be a valid string", "input": 1},
    ]})


def test_body_not_an_object_or_missing(api, ids):
    answer(api.patch(f"/v1/artefacts/{ids['a_deb']}", json=[1]), 422, {"detail": [
        {"type": "model_attributes_type", "loc": ["body"],
         "msg": "Input should be a valid dictionary or object to extract fields from",
         "input": [1]}]})
    answer(api.patch(f"/v1/artefacts/{ids['a_deb']}"), 422, {"detail": [
        {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]})


def test_bad_path_reported_before_body(api):
    msg = "Input should be a valid integer, unable to parse string as an integer"
    answer(api.patch("/v1/artefacts/abc"), 422, {"detail": [
        {"type": "int_parsing", "loc": ["path", "artefact_id"], "msg": msg, "input": "abc"},
        {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]})
    answer(api.patch("/v1/artefacts/abc", json={"stage": 1}), 422, {"detail": [
        {"type": "int_parsing", "loc": ["path", "artefact_id"], "msg": msg, "input": "abc"},
        {"type": "enum", "loc": ["body", "stage"],
         "msg": "Input should be 'proposed', 'updates', 'edge', 'beta', 'candidate', 'stable',"
                " 'pending' or 'current'", "input": 1,
         "ctx": {"expected": "'proposed', 'updates', 'edge', 'beta', 'candidate', 'stable',"
                             " 'pending' or 'current'"}}]})


def test_unknown_artefact_before_body_errors_and_permission(api, client_with):
    """Upstream finds the artefact before it validates the body or checks the
    caller's permission."""
    nothing = {"detail": "Artefact with id 999999999 not found"}
    answer(api.patch("/v1/artefacts/999999999", json={"stage": "nowhere"}), 404, nothing)
    answer(api.patch("/v1/artefacts/999999999"), 404, nothing)
    answer(client_with("view_artefact").patch("/v1/artefacts/999999999", json={}), 404, nothing)


def test_permissions(ids, client_with, anon):
    forbidden = {"detail": "Insufficient permissions"}
    answer(patch(anon, ids["a_deb"], {"comment": "x"}), 403, forbidden)
    answer(patch(client_with("view_artefact"), ids["a_deb"], {"comment": "x"}), 403, forbidden)
    # validation comes before the permission check
    assert patch(anon, ids["a_deb"], {"stage": "nowhere"}).status_code == 422
    r = patch(client_with("change_artefact"), ids["a_deb"], {"comment": "x"})
    assert r.status_code == 200 and r.json()["comment"] == "x"


def test_permission_ignored_by_configuration(server, ids):
    from conftest import start_server
    srv = start_server(server.pg, "TestObserverIgnorePermissions change_artefact")
    try:
        r = patch(srv.client(), ids["a_deb"], {"comment": "anyone"})
        assert r.status_code == 200, r.text
    finally:
        srv.stop()


# ---- bundled builds ----

def bundle_hash(pg, artefact_id):
    return pg.psql(f"SELECT bundled_builds_hash FROM artefact WHERE id = {artefact_id}")


def test_bundled_builds_hash_and_order(api, server, ids):
    pg = server.pg
    a_solution = ids["a_solution"]
    empty = hashlib.sha256(b"").hexdigest()
    assert bundle_hash(pg, a_solution) == empty
    builds = sorted([ids["b_snap_amd64"], ids["b_charm_amd64"]])
    r = patch(api, a_solution, {"bundled_builds": [builds[1], builds[0]]})
    assert r.status_code == 200
    assert [b["id"] for b in r.json()["bundled_builds"]] == [builds[1], builds[0]]
    assert bundle_hash(pg, a_solution) == hashlib.sha256(
        f"{builds[0]},{builds[1]}".encode()).hexdigest()
    r = patch(api, a_solution, {"bundled_builds": [builds[1]]})
    assert [b["id"] for b in r.json()["bundled_builds"]] == [builds[1]]
    assert bundle_hash(pg, a_solution) == hashlib.sha256(str(builds[1]).encode()).hexdigest()
    r = patch(api, a_solution, {"bundled_builds": None})
    assert r.status_code == 200 and r.json()["bundled_builds"] == []
    assert bundle_hash(pg, a_solution) == empty
    # a non-solution artefact can hold bundled builds but has no hash
    r = patch(api, ids["a_deb"], {"bundled_builds": [builds[0]]})
    assert r.status_code == 200 and [b["id"] for b in r.json()["bundled_builds"]] == [builds[0]]
    assert bundle_hash(pg, ids["a_deb"]) == ""


def test_solution_clash_is_409(api, server, ids):
    """Two solutions alike in name, source, version, track, stage and bundled
    builds break a unique index: upstream answers 500, we answer 409."""
    start(api, family="solution", name=f"gc-solution-{RUN}", version="1.2", arch="amd64",
          track="latest", source="custom-repo", execution_stage="stable",
          environment="e", test_plan="p")
    other = int(server.pg.psql(f"SELECT id FROM artefact WHERE family = 'solution'"
                               f" AND stage = 'stable'"))
    assert patch(api, other, {"bundled_builds": [ids["b_snap_amd64"]]}).status_code == 200
    r = patch(api, ids["a_solution"], {"stage": "stable"})
    assert r.status_code == 200
    r = patch(api, ids["a_solution"], {"bundled_builds": [ids["b_snap_amd64"]],
                                       "comment": "clash"})
    assert r.status_code == 409
    assert "Another solution artefact" in r.json()["detail"]
    assert server.pg.psql(f"SELECT comment FROM artefact WHERE id = {ids['a_solution']}") == ""


# ---- atomicity ----

def test_failing_patch_changes_nothing(api, server, ids):
    pg = server.pg
    u = add_user(pg, "keep@example.com")
    a_deb = ids["a_deb"]
    assert patch(api, a_deb, {"reviewer_ids": [u["id"]]}).status_code == 200
    before = api.get(f"/v1/artefacts/{a_deb}").json()
    failing = [
        {"comment": "new", "archived": True, "jira_issue": "X-1", "stage": "updates",
         "status": "APPROVED"},
        {"comment": "new", "stage": "edge"},
        {"comment": "new", "archived": True, "reviewer_ids": [999999999]},
        {"comment": "new", "reviewer_ids": [], "bundled_builds": [999999999]},
        {"jira_issue": None, "reviewer_emails": [], "bundled_builds": [ids["b_snap_amd64"]] * 2},
        {"comment": "new", "stage": "nowhere"},
    ]
    for body in failing:
        r = patch(api, a_deb, body)
        assert r.status_code in (400, 422), (body, r.text)
        assert api.get(f"/v1/artefacts/{a_deb}").json() == before, body
    assert pg.psql(f"SELECT count(*) FROM artefact_bundled_builds_association") == "0"


def test_other_artefacts_untouched(api, ids):
    others = {k: api.get(f"/v1/artefacts/{v}").json() for k, v in ids.items()
              if k.startswith("a_") and k != "a_deb"}
    assert patch(api, ids["a_deb"], {"comment": "only me", "archived": True}).status_code == 200
    for k, v in others.items():
        assert api.get(f"/v1/artefacts/{ids[k]}").json() == v


def test_answer_matches_get(api, server, ids):
    u = add_user(server.pg, "g@example.com")
    r = patch(api, ids["a_deb"], {"reviewer_ids": [u["id"]], "comment": "same"})
    assert r.status_code == 200
    assert r.json() == api.get(f"/v1/artefacts/{ids['a_deb']}").json()
    assert r.json()["assignee"] == r.json()["reviewers"][0]
    # compact JSON, as upstream writes it
    assert '", "' not in r.text and '": ' not in r.text
    # the answer rebuilt to order the reviewers is written as PostgreSQL wrote it
    text = "h\u00e9llo \u2603 \"q\" \\ / \n\t\u0001 https://x.example/y"
    u2 = add_user(server.pg, "h@example.com", "H\u00e9l\u00e8ne")
    r = patch(api, ids["a_deb"], {"reviewer_ids": [u["id"], u2["id"]], "comment": text})
    assert r.status_code == 200 and r.json()["comment"] == text
    assert r.text == api.get(f"/v1/artefacts/{ids['a_deb']}").text
