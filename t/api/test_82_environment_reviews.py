"""Environment reviews of an artefact: GET, bulk PATCH and single PATCH
/v1/artefacts/{artefact_id}/environment-reviews, against
../shared/reference/exchanges/10-environment-reviews.txt."""

import json

import pytest

UUID1 = "5c1d2e3f"
ENV_RPI4 = f"gc-env-rpi4-{UUID1}"
ENV_LXD = f"gc-env-lxd-{UUID1}"
DECISIONS = ("'REJECTED', 'APPROVED_INCONSISTENT_TEST', 'APPROVED_UNSTABLE_PHYSICAL_INFRA', "
             "'APPROVED_CUSTOMER_PREREQUISITE_FAIL', 'APPROVED_FAULTY_HARDWARE' or "
             "'APPROVED_ALL_TESTS_PASS'")


def compact(obj):
    return json.dumps(obj, separators=(",", ":"))


def assert_answer(r, status, body):
    """Status, content type and the exact bytes (key order included)."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.text == compact(body)


def start_test(api, **fields):
    body = {"family": "deb", "name": f"gc-deb-{UUID1}", "version": "2.0-1ubuntu1",
            "arch": "amd64", "series": "noble", "repo": "main", "source": "",
            "execution_stage": "proposed", "environment": ENV_RPI4,
            "test_plan": f"gc-plan-{UUID1}", "initial_status": "IN_PROGRESS",
            "relevant_links": [], "needs_assignment": False}
    body.update(fields)
    r = api.put("/v1/test-executions/start-test", json=body)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def one(server, sql):
    return int(server.pg.psql(sql))


def ids_of(server, execution):
    """artefact, build and environment ids of a test execution"""
    row = server.pg.psql("SELECT b.artefact_id, b.id, te.environment_id FROM test_execution te"
                         f" JOIN artefact_build b ON b.id = te.artefact_build_id WHERE te.id = {execution}")
    return [int(x) for x in row.split("|")]


def review_id(server, build, env):
    return one(server, "SELECT id FROM artefact_build_environment_review"
                       f" WHERE artefact_build_id = {build} AND environment_id = {env}")


class Scenario:
    """The exchange's data: a deb tested on rpi4 then lxd, and a snap."""

    def __init__(self, server, api):
        te_rpi4 = start_test(api, environment=ENV_RPI4)
        te_lxd = start_test(api, environment=ENV_LXD)
        self.a_deb, self.b_deb_amd64, self.env_rpi4 = ids_of(server, te_rpi4)
        _, _, self.env_lxd = ids_of(server, te_lxd)
        self.rev_deb_rpi4 = review_id(server, self.b_deb_amd64, self.env_rpi4)
        self.rev_deb_lxd = review_id(server, self.b_deb_amd64, self.env_lxd)
        te_snap = start_test(api, family="snap", name=f"gc-snap-{UUID1}", version="1.0.0",
                             revision=101, track="latest", store="ubuntu", branch="",
                             execution_stage="beta")
        self.a_snap, self.b_snap, _ = ids_of(server, te_snap)
        self.rev_snap = review_id(server, self.b_snap, self.env_rpi4)

    def review(self, rev, env, decision=(), comment=""):
        name = ENV_RPI4 if env == self.env_rpi4 else ENV_LXD
        return {"id": rev, "review_decision": list(decision), "review_comment": comment,
                "environment": {"id": env, "name": name, "architecture": "amd64"},
                "artefact_build": {"id": self.b_deb_amd64, "architecture": "amd64",
                                   "revision": None},
                "reviewers": []}

    def rpi4(self, *decision, comment=""):
        return self.review(self.rev_deb_rpi4, self.env_rpi4, decision, comment)

    def lxd(self, *decision, comment=""):
        return self.review(self.rev_deb_lxd, self.env_lxd, decision, comment)


@pytest.fixture
def sc(server, api):
    return Scenario(server, api)


def reviews_url(artefact, review=None):
    url = f"/v1/artefacts/{artefact}/environment-reviews"
    return url if review is None else f"{url}/{review}"


def counts(api, artefact):
    a = api.get(f"/v1/artefacts/{artefact}").json()
    return a["all_environment_reviews_count"], a["completed_environment_reviews_count"]


# ---------------------------------------------------------------- exchange 10

def test_exchange_10_in_order(api, sc):
    r = api.get(reviews_url(sc.a_deb))
    assert_answer(r, 200, [sc.rpi4(), sc.lxd()])

    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_rpi4),
                  json={"review_decision": ["REJECTED"], "review_comment": "wifi broken"})
    assert_answer(r, 200, sc.rpi4("REJECTED", comment="wifi broken"))

    # bulk: unknown ids and items without id are skipped
    r = api.patch(reviews_url(sc.a_deb), json=[
        {"id": sc.rev_deb_rpi4,
         "review_decision": ["APPROVED_INCONSISTENT_TEST", "APPROVED_FAULTY_HARDWARE"],
         "review_comment": "flaky AP"},
        {"id": sc.rev_deb_lxd, "review_decision": ["APPROVED_ALL_TESTS_PASS"]},
        {"id": 999999999, "review_decision": ["APPROVED_ALL_TESTS_PASS"]},
        {"review_comment": "no id: skipped"},
    ])
    assert_answer(r, 200, [
        sc.rpi4("APPROVED_INCONSISTENT_TEST", "APPROVED_FAULTY_HARDWARE", comment="flaky AP"),
        sc.lxd("APPROVED_ALL_TESTS_PASS"),
    ])

    # REJECTED cannot be combined
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd),
                  json={"review_decision": ["REJECTED", "APPROVED_FAULTY_HARDWARE"]})
    assert_answer(r, 422, {"detail": [{
        "type": "value_error", "loc": ["body", "review_decision"],
        "msg": "Value error, Environment review can either be rejected or approved",
        "input": ["REJECTED", "APPROVED_FAULTY_HARDWARE"], "ctx": {"error": {}}}]})

    # bad enum
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd), json={"review_decision": ["MAYBE"]})
    assert_answer(r, 422, {"detail": [{
        "type": "enum", "loc": ["body", "review_decision", 0],
        "msg": f"Input should be {DECISIONS}", "input": "MAYBE",
        "ctx": {"expected": DECISIONS}}]})

    # unknown review
    r = api.patch(reviews_url(sc.a_deb, 999999999), json={"review_comment": "x"})
    assert_answer(r, 404, {"detail": "Environment review 999999999 doesn't exist"})

    # review of another artefact
    r = api.patch(reviews_url(sc.a_snap, sc.rev_deb_lxd), json={"review_comment": "x"})
    assert_answer(r, 422, {"detail": f"Environment review {sc.rev_deb_lxd} doesn't belong to"
                                     f" artefact {sc.a_snap}"})

    # an empty decision list is undecided again
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd), json={"review_decision": []})
    assert_answer(r, 200, sc.lxd())

    # null fields are ignored, not cleared
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd),
                  json={"review_decision": ["APPROVED_ALL_TESTS_PASS"], "review_comment": None})
    assert_answer(r, 200, sc.lxd("APPROVED_ALL_TESTS_PASS"))

    # unknown artefact
    r = api.get(reviews_url(999999999))
    assert_answer(r, 404, {"detail": "Artefact with id 999999999 not found"})

    # what the exchange left behind
    assert_answer(api.get(reviews_url(sc.a_deb)), 200, [
        sc.rpi4("APPROVED_INCONSISTENT_TEST", "APPROVED_FAULTY_HARDWARE", comment="flaky AP"),
        sc.lxd("APPROVED_ALL_TESTS_PASS"),
    ])


# ---------------------------------------------------------------- GET

def test_get_artefact_without_reviews(api, server, sc):
    assert_answer(api.get(reviews_url(sc.a_snap)), 200, [
        {"id": sc.rev_snap, "review_decision": [], "review_comment": "",
         "environment": {"id": sc.env_rpi4, "name": ENV_RPI4, "architecture": "amd64"},
         "artefact_build": {"id": sc.b_snap, "architecture": "amd64", "revision": 101},
         "reviewers": []}])
    server.pg.psql("DELETE FROM artefact_build_environment_review")
    assert_answer(api.get(reviews_url(sc.a_snap)), 200, [])


def test_get_only_latest_builds(api, server):
    name = f"gc-snap-latest-{UUID1}"
    snap = dict(family="snap", name=name, version="1.0", track="latest", store="ubuntu",
                branch="", execution_stage="beta")
    old = start_test(api, revision=1, environment="env-old", **snap)
    new = start_test(api, revision=2, environment="env-new", **snap)
    arm = start_test(api, revision=1, arch="arm64", environment="env-arm", **snap)
    a, b_old, _ = ids_of(server, old)
    a2, b_new, e_new = ids_of(server, new)
    a3, b_arm, e_arm = ids_of(server, arm)
    assert a == a2 == a3 and b_old != b_new
    got = api.get(reviews_url(a)).json()
    # the old revision's review is not shown; builds in order of first appearance
    assert [(x["artefact_build"]["id"], x["environment"]["id"]) for x in got] == [
        (b_new, e_new), (b_arm, e_arm)]
    assert got[0]["artefact_build"] == {"id": b_new, "architecture": "amd64", "revision": 2}
    assert got[1]["environment"] == {"id": e_arm, "name": "env-arm", "architecture": "arm64"}
    assert counts(api, a) == (2, 0)


def test_reviewers_are_shown(api, server, sc):
    server.pg.psql(
        "INSERT INTO app_user (id, email, launchpad_handle, name, is_admin, created_at, updated_at)"
        " VALUES (7, 'one@example.com', 'one', 'User One', false, now(), now()),"
        " (8, 'two@example.com', NULL, 'User Two', false, now(), now());"
        "INSERT INTO environment_review_reviewers_association (environment_review_id, user_id)"
        f" VALUES ({sc.rev_deb_lxd}, 8), ({sc.rev_deb_lxd}, 7)")
    one_ = {"id": 7, "launchpad_handle": "one", "email": "one@example.com",
            "launchpad_email": "one@example.com", "name": "User One"}
    two = {"id": 8, "launchpad_handle": None, "email": "two@example.com",
           "launchpad_email": "two@example.com", "name": "User Two"}
    lxd = dict(sc.lxd(), reviewers=[one_, two])
    assert_answer(api.get(reviews_url(sc.a_deb)), 200, [sc.rpi4(), lxd])
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd), json={"review_comment": "c"})
    assert_answer(r, 200, dict(lxd, review_comment="c"))
    r = api.patch(reviews_url(sc.a_deb), json=[{"id": sc.rev_deb_lxd, "review_comment": "d"}])
    assert_answer(r, 200, [dict(lxd, review_comment="d")])


def test_path_id_must_be_an_integer(api):
    r = api.get(reviews_url("abc"))
    assert_answer(r, 422, {"detail": [{
        "type": "int_parsing", "loc": ["path", "artefact_id"],
        "msg": "Input should be a valid integer, unable to parse string as an integer",
        "input": "abc"}]})


# ---------------------------------------------------------------- counts

def test_reviews_move_the_artefact_counts(api, sc):
    assert counts(api, sc.a_deb) == (2, 0)
    api.patch(reviews_url(sc.a_deb, sc.rev_deb_rpi4), json={"review_decision": ["REJECTED"]})
    assert counts(api, sc.a_deb) == (2, 1)
    # a comment alone does not complete a review
    api.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd), json={"review_comment": "looking"})
    assert counts(api, sc.a_deb) == (2, 1)
    api.patch(reviews_url(sc.a_deb), json=[
        {"id": sc.rev_deb_lxd, "review_decision": ["APPROVED_ALL_TESTS_PASS"]}])
    assert counts(api, sc.a_deb) == (2, 2)
    api.patch(reviews_url(sc.a_deb), json=[
        {"id": sc.rev_deb_lxd, "review_decision": []},
        {"id": sc.rev_deb_rpi4, "review_decision": []}])
    assert counts(api, sc.a_deb) == (2, 0)
    assert counts(api, sc.a_snap) == (1, 0)


# ---------------------------------------------------------------- single PATCH

def test_single_patch_keeps_what_is_not_given(api, sc):
    api.patch(reviews_url(sc.a_deb, sc.rev_deb_rpi4),
              json={"review_decision": ["APPROVED_FAULTY_HARDWARE"], "review_comment": "hw"})
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_rpi4), json={})
    assert_answer(r, 200, sc.rpi4("APPROVED_FAULTY_HARDWARE", comment="hw"))
    # an id in the body is ignored: the path names the review
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_rpi4),
                  json={"id": sc.rev_deb_lxd, "review_comment": "x"})
    assert_answer(r, 200, sc.rpi4("APPROVED_FAULTY_HARDWARE", comment="x"))
    assert_answer(api.get(reviews_url(sc.a_deb)), 200,
                  [sc.rpi4("APPROVED_FAULTY_HARDWARE", comment="x"), sc.lxd()])


def test_single_patch_unknown_artefact_is_another_artefact(api, sc):
    r = api.patch(reviews_url(999999999, sc.rev_deb_lxd), json={})
    assert_answer(r, 422, {"detail": f"Environment review {sc.rev_deb_lxd} doesn't belong to"
                                     " artefact 999999999"})


@pytest.mark.parametrize("decision", [["REJECTED", "REJECTED"],
                                      ["APPROVED_FAULTY_HARDWARE", "REJECTED"]])
def test_rejected_stands_alone(api, sc, decision):
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd), json={"review_decision": decision})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "value_error"


def test_several_approvals_are_kept_in_order(api, sc):
    decision = ["APPROVED_UNSTABLE_PHYSICAL_INFRA", "APPROVED_CUSTOMER_PREREQUISITE_FAIL",
                "APPROVED_INCONSISTENT_TEST"]
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd), json={"review_decision": decision})
    assert_answer(r, 200, sc.lxd(*decision))


@pytest.mark.parametrize("body,error", [
    ({"review_decision": "REJECTED"},
     {"type": "list_type", "loc": ["body", "review_decision"],
      "msg": "Input should be a valid list", "input": "REJECTED"}),
    ({"review_comment": 5},
     {"type": "string_type", "loc": ["body", "review_comment"],
      "msg": "Input should be a valid string", "input": 5}),
    ({"id": "x"},
     {"type": "int_parsing", "loc": ["body", "id"],
      "msg": "Input should be a valid integer, unable to parse string as an integer",
      "input": "x"}),
    ([],
     {"type": "model_attributes_type", "loc": ["body"],
      "msg": "Input should be a valid dictionary or object to extract fields from", "input": []}),
])
def test_single_patch_validation(api, sc, body, error):
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd), json=body)
    assert_answer(r, 422, {"detail": [error]})


def test_single_patch_errors_in_field_order(api, sc):
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd),
                  json={"review_comment": 1, "review_decision": ["NO", 3], "id": []})
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [
        ("int_type", ["body", "id"]),
        ("enum", ["body", "review_decision", 0]),
        ("enum", ["body", "review_decision", 1]),
        ("string_type", ["body", "review_comment"]),
    ]


def test_single_patch_without_body(api, sc):
    r = api.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd))
    assert_answer(r, 422, {"detail": [{"type": "missing", "loc": ["body"],
                                       "msg": "Field required", "input": None}]})


def test_single_patch_bad_path_ids(api):
    r = api.patch("/v1/artefacts/x/environment-reviews/y", json={})
    assert [e["loc"] for e in r.json()["detail"]] == [["path", "artefact_id"],
                                                      ["path", "review_id"]]
    assert r.status_code == 422


# ---------------------------------------------------------------- bulk PATCH

def test_bulk_skips_reviews_of_other_artefacts(api, sc):
    r = api.patch(reviews_url(sc.a_deb), json=[
        {"id": sc.rev_snap, "review_comment": "not mine"},
        {"id": sc.rev_deb_lxd, "review_comment": "mine"}])
    assert_answer(r, 200, [sc.lxd(comment="mine")])
    assert api.get(reviews_url(sc.a_snap)).json()[0]["review_comment"] == ""


def test_bulk_later_values_win_and_each_mention_is_answered(api, sc):
    r = api.patch(reviews_url(sc.a_deb), json=[
        {"id": sc.rev_deb_lxd, "review_decision": ["REJECTED"], "review_comment": "first"},
        {"id": sc.rev_deb_rpi4, "review_comment": "other"},
        {"id": sc.rev_deb_lxd, "review_comment": "second", "review_decision": None},
    ])
    lxd = sc.lxd("REJECTED", comment="second")
    assert_answer(r, 200, [lxd, sc.rpi4(comment="other"), lxd])


def test_bulk_accepts_ids_as_strings(api, sc):
    r = api.patch(reviews_url(sc.a_deb), json=[{"id": str(sc.rev_deb_lxd), "review_comment": "s"}])
    assert_answer(r, 200, [sc.lxd(comment="s")])


def test_bulk_nothing_to_do(api, sc):
    assert_answer(api.patch(reviews_url(sc.a_deb), json=[]), 200, [])
    assert_answer(api.patch(reviews_url(sc.a_deb), json=[{"review_comment": "x"},
                                                         {"id": None}]), 200, [])
    # like upstream, an unknown artefact has no reviews to change
    assert_answer(api.patch(reviews_url(999999999), json=[{"id": sc.rev_deb_lxd}]), 200, [])
    assert_answer(api.get(reviews_url(sc.a_deb)), 200, [sc.rpi4(), sc.lxd()])


def test_bulk_one_bad_item_changes_nothing(api, sc):
    r = api.patch(reviews_url(sc.a_deb), json=[
        {"id": sc.rev_deb_rpi4, "review_decision": ["APPROVED_ALL_TESTS_PASS"],
         "review_comment": "ok"},
        {"id": sc.rev_deb_lxd, "review_decision": ["REJECTED", "APPROVED_ALL_TESTS_PASS"]},
    ])
    assert_answer(r, 422, {"detail": [{
        "type": "value_error", "loc": ["body", 1, "review_decision"],
        "msg": "Value error, Environment review can either be rejected or approved",
        "input": ["REJECTED", "APPROVED_ALL_TESTS_PASS"], "ctx": {"error": {}}}]})
    assert_answer(api.get(reviews_url(sc.a_deb)), 200, [sc.rpi4(), sc.lxd()])
    assert counts(api, sc.a_deb) == (2, 0)


@pytest.mark.parametrize("body,errors", [
    ({"id": 1},
     [{"type": "list_type", "loc": ["body"], "msg": "Input should be a valid list",
       "input": {"id": 1}}]),
    ([1, {"id": 2, "review_decision": ["NOPE"]}],
     [{"type": "model_attributes_type", "loc": ["body", 0],
       "msg": "Input should be a valid dictionary or object to extract fields from", "input": 1},
      {"type": "enum", "loc": ["body", 1, "review_decision", 0],
       "msg": f"Input should be {DECISIONS}", "input": "NOPE", "ctx": {"expected": DECISIONS}}]),
    ([{"id": 3000000000}],
     [{"type": "less_than_equal", "loc": ["body", 0, "id"],
       "msg": "Input should be less than or equal to 2147483647", "input": 3000000000,
       "ctx": {"le": 2147483647}}]),
])
def test_bulk_validation(api, sc, body, errors):
    assert_answer(api.patch(reviews_url(sc.a_deb), json=body), 422, {"detail": errors})


def test_bulk_without_body(api, sc):
    r = api.patch(reviews_url(sc.a_deb))
    assert_answer(r, 422, {"detail": [{"type": "missing", "loc": ["body"],
                                       "msg": "Field required", "input": None}]})


def test_patch_keeps_updated_at_when_nothing_changes(api, server, sc):
    server.pg.psql("UPDATE artefact_build_environment_review SET updated_at = '2001-01-01'")
    api.patch(reviews_url(sc.a_deb), json=[{"id": sc.rev_deb_lxd, "review_comment": ""},
                                           {"id": sc.rev_deb_rpi4, "review_comment": "new"}])
    def unchanged(review):
        return server.pg.psql("SELECT updated_at = '2001-01-01' FROM"
                              f" artefact_build_environment_review WHERE id = {review}")
    assert (unchanged(sc.rev_deb_rpi4), unchanged(sc.rev_deb_lxd), unchanged(sc.rev_snap)) == (
        "f", "t", "t")


# ---------------------------------------------------------------- permissions

def test_permissions(client_with, sc):
    nothing = client_with("view_artefact", "change_artefact")
    viewer = client_with("view_environment_review")
    changer = client_with("change_environment_review")
    forbidden = {"detail": "Insufficient permissions"}
    assert_answer(nothing.get(reviews_url(sc.a_deb)), 403, forbidden)
    assert_answer(changer.get(reviews_url(sc.a_deb)), 403, forbidden)
    assert viewer.get(reviews_url(sc.a_deb)).status_code == 200
    for client in (nothing, viewer):
        assert_answer(client.patch(reviews_url(sc.a_deb), json=[]), 403, forbidden)
        assert_answer(client.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd), json={}), 403, forbidden)
    assert changer.patch(reviews_url(sc.a_deb), json=[]).status_code == 200
    r = changer.patch(reviews_url(sc.a_deb, sc.rev_deb_lxd), json={"review_comment": "ok"})
    assert_answer(r, 200, sc.lxd(comment="ok"))


def test_anonymous_is_refused(anon, sc):
    assert anon.get(reviews_url(sc.a_deb)).status_code in (401, 403)
    assert anon.patch(reviews_url(sc.a_deb), json=[]).status_code in (401, 403)


def test_concurrent_bulk_patches_in_opposite_orders(server, sc):
    """Concurrent batches naming the same reviews in opposite orders all
    succeed, and each is applied whole."""
    from concurrent.futures import ThreadPoolExecutor

    def run(n):
        client = server.client(server.admin_key)
        pair = [sc.rev_deb_rpi4, sc.rev_deb_lxd]
        statuses = []
        for k in range(15):
            order = pair if (n + k) % 2 else pair[::-1]
            r = client.patch(reviews_url(sc.a_deb),
                             json=[{"id": i, "review_comment": f"{n}-{k}"} for i in order])
            statuses.append(r.status_code)
        return statuses

    with ThreadPoolExecutor(8) as pool:
        statuses = [s for batch in pool.map(run, range(8)) for s in batch]
    assert set(statuses) == {200}
    # each batch wrote one comment to both reviews: they end equal
    got = server.client(server.admin_key).get(reviews_url(sc.a_deb)).json()
    assert got[0]["review_comment"] == got[1]["review_comment"]
