"""Teams and artefact matching rules: the golden exchanges 14, members
(users made with SQL: users come from SAML sign-in), rule sharing and
clean-up, conflicts under concurrency, permissions and validation."""

import concurrent.futures

import pytest

from helpers import INSUFFICIENT, JSON, count, validation
from sqlcount import counting_server, statements  # noqa: F401 (fixture)

FAMILIES = "'snap', 'deb', 'charm', 'image' or 'solution'"


def add_user(pg, email, name, handle=None, is_admin=False):
    h = f"'{handle}'" if handle else "NULL"
    return int(pg.psql("INSERT INTO app_user (email, name, launchpad_handle, is_admin, created_at, updated_at)"
                       f" VALUES ('{email}', '{name}', {h}, {str(is_admin).lower()}, now(), now()) RETURNING id"))


def rule_shape(**fields):
    """An ArtefactMatchingRule answer (teams included when given)."""
    base = {"id": None, "name": None, "family": None, "stage": None, "track": None, "branch": None,
            "store": None, "series": None, "os": None, "release": None, "owner": None}
    teams = fields.pop("teams", None)
    grants = fields.pop("grant_permissions", [])
    base.update(fields)
    if teams is not None:
        base["teams"] = teams
    base["grant_permissions"] = grants
    return base


def post_team(api, payload):
    r = api.post("/v1/teams", json=payload)
    assert r.status_code == 201, r.text
    return r.json()


def post_rule(api, payload):
    r = api.post("/v1/artefact-matching-rules", json=payload)
    assert r.status_code == 201, r.text
    return r.json()


# --- the exchanges of 14, in their order -------------------------------------

def test_scenario(api, server):
    pg = server.pg
    snap_rule = {"family": "snap", "name": "gc-snap-UUID1", "track": "latest",
                 "grant_permissions": ["change_artefact"]}
    r = api.post("/v1/teams", json={"name": "gc-team-UUID1", "permissions": ["view_test", "change_artefact"],
                                    "artefact_matching_rules": [snap_rule, snap_rule]})
    assert r.status_code == 201
    assert r.headers["content-type"] == JSON
    team1 = r.json()
    t1 = team1["id"]
    amr_from_team = team1["artefact_matching_rules"][0]["id"]
    assert team1 == {"id": t1, "name": "gc-team-UUID1", "permissions": ["view_test", "change_artefact"],
                     "members": [], "artefact_matching_rules": [
                         rule_shape(id=amr_from_team, name="gc-snap-UUID1", family="snap", track="latest",
                                    grant_permissions=["change_artefact"])]}

    r = api.post("/v1/teams", json={"name": "gc-team2-UUID1"})
    assert r.status_code == 201
    team2 = r.json()
    t2 = team2["id"]
    assert team2 == {"id": t2, "name": "gc-team2-UUID1", "permissions": [], "members": [],
                     "artefact_matching_rules": []}

    r = api.post("/v1/teams", json={"name": "gc-team-UUID1"})
    assert r.status_code == 409
    assert r.json() == {"detail": "Team with name 'gc-team-UUID1' already exists"}

    r = api.get(f"/v1/teams/{t1}")
    assert r.status_code == 200
    assert r.json() == team1

    r = api.get("/v1/teams/999999999")
    assert r.status_code == 404
    assert r.json() == {"detail": "Team 999999999 doesn't exist"}

    r = api.patch(f"/v1/teams/{t1}", json={"permissions": ["view_test"], "artefact_matching_rules": [
        {"family": "deb", "series": "noble", "name": "gc-deb-UUID1"}]})
    assert r.status_code == 200
    team1 = r.json()
    amr_team_deb = team1["artefact_matching_rules"][0]["id"]
    assert team1 == {"id": t1, "name": "gc-team-UUID1", "permissions": ["view_test"], "members": [],
                     "artefact_matching_rules": [
                         rule_shape(id=amr_team_deb, name="gc-deb-UUID1", family="deb", series="noble")]}
    # the snap rule had no other team: gone
    assert count(pg, "artefact_matching_rule", f"id = {amr_from_team}") == 0

    r = api.patch("/v1/teams/999999999", json={})
    assert r.status_code == 404
    assert r.json() == {"detail": "Team 999999999 doesn't exist"}

    # upstream lists in the table's physical order; ours by id
    assert api.get("/v1/teams").json() == [team1, team2]

    for method in ("POST", "DELETE"):
        r = api.request(method, f"/v1/teams/{t1}/members/999999999")
        assert r.status_code == 404
        assert r.json() == {"detail": "User 999999999 doesn't exist"}
    r = api.post("/v1/teams/999999999/members/999999999")
    assert r.status_code == 404
    assert r.json() == {"detail": "Team 999999999 doesn't exist"}

    r = api.post("/v1/artefact-matching-rules", json={
        "family": "charm", "name": "gc-charm-UUID1", "stage": "edge", "track": "14", "branch": "fix-1",
        "store": "", "series": "", "os": "", "release": "", "owner": "",
        "grant_permissions": ["change_artefact", "change_rerun"], "team_ids": [t1, t2]})
    assert r.status_code == 201
    charm = r.json()
    amr_charm = charm["id"]
    # upstream's order of teams is whatever the database gives; ours is by id
    both = [{"id": t1, "name": "gc-team-UUID1"}, {"id": t2, "name": "gc-team2-UUID1"}]
    assert charm == rule_shape(id=amr_charm, name="gc-charm-UUID1", family="charm", stage="edge", track="14",
                               branch="fix-1", teams=both, grant_permissions=["change_artefact", "change_rerun"])

    r = api.post("/v1/artefact-matching-rules", json={
        "family": "charm", "name": "gc-charm-UUID1", "stage": "edge", "track": "14", "branch": "fix-1",
        "team_ids": [t1]})
    assert r.status_code == 409
    assert r.json() == {"detail": "Artefact matching rule with these values already exists"}

    r = api.post("/v1/artefact-matching-rules", json={"family": "image", "team_ids": []})
    assert r.status_code == 400
    assert r.json() == {"detail": "At least one team is required to create a matching rule"}

    r = api.post("/v1/artefact-matching-rules", json={"family": "image", "team_ids": [999999999]})
    assert r.status_code == 404
    assert r.json() == {"detail": "Team 999999999 doesn't exist"}

    r = api.post("/v1/artefact-matching-rules", json={"family": "rpm", "team_ids": [t1]})
    assert r.status_code == 422
    assert r.json() == {"detail": [validation("enum", ["body", "family"], f"Input should be {FAMILIES}", "rpm",
                                              {"expected": FAMILIES})]}

    assert api.get(f"/v1/artefact-matching-rules/{amr_charm}").json() == charm
    assert api.get("/v1/artefact-matching-rules?family=charm").json() == [charm]
    deb = rule_shape(id=amr_team_deb, name="gc-deb-UUID1", family="deb", series="noble",
                     teams=[{"id": t1, "name": "gc-team-UUID1"}])
    assert api.get("/v1/artefact-matching-rules").json() == [deb, charm]

    r = api.patch(f"/v1/artefact-matching-rules/{amr_charm}",
                  json={"os": "ubuntu", "team_ids": [t2], "grant_permissions": ["view_test"]})
    assert r.status_code == 200
    charm = rule_shape(id=amr_charm, name="gc-charm-UUID1", family="charm", stage="edge", track="14",
                       branch="fix-1", os="ubuntu", teams=[{"id": t2, "name": "gc-team2-UUID1"}],
                       grant_permissions=["view_test"])
    assert r.json() == charm

    r = api.patch(f"/v1/artefact-matching-rules/{amr_charm}", json={"team_ids": []})
    assert r.status_code == 400
    assert r.json() == {"detail": "At least one team is required for a matching rule"}

    r = api.patch(f"/v1/artefact-matching-rules/{amr_charm}",
                  json={"family": "deb", "name": "gc-deb-UUID1", "series": "noble", "os": ""})
    assert r.status_code == 200
    charm.update(family="deb", name="gc-deb-UUID1", series="noble", os=None)
    assert r.json() == charm

    r = api.patch("/v1/artefact-matching-rules/999999999", json={})
    assert r.status_code == 404
    assert r.json() == {"detail": "Artefact matching rule 999999999 doesn't exist"}

    in_team = {k: v for k, v in charm.items() if k != "teams"}
    assert api.get(f"/v1/teams/{t2}").json() == {"id": t2, "name": "gc-team2-UUID1", "permissions": [],
                                                 "members": [], "artefact_matching_rules": [in_team]}

    r = api.delete(f"/v1/artefact-matching-rules/{amr_charm}")
    assert r.status_code == 204
    assert r.content == b""
    for method in ("DELETE", "GET"):
        r = api.request(method, f"/v1/artefact-matching-rules/{amr_charm}")
        assert r.status_code == 404
        assert r.json() == {"detail": f"Artefact matching rule {amr_charm} doesn't exist"}
    assert api.get(f"/v1/teams/{t2}").json()["artefact_matching_rules"] == []


# --- teams --------------------------------------------------------------------

def test_members(api, server):
    pg = server.pg
    ann = add_user(pg, "ann@example.com", "Ann", "ann")
    bob = add_user(pg, "bob@example.com", "Bob", is_admin=True)
    team = post_team(api, {"name": "gc-members"})["id"]

    r = api.post(f"/v1/teams/{team}/members/{bob}")
    assert r.status_code == 200
    assert r.json()["members"] == [{"id": bob, "launchpad_handle": None, "email": "bob@example.com",
                                    "name": "Bob", "is_admin": True}]
    api.post(f"/v1/teams/{team}/members/{ann}")
    again = api.post(f"/v1/teams/{team}/members/{ann}")
    assert again.status_code == 200
    assert [m["id"] for m in again.json()["members"]] == [ann, bob]
    assert count(pg, "team_users_association") == 2

    r = api.delete(f"/v1/teams/{team}/members/{ann}")
    assert r.status_code == 200
    assert [m["id"] for m in r.json()["members"]] == [bob]
    # not a member: the team as it is
    r = api.delete(f"/v1/teams/{team}/members/{ann}")
    assert r.status_code == 200
    assert [m["id"] for m in r.json()["members"]] == [bob]
    r = api.delete(f"/v1/teams/999999999/members/{ann}")
    assert r.status_code == 404
    assert r.json() == {"detail": "Team 999999999 doesn't exist"}


def test_team_keeps_permissions_when_rules_change(api):
    team = post_team(api, {"name": "gc-keep", "permissions": ["view_user", "change_team"]})
    r = api.patch(f"/v1/teams/{team['id']}", json={"artefact_matching_rules": [{"family": "snap"}]})
    assert r.status_code == 200
    assert r.json()["permissions"] == ["view_user", "change_team"]
    assert len(r.json()["artefact_matching_rules"]) == 1
    # null and absent leave both alone
    r = api.patch(f"/v1/teams/{team['id']}", json={"permissions": None, "artefact_matching_rules": None})
    assert r.json()["permissions"] == ["view_user", "change_team"]
    assert len(r.json()["artefact_matching_rules"]) == 1
    r = api.patch(f"/v1/teams/{team['id']}", json={"permissions": []})
    assert r.json()["permissions"] == []
    assert len(r.json()["artefact_matching_rules"]) == 1


def test_rules_are_shared_and_gain_permissions(api, server):
    one = post_team(api, {"name": "gc-one", "artefact_matching_rules": [
        {"family": "snap", "track": "22", "grant_permissions": ["change_artefact"]}]})
    shared = one["artefact_matching_rules"][0]["id"]
    two = post_team(api, {"name": "gc-two", "artefact_matching_rules": [
        {"family": "snap", "track": "22", "grant_permissions": ["change_rerun", "change_artefact"]},
        {"family": "deb", "stage": "proposed"}]})
    rules = two["artefact_matching_rules"]
    assert [r["id"] for r in rules][0] == shared
    assert rules[0]["grant_permissions"] == ["change_artefact", "change_rerun"]
    assert rules[1] == rule_shape(id=rules[1]["id"], family="deb", stage="proposed")
    assert count(server.pg, "artefact_matching_rule") == 2
    # the first team sees the merged permissions too
    assert api.get(f"/v1/teams/{one['id']}").json()["artefact_matching_rules"][0]["grant_permissions"] == \
        ["change_artefact", "change_rerun"]

    # the second team lets both go: the shared one stays for the first team
    r = api.patch(f"/v1/teams/{two['id']}", json={"artefact_matching_rules": []})
    assert r.json()["artefact_matching_rules"] == []
    assert api.get(f"/v1/artefact-matching-rules/{shared}").status_code == 200
    assert api.get(f"/v1/artefact-matching-rules/{rules[1]['id']}").status_code == 404


def test_duplicates_in_a_request_keep_the_first(api):
    team = post_team(api, {"name": "gc-dup", "artefact_matching_rules": [
        {"family": "snap", "track": "22", "grant_permissions": ["view_test"]},
        {"family": "charm"},
        {"family": "snap", "track": "22", "grant_permissions": ["change_test"]}]})
    rules = team["artefact_matching_rules"]
    assert [(r["family"], r["grant_permissions"]) for r in rules] == [("snap", ["view_test"]), ("charm", [])]
    # created in the request's order
    assert rules[0]["id"] < rules[1]["id"]


def test_rule_kept_when_named_again(api, server):
    team = post_team(api, {"name": "gc-again", "artefact_matching_rules": [{"family": "snap"}]})
    rule = team["artefact_matching_rules"][0]["id"]
    r = api.patch(f"/v1/teams/{team['id']}", json={"artefact_matching_rules": [{"family": "snap"},
                                                                                {"family": "image"}]})
    assert [x["id"] for x in r.json()["artefact_matching_rules"]][0] == rule
    assert count(server.pg, "artefact_matching_rule") == 2


def test_team_name_taken_concurrently(api, server):
    def create(_):
        return api.post("/v1/teams", json={"name": "gc-race", "artefact_matching_rules": [{"family": "snap"}]})

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = sorted(r.status_code for r in pool.map(create, range(8)))
    assert codes == [201] + [409] * 7
    assert count(server.pg, "team") == 1
    assert count(server.pg, "artefact_matching_rule") == 1


def test_same_rule_from_teams_concurrently(api, server):
    def create(i):
        return api.post("/v1/teams", json={"name": f"gc-par-{i}", "artefact_matching_rules": [
            {"family": "deb", "series": "noble", "grant_permissions": ["change_artefact"]}]})

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(create, range(8)))
    assert [r.status_code for r in answers] == [201] * 8
    assert len({r.json()["artefact_matching_rules"][0]["id"] for r in answers}) == 1
    assert count(server.pg, "artefact_matching_rule_team_association") == 8


def test_same_new_rules_in_opposite_orders_concurrently(api, server):
    """Teams replacing their rules with the same new ones in opposite orders
    take turns instead of deadlocking."""
    teams = [post_team(api, {"name": f"gc-o{i}"})["id"] for i in range(8)]
    rules = [{"family": "snap", "track": f"r{i}"} for i in range(20)]

    def patch(i):
        mine = rules if i % 2 else list(reversed(rules))
        return api.patch(f"/v1/teams/{teams[i]}", json={"artefact_matching_rules": mine})

    for _ in range(3):
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = [r.status_code for r in pool.map(patch, range(8))]
        assert codes == [200] * 8
        assert count(server.pg, "artefact_matching_rule") == 20
        assert count(server.pg, "artefact_matching_rule_team_association") == 160


@pytest.mark.parametrize("payload,errors", [
    ({}, [validation("missing", ["body", "name"], "Field required", {})]),
    ({"name": "x", "permissions": ["nope"], "artefact_matching_rules": {}},
     [validation("enum", ["body", "permissions", 0], None, "nope"),
      validation("list_type", ["body", "artefact_matching_rules"], "Input should be a valid list", {})]),
    ({"name": "x", "permissions": None}, [validation("list_type", ["body", "permissions"],
                                                     "Input should be a valid list", None)]),
    ({"name": "x", "artefact_matching_rules": [{"family": "snap"}, {"track": 5}, "deb"]},
     [validation("missing", ["body", "artefact_matching_rules", 1, "family"], "Field required", {"track": 5}),
      validation("string_type", ["body", "artefact_matching_rules", 1, "track"], "Input should be a valid string", 5),
      validation("model_attributes_type", ["body", "artefact_matching_rules", 2],
                 "Input should be a valid dictionary or object to extract fields from", "deb")]),
    ({"name": "x", "artefact_matching_rules": [{"family": "snap", "stage": None, "grant_permissions": ["x"]}]},
     [validation("string_type", ["body", "artefact_matching_rules", 0, "stage"], "Input should be a valid string",
                 None),
      validation("enum", ["body", "artefact_matching_rules", 0, "grant_permissions", 0], None, "x")]),
])
def test_team_create_invalid(api, server, payload, errors):
    r = api.post("/v1/teams", json=payload)
    assert r.status_code == 422
    got = r.json()["detail"]
    for e in got:
        if e["type"] == "enum":
            assert e["msg"].startswith("Input should be 'view_user', 'change_user'")
            e.pop("ctx")
            e["msg"] = None
    assert got == errors
    assert count(server.pg, "team") == 0


def test_rule_field_longer_than_its_column(api, server):
    # upstream: 500 from the database
    r = api.post("/v1/teams", json={"name": "x", "artefact_matching_rules": [{"family": "snap", "stage": "s" * 101}]})
    assert r.status_code == 422
    assert r.json() == {"detail": [validation("string_too_long", ["body", "artefact_matching_rules", 0, "stage"],
                                              "String should have at most 100 characters", "s" * 101,
                                              {"max_length": 100})]}
    r = api.post("/v1/artefact-matching-rules", json={"family": "snap", "name": "n" * 201, "team_ids": [1]})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "string_too_long"
    assert count(server.pg, "team") == 0


def test_team_patch_invalid(api):
    team = post_team(api, {"name": "gc-inv"})["id"]
    r = api.patch(f"/v1/teams/{team}", json={"permissions": ["invalid_permission"]})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "permissions", 0]
    r = api.patch(f"/v1/teams/{team}", json={"artefact_matching_rules": [{}]})
    assert r.status_code == 422
    assert r.json()["detail"] == [validation("missing", ["body", "artefact_matching_rules", 0, "family"],
                                             "Field required", {})]
    r = api.post("/v1/teams/x/members/y")
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [["path", "team_id"], ["path", "user_id"]]


# --- artefact matching rules --------------------------------------------------

@pytest.fixture
def teams(api):
    return [post_team(api, {"name": f"gc-t{i}"})["id"] for i in range(3)]


def test_rule_defaults(api, teams):
    rule = post_rule(api, {"family": "snap", "team_ids": [teams[0]]})
    assert rule == rule_shape(id=rule["id"], family="snap", teams=[{"id": teams[0], "name": "gc-t0"}])


def test_rule_team_ids_deduplicated(api, server, teams):
    rule = post_rule(api, {"family": "snap", "team_ids": [teams[1], teams[1], str(teams[0])]})
    assert [t["id"] for t in rule["teams"]] == [teams[0], teams[1]]
    assert count(server.pg, "artefact_matching_rule_team_association") == 2


def test_rule_first_unknown_team_named(api, server, teams):
    r = api.post("/v1/artefact-matching-rules", json={"family": "snap", "team_ids": [teams[0], 77, 66]})
    assert r.status_code == 404
    assert r.json() == {"detail": "Team 77 doesn't exist"}
    assert count(server.pg, "artefact_matching_rule") == 0


def test_rule_patch_conflict(api, server, teams):
    a = post_rule(api, {"family": "snap", "track": "22", "team_ids": [teams[0]]})
    b = post_rule(api, {"family": "snap", "track": "24", "team_ids": [teams[0]]})
    r = api.patch(f"/v1/artefact-matching-rules/{b['id']}", json={"track": "22", "team_ids": [teams[1]]})
    assert r.status_code == 409
    assert r.json() == {"detail": "Another artefact matching rule with these values already exists"}
    # nothing changed
    assert api.get(f"/v1/artefact-matching-rules/{b['id']}").json() == b
    # its own values again are no conflict
    r = api.patch(f"/v1/artefact-matching-rules/{a['id']}", json={"track": "22", "family": "snap"})
    assert r.status_code == 200
    assert r.json() == a


def test_rule_patch_unknown_team_before_empty(api, teams):
    rule = post_rule(api, {"family": "snap", "team_ids": [teams[0]]})
    r = api.patch(f"/v1/artefact-matching-rules/{rule['id']}", json={"team_ids": [teams[1], 999]})
    assert r.status_code == 404
    assert r.json() == {"detail": "Team 999 doesn't exist"}
    r = api.patch("/v1/artefact-matching-rules/999999", json={"team_ids": []})
    assert r.status_code == 404
    assert r.json() == {"detail": "Artefact matching rule 999999 doesn't exist"}


def test_rule_patch_keeps_teams_and_grants(api, teams):
    rule = post_rule(api, {"family": "snap", "grant_permissions": ["view_test"], "team_ids": teams[:2]})
    r = api.patch(f"/v1/artefact-matching-rules/{rule['id']}", json={"stage": "beta", "team_ids": None})
    assert r.status_code == 200
    assert r.json() == dict(rule, stage="beta")
    r = api.patch(f"/v1/artefact-matching-rules/{rule['id']}", json={"grant_permissions": []})
    assert r.json()["grant_permissions"] == []
    r = api.patch(f"/v1/artefact-matching-rules/{rule['id']}", json={"team_ids": [teams[2], teams[0]]})
    assert [t["id"] for t in r.json()["teams"]] == [teams[0], teams[2]]


def test_rule_patch_invalid(api, teams):
    rule = post_rule(api, {"family": "snap", "team_ids": [teams[0]]})
    r = api.patch(f"/v1/artefact-matching-rules/{rule['id']}",
                  json={"family": "rpm", "team_ids": ["a"], "grant_permissions": "x"})
    assert r.status_code == 422
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [
        ("enum", ["body", "family"]), ("int_parsing", ["body", "team_ids", 0]),
        ("list_type", ["body", "grant_permissions"])]


@pytest.mark.parametrize("payload,errors", [
    ({}, [("missing", ["body", "family"]), ("missing", ["body", "team_ids"])]),
    ({"family": "snap", "team_ids": None}, [("list_type", ["body", "team_ids"])]),
    ({"family": "snap", "team_ids": [1.5, "x", True]}, [("int_from_float", ["body", "team_ids", 0]),
                                                         ("int_parsing", ["body", "team_ids", 1])]),
    ({"family": None, "grant_permissions": None, "team_ids": [1]},
     [("enum", ["body", "family"]), ("list_type", ["body", "grant_permissions"])]),
])
def test_rule_create_invalid(api, payload, errors):
    r = api.post("/v1/artefact-matching-rules", json=payload)
    assert r.status_code == 422
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == errors


def test_rule_list_filter(api, teams):
    snap = post_rule(api, {"family": "snap", "team_ids": [teams[0]]})
    post_rule(api, {"family": "deb", "team_ids": [teams[0]]})
    snap2 = post_rule(api, {"family": "snap", "track": "x", "team_ids": [teams[1]]})
    assert api.get("/v1/artefact-matching-rules?family=snap").json() == [snap, snap2]
    assert api.get("/v1/artefact-matching-rules?family=image").json() == []
    for bad in ("rpm", ""):
        r = api.get(f"/v1/artefact-matching-rules?family={bad}")
        assert r.status_code == 422
        assert r.json() == {"detail": [validation("enum", ["query", "family"], f"Input should be {FAMILIES}", bad,
                                                  {"expected": FAMILIES})]}


def test_rule_created_concurrently(api, server, teams):
    def create(_):
        return api.post("/v1/artefact-matching-rules", json={"family": "image", "os": "ubuntu",
                                                             "team_ids": teams})

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = sorted(r.status_code for r in pool.map(create, range(8)))
    assert codes == [201] + [409] * 7
    assert count(server.pg, "artefact_matching_rule_team_association") == 3


def test_rules_patched_into_each_other_concurrently(api, server, teams):
    """Two rules patched at once to the same values: one wins, the other is
    told 409, never 500."""
    ids = [post_rule(api, {"family": "snap", "track": f"t{i}", "team_ids": [teams[0]]})["id"] for i in range(6)]

    def patch(rule):
        return api.patch(f"/v1/artefact-matching-rules/{rule}", json={"track": "same"})

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        codes = sorted(r.status_code for r in pool.map(patch, ids))
    assert codes == [200] + [409] * 5
    assert count(server.pg, "artefact_matching_rule", "track = 'same'") == 1


def test_rule_delete_leaves_teams(api, teams):
    rule = post_rule(api, {"family": "snap", "team_ids": teams})
    assert api.delete(f"/v1/artefact-matching-rules/{rule['id']}").status_code == 204
    for t in teams:
        team = api.get(f"/v1/teams/{t}")
        assert team.status_code == 200
        assert team.json()["artefact_matching_rules"] == []


# --- statements per request --------------------------------------------------

def test_statements_do_not_grow_with_the_data(api, server, counting_server):
    pg = server.pg
    client = counting_server.client(counting_server.admin_key)
    team = post_team(api, {"name": "gc-count"})["id"]

    def patch(n):
        rules = [{"family": "snap", "track": f"t{i}", "grant_permissions": ["view_test"]} for i in range(n)]
        return client.patch(f"/v1/teams/{team}", json={"permissions": ["view_test"],
                                                        "artefact_matching_rules": rules})

    assert patch(1).status_code == 200
    # the team holds a rule from now on: both replace it
    r, few = statements(counting_server, lambda: patch(1))
    assert r.status_code == 200
    r, many = statements(counting_server, lambda: patch(200))
    assert r.status_code == 200
    assert len(r.json()["artefact_matching_rules"]) == 200
    assert many == few <= 10, (few, many)

    pg.psql("INSERT INTO app_user (email, name, created_at, updated_at) SELECT 'u' || i || '@x', 'U' || i,"
            " now(), now() FROM generate_series(1, 100) i")
    pg.psql(f"INSERT INTO team_users_association (user_id, team_id) SELECT id, {team} FROM app_user")
    pg.psql("INSERT INTO team (name, created_at, updated_at) SELECT 'gc-bulk-' || i, now(), now()"
            " FROM generate_series(1, 100) i")
    r, listed = statements(counting_server, lambda: client.get("/v1/teams"))
    assert len(r.json()) == 101
    assert len(r.json()[0]["members"]) == 100
    r, rules = statements(counting_server, lambda: client.get("/v1/artefact-matching-rules"))
    assert len(r.json()) == 200
    # the key's look-up and the answer
    assert listed == rules == 2


# --- permissions --------------------------------------------------------------

ROUTES = [
    ("view_team", "GET", "/v1/teams", None, 200),
    ("change_team", "POST", "/v1/teams", {"name": "gc-perm"}, 201),
    ("view_team", "GET", "/v1/teams/{team}", None, 200),
    ("change_team", "PATCH", "/v1/teams/{team}", {"permissions": []}, 200),
    ("change_team", "POST", "/v1/teams/{team}/members/{user}", None, 200),
    ("change_team", "DELETE", "/v1/teams/{team}/members/{user}", None, 200),
    ("change_team", "POST", "/v1/artefact-matching-rules", {"family": "deb", "team_ids": ["{team}"]}, 201),
    ("view_team", "GET", "/v1/artefact-matching-rules", None, 200),
    ("view_team", "GET", "/v1/artefact-matching-rules/{rule}", None, 200),
    ("change_team", "PATCH", "/v1/artefact-matching-rules/{rule}", {"os": "x"}, 200),
    ("change_team", "DELETE", "/v1/artefact-matching-rules/{rule}", None, 204),
]


@pytest.mark.parametrize("perm,method,template,payload,ok", ROUTES, ids=[f"{r[1]} {r[2]}" for r in ROUTES])
def test_permissions(api, anon, client_with, server, perm, method, template, payload, ok):
    team = post_team(api, {"name": "gc-target"})["id"]
    rule = post_rule(api, {"family": "snap", "team_ids": [team]})["id"]
    user = add_user(server.pg, "u@example.com", "U")
    path = template.format(team=team, rule=rule, user=user)
    kw = {}
    if payload is not None:
        kw["json"] = {k: ([team] if v == ["{team}"] else v) for k, v in payload.items()}
    other = "view_team" if perm == "change_team" else "change_team"
    for c in (anon, client_with(other, "view_user", "change_user")):
        r = c.request(method, path, **kw)
        assert r.status_code == 403, (method, path)
        assert r.json() == INSUFFICIENT
    r = client_with(perm).request(method, path, **kw)
    assert r.status_code == ok, r.text


def test_permission_before_validation(anon):
    assert anon.post("/v1/teams", json={}).status_code == 403
    assert anon.post("/v1/artefact-matching-rules", json={"family": "rpm"}).status_code == 403
    assert anon.get("/v1/artefact-matching-rules?family=rpm").status_code == 403
    assert anon.get("/v1/teams/x").status_code == 403
