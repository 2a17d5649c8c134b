"""GET /v1/artefacts/{artefact_id}/versions, /v1/artefacts/search and
/v1/artefacts/history: the exchanges of
../shared/reference/exchanges/09-artefacts.txt and their rules."""

import pytest

from artefacts_scenario import DT, RUN, answer, build_scenario, snap_body, start


@pytest.fixture
def ids(api, server):
    return build_scenario(api, server.pg)


def history_item(artefact_id, version, stage="beta", name=f"gc-snap-{RUN}"):
    return {"artefact_id": artefact_id, "name": name, "version": version, "stage": stage,
            "created_at": DT}


def test_exchanges_09(api, ids):
    a_snap, a_snap_v1 = ids["a_snap"], ids["a_snap_v1"]
    answer(api.get(f"/v1/artefacts/{a_snap}/versions"), 200,
           [{"version": "1.0.1", "artefact_id": a_snap},
            {"version": "1.0.0", "artefact_id": a_snap_v1}])
    answer(api.get(f"/v1/artefacts/history?name=gc-snap-{RUN}&family=snap"), 200,
           {"count": 2, "items": [history_item(a_snap, "1.0.1"),
                                  history_item(a_snap_v1, "1.0.0")]})
    answer(api.get(f"/v1/artefacts/history?name=gc-snap-{RUN}&family=snap&track=latest"
                   f"&stage=beta&limit=1&offset=1"), 200,
           {"count": 1, "items": [history_item(a_snap_v1, "1.0.0")]})
    answer(api.get(f"/v1/artefacts/history?name=gc-snap-{RUN}"), 422, {"detail": [
        {"type": "missing", "loc": ["query", "family"], "msg": "Field required", "input": None}]})
    answer(api.get(f"/v1/artefacts/search?q={RUN}&families=snap&families=deb"), 200,
           {"artefacts": [f"gc-deb-{RUN}", f"gc-deb-ppa-{RUN}", f"gc-snap-{RUN}"], "count": 3,
            "limit": 50, "offset": 0})
    answer(api.get(f"/v1/artefacts/search?q={RUN}&limit=1&offset=1"), 200,
           {"artefacts": [f"gc-deb-{RUN}"], "count": 6, "limit": 1, "offset": 1})
    answer(api.get(f"/v1/artefacts/search?q={RUN}&limit=0"), 422, {"detail": [
        {"type": "greater_than_equal", "loc": ["query", "limit"],
         "msg": "Input should be greater than or equal to 1", "input": "0", "ctx": {"ge": 1}}]})


# ---- versions ----

def test_versions_of_one_line_only(api, server, ids):
    # another branch is another line of releases
    start(api, **snap_body("2.0", 201, "snap-3", branch="fix"))
    fix = int(server.pg.psql("SELECT id FROM artefact WHERE branch = 'fix'"))
    answer(api.get(f"/v1/artefacts/{fix}/versions"), 200,
           [{"version": "2.0", "artefact_id": fix}])
    answer(api.get(f"/v1/artefacts/{ids['a_snap_v1']}/versions"), 200,
           [{"version": "1.0.1", "artefact_id": ids["a_snap"]},
            {"version": "1.0.0", "artefact_id": ids["a_snap_v1"]}])
    # archived versions are listed too
    server.pg.psql(f"UPDATE artefact SET archived = true WHERE id = {ids['a_snap_v1']}")
    assert len(api.get(f"/v1/artefacts/{ids['a_snap']}/versions").json()) == 2


def test_versions_of_solutions_follow_bundled_builds(api, server, ids):
    start(api, family="solution", name=f"gc-solution-{RUN}", version="1.3", arch="amd64",
          track="latest", source="custom-repo", execution_stage="candidate", environment="e",
          test_plan="p")
    newer = int(server.pg.psql("SELECT id FROM artefact WHERE version = '1.3'"))
    answer(api.get(f"/v1/artefacts/{newer}/versions"), 200,
           [{"version": "1.3", "artefact_id": newer},
            {"version": "1.2", "artefact_id": ids["a_solution"]}])
    # other bundled builds, another hash: another line of releases
    build = ids["b_snap_amd64"]
    server.pg.psql(f"INSERT INTO artefact_bundled_builds_association VALUES ({newer}, {build});"
                   f" UPDATE artefact SET bundled_builds_hash = encode(sha256('{build}'), 'hex')"
                   f" WHERE id = {newer}")
    answer(api.get(f"/v1/artefacts/{newer}/versions"), 200,
           [{"version": "1.3", "artefact_id": newer}])


def test_versions_errors(api, client_with, ids):
    answer(api.get("/v1/artefacts/999999999/versions"), 404,
           {"detail": "Artefact with id 999999999 not found"})
    answer(api.get("/v1/artefacts/x/versions"), 422, {"detail": [
        {"type": "int_parsing", "loc": ["path", "artefact_id"],
         "msg": "Input should be a valid integer, unable to parse string as an integer",
         "input": "x"}]})
    answer(client_with("view_test").get(f"/v1/artefacts/{ids['a_snap']}/versions"), 403,
           {"detail": "Insufficient permissions"})


# ---- search ----

def test_search_rules(api, server, ids):
    answer(api.get("/v1/artefacts/search"), 200, {
        "artefacts": sorted(f"gc-{x}-{RUN}" for x in
                            ("charm", "deb", "deb-ppa", "image", "snap", "solution")),
        "count": 6, "limit": 50, "offset": 0})
    # case-insensitive, partial, trimmed; a blank term matches everything
    r = api.get("/v1/artefacts/search", params={"q": "  GC-DEB  "})
    assert r.json()["artefacts"] == [f"gc-deb-{RUN}", f"gc-deb-ppa-{RUN}"]
    assert api.get("/v1/artefacts/search", params={"q": "   "}).json()["count"] == 6
    # distinct names: two snap versions give one name
    r = api.get("/v1/artefacts/search", params={"families": "snap"})
    assert r.json()["artefacts"] == [f"gc-snap-{RUN}"]
    answer(api.get("/v1/artefacts/search", params={"q": "nothing-like-this"}), 200,
           {"artefacts": [], "count": 0, "limit": 50, "offset": 0})
    answer(api.get("/v1/artefacts/search", params={"offset": 10, "limit": 1000}), 200,
           {"artefacts": [], "count": 6, "limit": 1000, "offset": 10})
    # a name archived in every version is gone; one live version keeps it
    server.pg.psql(f"UPDATE artefact SET archived = true WHERE id = {ids['a_snap_v1']}")
    assert f"gc-snap-{RUN}" in api.get("/v1/artefacts/search").json()["artefacts"]
    server.pg.psql(f"UPDATE artefact SET archived = true WHERE id = {ids['a_snap']}")
    assert f"gc-snap-{RUN}" not in api.get("/v1/artefacts/search").json()["artefacts"]


def test_search_term_is_a_parameter(api):
    """Quotes and backslashes in the term are data, not SQL."""
    for q in ("'", "\\", "'); DROP TABLE artefact; --", "%%"):
        r = api.get("/v1/artefacts/search", params={"q": q})
        assert r.status_code == 200, r.text
    assert api.get("/v1/artefacts/search").status_code == 200


def test_search_offset_has_no_upper_bound(api):
    """offset takes any size (past 64 bits it reads as the largest), and
    blanks around a number are allowed, as FastAPI reads an int."""
    assert api.get("/v1/artefacts/search?offset=99999999999999999999").json() == {
        "artefacts": [], "count": 0, "limit": 50, "offset": 9223372036854775807}
    r = api.get("/v1/artefacts/search", params={"offset": " 0 ", "limit": "\t1"})
    assert r.status_code == 200, r.text


def test_search_validation(api, client_with):
    answer(api.get("/v1/artefacts/search?limit=1001&offset=-1&families=rpm&families=snap"), 422,
           {"detail": [
               {"type": "enum", "loc": ["query", "families", 0],
                "msg": "Input should be 'snap', 'deb', 'charm', 'image' or 'solution'",
                "input": "rpm",
                "ctx": {"expected": "'snap', 'deb', 'charm', 'image' or 'solution'"}},
               {"type": "less_than_equal", "loc": ["query", "limit"],
                "msg": "Input should be less than or equal to 1000", "input": "1001",
                "ctx": {"le": 1000}},
               {"type": "greater_than_equal", "loc": ["query", "offset"],
                "msg": "Input should be greater than or equal to 0", "input": "-1",
                "ctx": {"ge": 0}}]})
    answer(api.get("/v1/artefacts/search?limit=ten"), 422, {"detail": [
        {"type": "int_parsing", "loc": ["query", "limit"],
         "msg": "Input should be a valid integer, unable to parse string as an integer",
         "input": "ten"}]})
    answer(client_with("view_test").get("/v1/artefacts/search"), 403,
           {"detail": "Insufficient permissions"})


# ---- history ----

def test_history_rules(api, server, ids):
    pg = server.pg
    for v in range(3):
        start(api, family="charm", name="pg-k8s", version=f"{v}", revision=v + 1,
              track="latest", arch="amd64", execution_stage="edge" if v else "beta",
              environment="e", test_plan="p")
    start(api, family="charm", name="pg-k8s", version="9", revision=9, track="2.0",
          arch="amd64", execution_stage="stable", environment="e", test_plan="p")
    start(api, family="snap", name="pg-k8s", version="8", revision=8, track="latest",
          store="ubuntu", arch="amd64", execution_stage="edge", environment="e", test_plan="p")
    charm = {v: int(pg.psql(f"SELECT id FROM artefact WHERE name = 'pg-k8s' AND version = '{v}'"))
             for v in ("0", "1", "2", "9")}
    # family charm, track latest by default; newest first
    r = api.get("/v1/artefacts/history", params={"name": "pg-k8s", "family": "charm"})
    answer(r, 200, {"count": 3, "items": [
        history_item(charm["2"], "2", "edge", "pg-k8s"),
        history_item(charm["1"], "1", "edge", "pg-k8s"),
        history_item(charm["0"], "0", "beta", "pg-k8s")]})
    r = api.get("/v1/artefacts/history", params={"name": "pg-k8s", "family": "charm",
                                                 "track": "2.0"})
    assert [i["artefact_id"] for i in r.json()["items"]] == [charm["9"]]
    r = api.get("/v1/artefacts/history", params={"name": "pg-k8s", "family": "charm",
                                                 "stage": "beta"})
    assert [i["artefact_id"] for i in r.json()["items"]] == [charm["0"]]
    # count is the number of items answered, not a total
    r = api.get("/v1/artefacts/history", params={"name": "pg-k8s", "family": "charm",
                                                 "limit": 2})
    assert r.json()["count"] == 2
    answer(api.get("/v1/artefacts/history", params={"name": "pg-k8s", "family": "deb"}), 200,
           {"count": 0, "items": []})


def test_history_validation(api, client_with):
    answer(api.get("/v1/artefacts/history?stage=later&limit=501&family=rpm"), 422,
           {"detail": [
               {"type": "missing", "loc": ["query", "name"], "msg": "Field required",
                "input": None},
               {"type": "enum", "loc": ["query", "family"],
                "msg": "Input should be 'snap', 'deb', 'charm', 'image' or 'solution'",
                "input": "rpm",
                "ctx": {"expected": "'snap', 'deb', 'charm', 'image' or 'solution'"}},
               {"type": "enum", "loc": ["query", "stage"],
                "msg": "Input should be 'proposed', 'updates', 'edge', 'beta', 'candidate',"
                       " 'stable', 'pending' or 'current'", "input": "later",
                "ctx": {"expected": "'proposed', 'updates', 'edge', 'beta', 'candidate',"
                                    " 'stable', 'pending' or 'current'"}},
               {"type": "less_than_equal", "loc": ["query", "limit"],
                "msg": "Input should be less than or equal to 500", "input": "501",
                "ctx": {"le": 500}}]})
    answer(client_with("view_test").get("/v1/artefacts/history?name=x&family=snap"), 403,
           {"detail": "Insufficient permissions"})
