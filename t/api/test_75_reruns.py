"""Rerun requests: POST, GET and DELETE /v1/test-executions/reruns
(exchange 06-reruns.txt), their permissions, filters and bulk sizes."""

import contextlib
import re
import threading
import time
import uuid

import pytest

REPO_TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$")
PENDING_KEYS = ["test_execution_id", "ci_link", "family", "test_execution", "artefact",
                "artefact_build", "priority", "created_at"]


def start(api, **body):
    r = api.put("/v1/test-executions/start-test", json=body)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def snap(run, version, revision, env, ci, **extra):
    return dict(family="snap", name=f"gc-snap-{run}", version=version, revision=revision,
                arch="amd64", track="latest", store="ubuntu", execution_stage="beta",
                environment=f"gc-env-{env}-{run}", ci_link=f"https://jenkins.example.com/job/{run}/{ci}",
                test_plan=f"gc-plan-{run}", **extra)


def deb(run, env, ci, **extra):
    return dict(family="deb", name=f"gc-deb-{run}", version="2.0-1ubuntu1", arch="amd64",
                series="noble", repo="main", source="", execution_stage="proposed",
                environment=f"gc-env-{env}-{run}", ci_link=f"https://jenkins.example.com/job/{run}/{ci}",
                test_plan=f"gc-plan-{run}", **extra)


class World:
    """The executions of the exchange: two snap versions and a deb on rpi4,
    a charm and a second deb execution on lxd."""

    def __init__(self, api):
        run = self.run = uuid.uuid4().hex[:8]
        self.api = api
        link = [{"label": "Build log", "url": "https://example.com/build/R8"}]
        self.te_snap1 = start(api, **snap(run, "1.0.0", 101, "rpi4", "snap-1", relevant_links=link * 2))
        self.te_deb = start(api, **deb(run, "rpi4", "deb-1", initial_status="NOT_STARTED", relevant_links=[
            {"label": "Changelog", "url": "https://launchpad.net/ubuntu/+source/x"}]))
        self.te_charm = start(api, family="charm", name=f"gc-charm-{run}", version="14/edge", revision=555,
                              arch="amd64", track="14", branch="fix-1", execution_stage="edge",
                              environment=f"gc-env-lxd-{run}", test_plan=f"gc-plan-{run}",
                              ci_link=f"https://jenkins.example.com/job/{run}/charm-1",
                              initial_status="ENDED_PREMATURELY")
        self.te_snap2 = start(api, **snap(run, "1.0.1", 102, "rpi4", "snap-2"))
        self.te_deb_b = start(api, **deb(run, "lxd", "deb-2", initial_status="ENDED_PREMATURELY"))
        for te, status in ((self.te_snap1, "FAILED"), (self.te_deb, "FAILED"), (self.te_snap2, "FAILED")):
            r = api.post(f"/v1/test-executions/{te}/test-results",
                         json=[{"name": f"case-{run}-a", "status": "PASSED"},
                               {"name": f"case-{run}-b", "status": status}])
            assert r.status_code == 200, r.text
        for te in (self.te_snap1, self.te_deb):
            assert api.patch(f"/v1/test-executions/{te}", json={"status": "COMPLETED"}).status_code == 200
        api.patch(f"/v1/test-executions/{self.te_deb}",
                  json={"c3_link": "https://certification.canonical.com/submissions/R8"})

    def env(self, name):
        return f"gc-env-{name}-{self.run}"

    def pending(self, te, priority):
        """The PendingRerun upstream answers for execution te."""
        execution = self.api.get(f"/v1/test-executions/{te}").json()
        assert execution["is_rerun_requested"] is True
        assert execution["rerun_priority"] == priority
        pg = self.api.pg
        artefact_id, build_id = pg.psql(
            f"SELECT b.artefact_id, b.id FROM test_execution te JOIN artefact_build b"
            f" ON b.id = te.artefact_build_id WHERE te.id = {te}").split("|")
        artefact = self.api.get(f"/v1/artefacts/{artefact_id}").json()
        build = next(b for b in self.api.get(f"/v1/artefacts/{artefact_id}/builds").json()
                     if b["id"] == int(build_id))
        return {"test_execution_id": te, "ci_link": execution["ci_link"], "family": artefact["family"],
                "test_execution": execution, "artefact": artefact,
                "artefact_build": {"id": build["id"], "architecture": build["architecture"],
                                   "revision": build["revision"]},
                "priority": priority}


def without_created(pending):
    out = []
    for p in pending:
        assert list(p) == PENDING_KEYS
        assert REPO_TS.match(p["created_at"]), p["created_at"]
        out.append({k: v for k, v in p.items() if k != "created_at"})
    return out


@pytest.fixture
def world(api, server):
    api.pg = server.pg
    return World(api)


def reruns_in_db(pg):
    return pg.psql("SELECT count(*) FROM test_execution_rerun_request")


def test_exchange(api, anon, world):
    w = world
    # a single id
    r = api.post("/v1/test-executions/reruns", json={"test_execution_ids": [w.te_snap1]})
    assert r.status_code == 200, r.text
    assert without_created(r.json()) == [w.pending(w.te_snap1, 0)]
    assert w.pending(w.te_snap1, 0)["test_execution"]["is_triaged"] is False

    # several ids with a priority: the existing request takes it
    r = api.post("/v1/test-executions/reruns", json={"test_execution_ids": [w.te_snap1, w.te_deb], "priority": 5})
    assert r.status_code == 200
    assert without_created(r.json()) == [w.pending(w.te_snap1, 5), w.pending(w.te_deb, 5)]
    assert r.json()[1]["test_execution"]["c3_link"] == "https://certification.canonical.com/submissions/R8"
    assert r.json()[1]["artefact"]["all_environment_reviews_count"] == 2
    assert r.json()[1]["artefact_build"]["revision"] is None

    # one id unknown: 207 with the others
    r = api.post("/v1/test-executions/reruns", json={"test_execution_ids": [w.te_charm, 999999999]})
    assert r.status_code == 207
    assert without_created(r.json()) == [w.pending(w.te_charm, 0)]

    # all ids unknown
    r = api.post("/v1/test-executions/reruns", json={"test_execution_ids": [999999999]})
    assert r.status_code == 404
    assert r.json() == {"detail": "Didn't find test executions with provided ids"}

    # priority out of range
    r = api.post("/v1/test-executions/reruns", json={"test_execution_ids": [w.te_snap1], "priority": 1000001})
    assert r.status_code == 422
    assert r.json() == {"detail": [{"type": "less_than_equal", "loc": ["body", "priority"],
                                    "msg": "Input should be less than or equal to 1000000",
                                    "input": 1000001, "ctx": {"le": 1000000}}]}

    # filters without silent=true
    body = {"test_executions_filters": {"artefacts": [f"gc-deb-{w.run}"]}}
    r = api.post("/v1/test-executions/reruns", json=body)
    assert r.status_code == 422
    assert r.json() == {"detail": "Creating rerun requests from filters must be done silently"}

    # by execution filters, silently
    body = {"test_executions_filters": {"artefacts": [f"gc-deb-{w.run}"], "environments": [w.env("lxd")]},
            "priority": -3}
    r = api.post("/v1/test-executions/reruns?silent=true", json=body)
    assert r.status_code == 200
    assert r.content == b"null"

    # by result filters, silently: te_snap2 has a failed result
    body = {"test_results_filters": {"artefacts": [f"gc-snap-{w.run}"], "test_result_statuses": ["FAILED"]}}
    r = api.post("/v1/test-executions/reruns?silent=true", json=body)
    assert r.status_code == 200
    assert r.json() is None

    # empty filters
    r = api.post("/v1/test-executions/reruns?silent=true", json={"test_results_filters": {}})
    assert r.status_code == 422
    assert r.json() == {"detail": "At least one filter must be provided in test_results_filters"}
    r = api.post("/v1/test-executions/reruns?silent=true", json={"test_executions_filters": {"limit": 5}})
    assert r.status_code == 422
    assert r.json() == {"detail": "At least one filter must be provided in test_executions_filters"}

    # filtered by environment; priority first
    r = api.get(f"/v1/test-executions/reruns?environment={w.env('lxd')}")
    assert r.status_code == 200
    assert without_created(r.json()) == [w.pending(w.te_charm, 0), w.pending(w.te_deb_b, -3)]

    r = api.get(f"/v1/test-executions/reruns?family=snap&environment={w.env('rpi4')}"
                "&build_architecture=amd64&environment_architecture=amd64&limit=10")
    assert r.status_code == 200
    assert without_created(r.json()) == [w.pending(w.te_snap1, 5), w.pending(w.te_snap2, 0)]

    # rerun bots without credentials: upstream needs view_rerun
    r = anon.get("/v1/test-executions/reruns")
    assert r.status_code == 403
    assert r.json() == {"detail": "Insufficient permissions"}

    # deletions
    r = api.request("DELETE", "/v1/test-executions/reruns", json={"test_execution_ids": [w.te_snap1]})
    assert r.status_code == 200 and r.content == b"null"
    r = api.request("DELETE", "/v1/test-executions/reruns",
                    json={"test_executions_filters": {"environments": [w.env("lxd")]}})
    assert r.status_code == 200 and r.json() is None
    r = api.request("DELETE", "/v1/test-executions/reruns", json={})
    assert r.status_code == 200 and r.json() is None
    assert api.get(f"/v1/test-executions/reruns?environment={w.env('lxd')}").json() == []
    r = api.get(f"/v1/test-executions/reruns?family=snap&environment={w.env('rpi4')}")
    assert without_created(r.json()) == [w.pending(w.te_snap2, 0)]

    # a start-test in a group with a pending rerun ends the request
    assert start(api, **deb(w.run, "rpi4", "deb-1", initial_status="NOT_STARTED")) == w.te_deb
    r = api.get(f"/v1/test-executions/reruns?environment={w.env('rpi4')}")
    assert without_created(r.json()) == [w.pending(w.te_snap2, 0)]

    r = api.request("DELETE", "/v1/test-executions/reruns", json={"test_execution_ids": [w.te_charm]})
    assert r.status_code == 200 and r.json() is None


def test_answer_is_the_latest_execution_of_the_group(api, world):
    w = world
    # a second execution of the snap1 group (same plan, build, environment)
    newer = start(api, **snap(w.run, "1.0.0", 101, "rpi4", "snap-1-again"))
    assert newer != w.te_snap1
    r = api.post("/v1/test-executions/reruns", json={"test_execution_ids": [w.te_snap1, newer]})
    assert r.status_code == 200
    body = r.json()
    # one request for the group, listed once per id given, about the newer execution
    assert [p["test_execution_id"] for p in body] == [newer, newer]
    assert body[0] == body[1]
    assert body[0]["ci_link"].endswith("/snap-1-again")
    assert reruns_in_db(api.pg) == "1"
    assert api.get(f"/v1/test-executions/{w.te_snap1}").json()["is_rerun_requested"] is True
    listed = api.get("/v1/test-executions/reruns").json()
    assert [p["test_execution_id"] for p in listed] == [newer]


def test_priority_rules(api, world):
    w = world
    post = lambda body, q="": api.post("/v1/test-executions/reruns" + q, json=body)  # noqa: E731
    assert post({"test_execution_ids": [w.te_snap1], "priority": 7}).json()[0]["priority"] == 7
    # no priority given: the old one stays
    assert post({"test_execution_ids": [w.te_snap1]}).json()[0]["priority"] == 7
    assert post({"test_execution_ids": [w.te_snap1], "priority": None}).json()[0]["priority"] == 7
    assert post({"test_execution_ids": [w.te_snap1], "priority": "-2"}).json()[0]["priority"] == -2
    # silently by filters, with and without priority
    assert post({"test_executions_filters": {"environments": [w.env("rpi4")]}}, "?silent=1").status_code == 200
    rows = api.pg.psql("SELECT te.id, rr.priority FROM test_execution_rerun_request rr JOIN test_execution te"
                       " ON te.test_plan_id = rr.test_plan_id AND te.artefact_build_id = rr.artefact_build_id"
                       " AND te.environment_id = rr.environment_id ORDER BY te.id")
    assert rows.splitlines() == [f"{w.te_snap1}|-2", f"{w.te_deb}|0", f"{w.te_snap2}|0"]
    assert post({"test_executions_filters": {"environments": [w.env("rpi4")]}, "priority": 1000000},
                "?silent=yes").status_code == 200
    assert set(api.pg.psql("SELECT DISTINCT priority FROM test_execution_rerun_request").split()) == {"1000000"}
    # ordering: priority desc, then oldest first
    post({"test_execution_ids": [w.te_charm], "priority": -1000000})
    post({"test_execution_ids": [w.te_deb_b], "priority": 1000000})
    listed = [p["test_execution_id"] for p in api.get("/v1/test-executions/reruns").json()]
    assert listed == [w.te_snap1, w.te_deb, w.te_snap2, w.te_deb_b, w.te_charm]
    assert [p["test_execution_id"] for p in api.get("/v1/test-executions/reruns?limit=2").json()] == listed[:2]
    assert api.get("/v1/test-executions/reruns?limit=0").json() == []


def test_filter_integers_read_as_pydantic_reads_them(api, world):
    """A lax integer in a filter is read whole: "1_0" is ten, "2.00" two
    (three executions with results run on rpi4)."""
    w = world
    count = "SELECT count(*) FROM test_execution_rerun_request"
    for limit, expected in ((2, "2"), ("1_0", "3"), (" 2.00 ", "2"), (True, "1")):
        api.pg.psql("DELETE FROM test_execution_rerun_request")
        body = {"test_results_filters": {"environments": [w.env("rpi4")], "limit": limit}}
        r = api.post("/v1/test-executions/reruns?silent=true", json=body)
        assert r.status_code == 200, r.text
        assert api.pg.psql(count) == expected, limit


def test_get_filters(api, world):
    w = world
    api.post("/v1/test-executions/reruns?silent=true",
             json={"test_execution_ids": [w.te_snap1, w.te_deb, w.te_charm, w.te_snap2, w.te_deb_b]})
    ids = lambda q: [p["test_execution_id"] for p in api.get("/v1/test-executions/reruns" + q).json()]  # noqa
    # one priority, one creation time: in the order of the groups (test plan, build, environment)
    assert ids("") == [w.te_snap1, w.te_deb, w.te_deb_b, w.te_charm, w.te_snap2]
    assert ids("?family=deb") == [w.te_deb, w.te_deb_b]
    assert ids("?family=image") == []
    assert ids(f"?environment={w.env('lxd')}&family=charm") == [w.te_charm]
    assert ids("?environment=nope") == []
    assert ids("?build_architecture=arm64") == []
    assert ids("?environment_architecture=amd64&limit=1") == [w.te_snap1]
    # what cdimage reads
    first = api.get("/v1/test-executions/reruns?family=snap").json()[0]
    assert {k: first["artefact"][k] for k in ("archived", "family", "release")} == \
        {"archived": False, "family": "snap", "release": ""}


def test_get_errors(api):
    r = api.get("/v1/test-executions/reruns?family=rpm&limit=x")
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {"type": "enum", "loc": ["query", "family"],
         "msg": "Input should be 'snap', 'deb', 'charm', 'image' or 'solution'", "input": "rpm",
         "ctx": {"expected": "'snap', 'deb', 'charm', 'image' or 'solution'"}},
        {"type": "int_parsing", "loc": ["query", "limit"],
         "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "x"}]
    # upstream fails on a negative limit in SQL (500); ours says why
    r = api.get("/v1/test-executions/reruns?limit=-1")
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "greater_than_equal"
    assert api.get("/v1/test-executions/reruns?limit=99999999999").status_code == 200


def test_body_validation(api, world):
    w = world
    post = lambda body, q="": api.post("/v1/test-executions/reruns" + q, json=body)  # noqa: E731
    r = post({"test_execution_ids": [w.te_snap1, "a", 2.5, None], "priority": -1000001})
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {"type": "int_parsing", "loc": ["body", "test_execution_ids", 1],
         "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "a"},
        {"type": "int_from_float", "loc": ["body", "test_execution_ids", 2],
         "msg": "Input should be a valid integer, got a number with a fractional part", "input": 2.5},
        {"type": "int_type", "loc": ["body", "test_execution_ids", 3],
         "msg": "Input should be a valid integer", "input": None},
        {"type": "greater_than_equal", "loc": ["body", "priority"],
         "msg": "Input should be greater than or equal to -1000000", "input": -1000001, "ctx": {"ge": -1000000}}]
    for priority, error in ((3e9, "less_than_equal"), (-3e9, "greater_than_equal"),
                            (99999999999, "less_than_equal"), ("99999999999", "less_than_equal"),
                            (1.5, "int_from_float"), ("x", "int_parsing"), ([], "int_type")):
        r = post({"test_execution_ids": [w.te_snap1], "priority": priority})
        assert [(e["type"], e["input"]) for e in r.json()["detail"]] == [(error, priority)], priority
    assert post({"test_execution_ids": [w.te_snap1], "priority": True}).json()[0]["priority"] == 1
    assert post({"test_execution_ids": [w.te_snap1], "priority": " 7 "}).json()[0]["priority"] == 7
    assert post({"test_execution_ids": [w.te_snap1], "priority": 6.0}).json()[0]["priority"] == 6
    api.pg.psql("DELETE FROM test_execution_rerun_request")
    r = post({"test_execution_ids": "x"})
    assert r.json()["detail"] == [{"type": "set_type", "loc": ["body", "test_execution_ids"],
                                   "msg": "Input should be a valid set", "input": "x"}]
    r = post({"test_execution_ids": None})
    assert r.json()["detail"][0]["type"] == "set_type"
    r = post([])
    assert r.json()["detail"] == [{"type": "model_attributes_type", "loc": ["body"],
                                   "msg": "Input should be a valid dictionary or object to extract fields from",
                                   "input": []}]
    r = api.post("/v1/test-executions/reruns")
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "missing"
    r = post({"test_results_filters": [], "test_executions_filters": {"families": ["rpm"]}})
    assert r.json()["detail"] == [
        {"type": "model_attributes_type", "loc": ["body", "test_results_filters"],
         "msg": "Input should be a valid dictionary or object to extract fields from", "input": []},
        {"type": "enum", "loc": ["body", "test_executions_filters", "families", 0],
         "msg": "Input should be 'snap', 'deb', 'charm', 'image' or 'solution'", "input": "rpm",
         "ctx": {"expected": "'snap', 'deb', 'charm', 'image' or 'solution'"}}]
    r = post({"test_results_filters": {"reviewer_ids": "some", "from_date": "someday", "limit": "a",
                                       "artefact_is_archived": "maybe", "families": "snap"}}, "?silent=true")
    assert r.json()["detail"] == [
        {"type": "list_type", "loc": ["body", "test_results_filters", "families"],
         "msg": "Input should be a valid list", "input": "snap"},
        {"type": "bool_parsing", "loc": ["body", "test_results_filters", "artefact_is_archived"],
         "msg": "Input should be a valid boolean, unable to interpret input", "input": "maybe"},
        {"type": "list_type", "loc": ["body", "test_results_filters", "reviewer_ids", "list[int]"],
         "msg": "Input should be a valid list", "input": "some"},
        {"type": "literal_error",
         "loc": ["body", "test_results_filters", "reviewer_ids",
                 "literal[<QueryValue.ANY: 'any'>,<QueryValue.NONE: 'none'>]"],
         "msg": "Input should be <QueryValue.ANY: 'any'> or <QueryValue.NONE: 'none'>", "input": "some",
         "ctx": {"expected": "<QueryValue.ANY: 'any'> or <QueryValue.NONE: 'none'>"}},
        {"type": "datetime_from_date_parsing", "loc": ["body", "test_results_filters", "from_date"],
         "msg": "Input should be a valid datetime or date, input is too short", "input": "someday",
         "ctx": {"error": "input is too short"}},
        {"type": "int_parsing", "loc": ["body", "test_results_filters", "limit"],
         "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "a"}]
    r = post({"test_execution_ids": [w.te_snap1]}, "?silent=maybe")
    assert r.json()["detail"] == [{"type": "bool_parsing", "loc": ["query", "silent"],
                                   "msg": "Input should be a valid boolean, unable to interpret input",
                                   "input": "maybe"}]
    # nothing of it was stored
    assert reruns_in_db(api.pg) == "0"


def test_result_filters(api, world):
    w = world
    pg = api.pg
    te_ids = lambda: sorted(int(x) for x in pg.psql(  # noqa: E731
        "SELECT te.id FROM test_execution_rerun_request rr JOIN test_execution te ON te.test_plan_id ="
        " rr.test_plan_id AND te.artefact_build_id = rr.artefact_build_id AND te.environment_id ="
        " rr.environment_id").split())

    def rerun(filters, expected):
        pg.psql("DELETE FROM test_execution_rerun_request")
        r = api.post("/v1/test-executions/reruns?silent=true", json={"test_results_filters": filters})
        assert r.status_code == 200, r.text
        assert te_ids() == sorted(expected), filters

    allr = [w.te_snap1, w.te_deb, w.te_snap2]
    rerun({"test_result_statuses": ["FAILED"]}, allr)
    rerun({"test_result_statuses": ["SKIPPED"]}, [])
    rerun({"families": ["deb"]}, [w.te_deb])
    rerun({"artefact_versions": ["1.0.1"]}, [w.te_snap2])
    rerun({"environments": [w.env("rpi4")], "test_cases": [f"case-{w.run}-b"]}, allr)
    rerun({"test_cases": ["nope"]}, [])
    rerun({"template_ids": [""]}, allr)
    rerun({"artefact_is_archived": False}, allr)
    rerun({"artefact_is_archived": True}, [])
    rerun({"issues": "none"}, allr)
    rerun({"issues": "any"}, [])
    rerun({"issues": [1, 2]}, [])
    rerun({"reviewer_ids": "none"}, allr)
    rerun({"assignee_ids": "any"}, [])
    rerun({"test_execution_statuses": ["FAILED"]}, [w.te_snap1, w.te_deb])
    rerun({"execution_is_latest": True, "families": ["snap"]}, [w.te_snap1, w.te_snap2])
    rerun({"rerun_is_requested": False}, allr)
    rerun({"execution_metadata": {"k": ["v"]}}, [])
    rerun({"families": ["snap"], "until_date": "2000-01-01"}, [])
    rerun({"families": ["snap"], "from_date": "2000-01-01T00:00:00Z"}, [w.te_snap1, w.te_snap2])
    rerun({"test_result_statuses": ["FAILED"], "limit": 1}, [min(allr)])
    rerun({"test_result_statuses": ["FAILED"], "offset": 1, "limit": 1}, [sorted(allr)[1]])
    # with ids as well: any of them selects
    pg.psql("DELETE FROM test_execution_rerun_request")
    r = api.post("/v1/test-executions/reruns?silent=true",
                 json={"test_execution_ids": [w.te_charm], "test_results_filters": {"families": ["deb"]}})
    assert r.status_code == 200
    assert te_ids() == sorted([w.te_charm, w.te_deb])


def test_execution_filters(api, world):
    w = world
    pg = api.pg
    pg.psql(f"INSERT INTO test_execution_metadata (category, value, created_at, updated_at)"
            f" VALUES ('k', 'v', now(), now());"
            f" INSERT INTO test_execution_metadata_association_table SELECT {w.te_charm}, id"
            f" FROM test_execution_metadata")

    def selected(filters):
        pg.psql("DELETE FROM test_execution_rerun_request")
        r = api.post("/v1/test-executions/reruns?silent=true", json={"test_executions_filters": filters})
        assert r.status_code == 200, r.text
        return sorted(int(x) for x in pg.psql(
            "SELECT te.id FROM test_execution_rerun_request rr JOIN test_execution te ON te.test_plan_id ="
            " rr.test_plan_id AND te.artefact_build_id = rr.artefact_build_id AND te.environment_id ="
            " rr.environment_id").split())

    assert selected({"families": ["charm"]}) == [w.te_charm]
    assert selected({"execution_metadata": {"k": ["v", "w"]}}) == [w.te_charm]
    assert selected({"execution_metadata": {"k": ["w"]}}) == []
    assert selected({"test_execution_statuses": ["ENDED_PREMATURELY"]}) == sorted([w.te_charm, w.te_deb_b])
    assert selected({"artefact_stages": ["edge"], "artefact_tracks": ["14"]}) == [w.te_charm]
    assert selected({"from_date": "2000-01-01"}) == sorted(
        [w.te_snap1, w.te_deb, w.te_charm, w.te_snap2, w.te_deb_b])
    assert selected({"until_date": 946684800}) == []
    assert selected({"reviewer_ids": [], "assignee_ids": "none", "families": ["deb"]}) == sorted(
        [w.te_deb, w.te_deb_b])


def test_delete_by_result_filters_and_ids(api, world):
    w = world
    api.post("/v1/test-executions/reruns?silent=true",
             json={"test_execution_ids": [w.te_snap1, w.te_deb, w.te_charm, w.te_snap2, w.te_deb_b]})
    r = api.request("DELETE", "/v1/test-executions/reruns",
                    json={"test_results_filters": {"families": ["snap"]}, "test_execution_ids": [w.te_charm]})
    assert r.status_code == 200 and r.json() is None
    left = [p["test_execution_id"] for p in api.get("/v1/test-executions/reruns").json()]
    assert left == [w.te_deb, w.te_deb_b]
    r = api.request("DELETE", "/v1/test-executions/reruns", json={"test_results_filters": {"limit": 3}})
    assert r.status_code == 422
    assert r.json() == {"detail": "At least one filter must be provided in test_results_filters"}
    r = api.request("DELETE", "/v1/test-executions/reruns", json={"test_execution_ids": [123456789]})
    assert r.status_code == 200
    r = api.request("DELETE", "/v1/test-executions/reruns", json={"priority": 3, "x": 1})
    assert r.status_code == 200
    assert len(api.get("/v1/test-executions/reruns").json()) == 2
    r = api.request("DELETE", "/v1/test-executions/reruns")
    assert r.status_code == 422


def test_silent_without_selection(api, world):
    r = api.post("/v1/test-executions/reruns?silent=true", json={})
    assert r.status_code == 200 and r.json() is None
    r = api.post("/v1/test-executions/reruns", json={})
    assert r.status_code == 404
    assert reruns_in_db(api.pg) == "0"


def test_permissions(api, client_with, anon, world):
    w = world
    url = "/v1/test-executions/reruns"
    one = {"test_execution_ids": [w.te_snap1]}
    same_twice = {"test_execution_ids": [w.te_snap1, w.te_snap1]}
    two = {"test_execution_ids": [w.te_snap1, w.te_deb]}
    by_filter = {"test_executions_filters": {"families": ["snap"]}}

    single = client_with("change_rerun")
    assert single.post(url, json=one).status_code == 200
    assert single.post(url, json=same_twice).status_code == 200
    assert single.post(url, json=two).status_code == 403
    assert single.post(url + "?silent=true", json=by_filter).status_code == 403
    assert single.request("DELETE", url, json=two).status_code == 403
    assert single.request("DELETE", url, json=by_filter).status_code == 403
    assert single.request("DELETE", url, json=one).status_code == 200
    assert single.get(url).status_code == 403

    bulk_only = client_with("change_rerun_bulk")
    assert bulk_only.post(url, json=two).status_code == 403
    assert bulk_only.request("DELETE", url, json=two).status_code == 403

    bulk = client_with("change_rerun", "change_rerun_bulk")
    assert bulk.post(url, json=two).status_code == 200
    assert bulk.post(url + "?silent=true", json=by_filter).status_code == 200
    assert bulk.request("DELETE", url, json=by_filter).status_code == 200

    reader = client_with("view_rerun")
    assert reader.get(url).status_code == 200
    assert reader.post(url, json=one).status_code == 403
    for method in ("GET", "POST", "DELETE"):
        r = anon.request(method, url, json=one)
        assert r.status_code == 403 and r.json() == {"detail": "Insufficient permissions"}
    # POST and DELETE check their permissions in the handler, after validation;
    # GET's is a dependency of the route, checked first
    assert anon.post(url, json={"priority": "x"}).status_code == 422
    assert anon.request("DELETE", url, json={"test_execution_ids": "x"}).status_code == 422
    assert anon.get(url + "?family=rpm").status_code == 403
    # nothing a refused request asked for was stored
    assert sorted(p["test_execution_id"] for p in api.get(url).json()) == sorted([w.te_deb])


def test_ignored_permissions(migrated):
    """Deployments that ignore the rerun permissions let the bots in."""
    from conftest import start_server
    srv = start_server(migrated, "TestObserverIgnorePermissions view_rerun change_rerun change_rerun_bulk")
    try:
        anon = srv.client()
        assert anon.get("/v1/test-executions/reruns").json() == []
        r = anon.request("DELETE", "/v1/test-executions/reruns", json={"test_execution_ids": [1, 2]})
        assert r.status_code == 200
    finally:
        srv.stop()


@contextlib.contextmanager
def statements_logged(pg):
    """Collects the statements PostgreSQL runs meanwhile (from its log)."""
    log = pg.root / "postgresql.log"
    pg.psql("ALTER SYSTEM SET log_min_duration_statement = 0", user="postgres")
    pg.psql("SELECT pg_reload_conf()", user="postgres")
    time.sleep(0.5)
    start_at = log.stat().st_size
    seen = []
    try:
        yield seen
        time.sleep(0.2)
        with open(log, errors="replace") as f:
            f.seek(start_at)
            for line in f:
                m = re.search(r"duration: [\d.]+ ms  (execute [^:]+|statement: \S+)", line)
                if m and "pg_reload_conf" not in line:
                    seen.append(m.group(1))
    finally:
        pg.psql("ALTER SYSTEM RESET log_min_duration_statement", user="postgres")
        pg.psql("SELECT pg_reload_conf()", user="postgres")


def test_bulk_thousand_ids(api, server, world):
    w = world
    pg = server.pg
    base = int(pg.psql("SELECT max(id) FROM test_execution"))
    # 1,000 executions in 1,000 groups (one test plan each)
    pg.psql(
        "INSERT INTO test_plan (name, created_at, updated_at) SELECT 'bulk-plan-' || g, now(), now()"
        " FROM generate_series(1, 1000) g;"
        "INSERT INTO test_execution (status, environment_id, artefact_build_id, test_plan_id, created_at,"
        " updated_at) SELECT 'FAILED', te.environment_id, te.artefact_build_id, p.id, now(), now()"
        f" FROM test_plan p, test_execution te WHERE p.name LIKE 'bulk-plan-%' AND te.id = {w.te_snap1}"
        " ORDER BY p.id")
    ids = list(range(base + 1, base + 1001))
    with statements_logged(pg) as seen:
        r = api.post("/v1/test-executions/reruns", json={"test_execution_ids": ids, "priority": 2})
    assert r.status_code == 200
    body = r.json()
    assert len(body) == 1000
    assert [p["test_execution_id"] for p in body] == ids
    assert {p["priority"] for p in body} == {2}
    # a handful of statements, whatever the number of ids
    assert 0 < len(seen) <= 6, seen

    with statements_logged(pg) as seen:
        r = api.request("DELETE", "/v1/test-executions/reruns", json={"test_execution_ids": ids})
    assert r.status_code == 200
    assert reruns_in_db(pg) == "0"
    assert 0 < len(seen) <= 4, seen

    with statements_logged(pg) as seen:
        r = api.post("/v1/test-executions/reruns?silent=true", json={"test_execution_ids": ids + [2**31 - 1]})
    assert r.status_code == 200
    assert reruns_in_db(pg) == "1000"
    assert 0 < len(seen) <= 5, seen
    assert len(api.get("/v1/test-executions/reruns?limit=1000").json()) == 1000


def test_concurrent_requests(api, server, world):
    """Requests racing on the same groups neither fail nor duplicate."""
    w = world
    everything = [w.te_snap1, w.te_deb, w.te_charm, w.te_snap2, w.te_deb_b]
    bodies = [{"test_execution_ids": everything[i:] + everything[:i], "priority": i} for i in range(5)]
    bodies += [{"test_executions_filters": {"families": ["snap", "deb", "charm"]}}] * 3
    statuses = []

    def post(body):
        q = "" if "test_execution_ids" in body else "?silent=true"
        client = server.client(server.admin_key)  # a session of its own per thread
        statuses.append(client.post("/v1/test-executions/reruns" + q, json=body).status_code)

    for _ in range(3):
        threads = [threading.Thread(target=post, args=(b,)) for b in bodies]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert reruns_in_db(server.pg) == "5"
        r = api.request("DELETE", "/v1/test-executions/reruns", json={"test_execution_ids": everything})
        assert r.status_code == 200
    assert set(statuses) == {200}
