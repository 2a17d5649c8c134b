"""/v1/test-executions/{id}/status_update (Testflinger events): the
exchanges of 04-status-update.txt, then what they leave out."""

import re

import pytest

from sqlcount import counting_server, statements  # noqa: F401 (fixture)

JSON = "application/json"
U = "7c1e"  # stands for the exchanges' UUID1 / R8
PLAN = f"gc-plan-{U}"
ENV_RPI4 = f"gc-env-rpi4-{U}"
ENV_LXD = f"gc-env-lxd-{U}"
JOB = f"https://testflinger.example.com/jobs/{U}"
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$")

SNAP = {
    "family": "snap", "name": f"gc-snap-{U}", "version": "1.0.0", "revision": 101, "track": "latest",
    "store": "ubuntu", "branch": "", "arch": "amd64", "execution_stage": "beta", "environment": ENV_RPI4,
    "ci_link": f"https://jenkins.example.com/job/{U}/snap-1", "test_plan": PLAN,
    "initial_status": "IN_PROGRESS",
    "relevant_links": [{"label": "Build log", "url": f"https://example.com/build/{U}"}],
    "needs_assignment": False,
}
DEB_B = {
    "family": "deb", "name": f"gc-deb-{U}", "version": "2.0-1ubuntu1", "arch": "amd64", "series": "noble",
    "repo": "main", "source": "", "execution_stage": "proposed", "environment": ENV_LXD,
    "ci_link": f"https://jenkins.example.com/job/{U}/deb-2", "test_plan": PLAN,
    "initial_status": "IN_PROGRESS", "relevant_links": [], "needs_assignment": False,
}
CHARM = {
    "family": "charm", "name": f"gc-charm-{U}", "version": "14/edge", "revision": 555, "track": "14",
    "branch": "fix-1", "arch": "amd64", "execution_stage": "edge", "environment": ENV_LXD,
    "ci_link": f"https://jenkins.example.com/job/{U}/charm-1", "test_plan": PLAN,
    "initial_status": "IN_PROGRESS", "relevant_links": [], "needs_assignment": False,
}

TESTFLINGER = {
    "agent_id": "agent-007",
    "job_queue": "rpi4b",
    "job_status_webhook": "https://to.example.com/hook",
    "events": [
        {"event_name": "job_start", "timestamp": "2030-01-02T10:00:00", "detail": JOB},
        {"event_name": "provision_start", "timestamp": "2030-01-02T10:00:05+00:00", "detail": ""},
        {"event_name": "provision_success", "timestamp": "2030-01-02T10:05:00Z", "detail": ""},
        {"event_name": "test_start", "timestamp": "2030-01-02T10:05:01.123456", "detail": ""},
    ],
}
STORED = [
    {"event_name": "job_start", "timestamp": "2030-01-02T10:00:00", "detail": JOB},
    {"event_name": "provision_start", "timestamp": "2030-01-02T10:00:05", "detail": ""},
    {"event_name": "provision_success", "timestamp": "2030-01-02T10:05:00", "detail": ""},
    {"event_name": "test_start", "timestamp": "2030-01-02T10:05:01.123456", "detail": ""},
]
JOB_END = {"event_name": "job_end", "timestamp": "2030-01-02T11:00:00", "detail": "normal_exit"}
NOT_FOUND = {"detail": "TestExecution not found"}


def start(client, body):
    r = client.put("/v1/test-executions/start-test", json=body)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def url(te):
    return f"/v1/test-executions/{te}/status_update"


def event(name, ts="2030-01-02T10:00:00", detail=""):
    return {"event_name": name, "timestamp": ts, "detail": detail}


def null_200(r):
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == JSON
    assert r.text == "null"


def get_events(client, te):
    r = client.get(url(te))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == JSON
    return r.json()


def masked(obj):
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k == "created_at":
                assert TS.match(v), v
                v = "<datetime>"
            out[k] = masked(v)
        return out
    if isinstance(obj, list):
        return [masked(v) for v in obj]
    return obj


def execution(pg, te, column):
    return pg.psql(f"SELECT {column} FROM test_execution WHERE id = {te}")


def env_id(pg, name):
    return int(pg.psql(f"SELECT id FROM environment WHERE name = '{name}'"))


@pytest.fixture
def te(api):
    return start(api, CHARM)


# --- the exchanges ----------------------------------------------------------


def test_exchange_testflinger_put_get_post(api, server):
    te_charm = start(api, CHARM)
    null_200(api.put(url(te_charm), json=TESTFLINGER))
    assert get_events(api, te_charm) == STORED
    null_200(api.post(url(te_charm), json={"events": [event("step", "2030-01-02T10:06:00", "step 1 ok")]}))
    assert get_events(api, te_charm) == STORED + [
        {"event_name": "step", "timestamp": "2030-01-02T10:06:00", "detail": "step 1 ok"}]
    # job_start's detail became the resource URL (in no answer)
    assert execution(server.pg, te_charm, "resource_url") == JOB


def test_exchange_job_end_ends_prematurely(api, server):
    te_deb_b = start(api, DEB_B)
    expected = {
        "id": te_deb_b,
        "ci_link": f"https://jenkins.example.com/job/{U}/deb-2",
        "c3_link": None,
        "relevant_links": [],
        "environment": {"id": env_id(server.pg, ENV_LXD), "name": ENV_LXD, "architecture": "amd64"},
        "status": "IN_PROGRESS",
        "test_plan": PLAN,
        "created_at": "<datetime>",
        "execution_metadata": {},
        "is_triaged": True,
        "is_rerun_requested": False,
        "rerun_priority": None,
    }
    r = api.get(f"/v1/test-executions/{te_deb_b}")
    assert r.status_code == 200
    assert masked(r.json()) == expected
    null_200(api.put(url(te_deb_b), json=dict(TESTFLINGER, events=TESTFLINGER["events"] + [JOB_END])))
    r = api.get(f"/v1/test-executions/{te_deb_b}")
    assert masked(r.json()) == dict(expected, status="ENDED_PREMATURELY")


def test_exchange_job_end_keeps_failed(api, server):
    te_snap1 = start(api, SNAP)
    assert start(api, SNAP) == te_snap1  # its Build log link twice, as in the exchanges
    r = api.post(f"/v1/test-executions/{te_snap1}/test-results", json=[{"name": f"t-{U}", "status": "FAILED"}])
    assert r.status_code == 200
    assert api.patch(f"/v1/test-executions/{te_snap1}", json={"status": "COMPLETED"}).json()["status"] == "FAILED"

    null_200(api.put(url(te_snap1), json={"events": [event("job_end", "2030-01-02T11:00:00")]}))
    links = [int(x) for x in server.pg.psql(
        f"SELECT id FROM test_execution_relevant_link WHERE test_execution_id = {te_snap1} ORDER BY id").split()]
    r = api.get(f"/v1/test-executions/{te_snap1}")
    assert masked(r.json()) == {
        "id": te_snap1,
        "ci_link": f"https://jenkins.example.com/job/{U}/snap-1",
        "c3_link": None,
        "relevant_links": [
            {"label": "Build log", "url": f"https://example.com/build/{U}", "id": links[0]},
            {"label": "Build log", "url": f"https://example.com/build/{U}", "id": links[1]},
        ],
        "environment": {"id": env_id(server.pg, ENV_RPI4), "name": ENV_RPI4, "architecture": "amd64"},
        "status": "FAILED",
        "test_plan": PLAN,
        "created_at": "<datetime>",
        "execution_metadata": {},
        "is_triaged": False,
        "is_rerun_requested": False,
        "rerun_priority": None,
    }


def test_exchange_unknown_execution(api):
    r = api.put(url(999999999), json={"events": TESTFLINGER["events"]})
    assert r.status_code == 404
    assert r.headers["content-type"] == JSON
    assert r.json() == NOT_FOUND
    r = api.get(url(999999999))
    assert r.status_code == 404
    assert r.headers["content-type"] == JSON
    assert r.json() == NOT_FOUND
    # POST too (not in the exchanges; upstream answers the same)
    r = api.post(url(999999999), json={"events": []})
    assert r.status_code == 404
    assert r.json() == NOT_FOUND


def test_exchange_bad_timestamp(api, te):
    r = api.post(url(te), json={"events": [event("x", "yesterday")]})
    assert r.status_code == 422
    assert r.headers["content-type"] == JSON
    assert r.json() == {"detail": [{
        "type": "datetime_from_date_parsing",
        "loc": ["body", "events", 0, "timestamp"],
        "msg": "Input should be a valid datetime or date, input is too short",
        "input": "yesterday",
        "ctx": {"error": "input is too short"},
    }]}
    assert get_events(api, te) == []


def test_exchange_empty_list_on_put(api, server, te):
    """Upstream answers 500 (it reads the first event of an empty list).
    PUT replaces the whole list, so ours stores the empty list: the events
    are cleared, and the status and resource URL are left as they were."""
    null_200(api.put(url(te), json=TESTFLINGER))
    null_200(api.put(url(te), json={"events": []}))
    assert get_events(api, te) == []
    assert execution(server.pg, te, "status") == "IN_PROGRESS"
    assert execution(server.pg, te, "resource_url") == JOB
    # POST with no events is a no-op, as upstream
    null_200(api.post(url(te), json={"events": []}))
    assert get_events(api, te) == []


# --- what the exchanges leave out --------------------------------------------


def test_put_replaces_the_list(api, server, te):
    for _ in range(3):
        null_200(api.put(url(te), json=TESTFLINGER))
    assert get_events(api, te) == STORED
    assert server.pg.psql(f"SELECT count(*) FROM test_event WHERE test_execution_id = {te}") == "4"
    null_200(api.put(url(te), json={"events": [event("setup", "2030-01-03T00:00:00", "again")]}))
    assert get_events(api, te) == [{"event_name": "setup", "timestamp": "2030-01-03T00:00:00", "detail": "again"}]
    # other executions keep theirs
    other = start(api, DEB_B)
    null_200(api.put(url(other), json=TESTFLINGER))
    null_200(api.put(url(te), json={"events": []}))
    assert get_events(api, other) == STORED


def test_resource_url(api, server, te):
    null_200(api.put(url(te), json={"events": [event("job_start", detail="https://a.example.com/1")]}))
    assert execution(server.pg, te, "resource_url") == "https://a.example.com/1"
    # only a leading job_start names the resource
    null_200(api.put(url(te), json={"events": [event("setup"), event("job_start", detail="https://b.example.com")]}))
    assert execution(server.pg, te, "resource_url") == "https://a.example.com/1"
    # POST only appends
    null_200(api.post(url(te), json={"events": [event("job_start", detail="https://c.example.com")]}))
    assert execution(server.pg, te, "resource_url") == "https://a.example.com/1"
    null_200(api.put(url(te), json={"events": [event("job_start", detail="")]}))
    assert execution(server.pg, te, "resource_url") == ""


@pytest.mark.parametrize("before, after", [
    ("IN_PROGRESS", "ENDED_PREMATURELY"), ("NOT_STARTED", "ENDED_PREMATURELY"),
    ("NOT_TESTED", "ENDED_PREMATURELY"), ("ENDED_PREMATURELY", "ENDED_PREMATURELY"),
    ("PASSED", "PASSED"), ("FAILED", "FAILED"),
])
def test_final_job_end(api, server, te, before, after):
    server.pg.psql(f"UPDATE test_execution SET status = '{before}' WHERE id = {te}")
    null_200(api.put(url(te), json={"events": [event("job_start"), event("job_end", detail="error")]}))
    assert execution(server.pg, te, "status") == after


def test_job_end_elsewhere_changes_nothing(api, server, te):
    null_200(api.put(url(te), json={"events": [event("job_end"), event("cleanup")]}))
    assert execution(server.pg, te, "status") == "IN_PROGRESS"
    # POST never changes the status
    null_200(api.post(url(te), json={"events": [event("job_end")]}))
    assert execution(server.pg, te, "status") == "IN_PROGRESS"


def test_execution_touched_only_when_changed(api, server, te):
    null_200(api.put(url(te), json=TESTFLINGER))
    stamp = execution(server.pg, te, "updated_at")
    null_200(api.put(url(te), json=TESTFLINGER))
    null_200(api.post(url(te), json={"events": [event("step")]}))
    assert execution(server.pg, te, "updated_at") == stamp
    null_200(api.put(url(te), json={"events": [event("job_end")]}))
    assert execution(server.pg, te, "updated_at") > stamp


def test_events_listed_by_time(api, te):
    null_200(api.post(url(te), json={"events": [
        event("late", "2030-01-02T12:00:00"), event("early", "2030-01-02T08:00:00"),
        event("tie-1", "2030-01-02T10:00:00"), event("tie-2", "2030-01-02T10:00:00"),
    ]}))
    null_200(api.post(url(te), json={"events": [event("earliest", "2030-01-01T00:00:00")]}))
    assert [e["event_name"] for e in get_events(api, te)] == ["earliest", "early", "tie-1", "tie-2", "late"]


def test_timestamps_kept_as_sent(api, te):
    sent = [
        ("2030-01-02T10:00:05+02:00", "2030-01-02T10:00:05"),  # wall-clock kept, offset dropped
        ("2030-01-02T10:00:05-0330", "2030-01-02T10:00:05"),
        ("2030-01-02 10:00", "2030-01-02T10:00:00"),
        ("2030-01-02t10:00:00.5z", "2030-01-02T10:00:00.500000"),
        ("2030-01-02T10:00:00.000000", "2030-01-02T10:00:00"),
        ("2030-01-02T10:00:00.1234567", "2030-01-02T10:00:00.123456"),
        ("2030-01-03", "2030-01-03T00:00:00"),
        ("1700000000", "2023-11-14T22:13:20"),  # Unix timestamps are UTC
        (1700000000.25, "2023-11-14T22:13:20.250000"),
        (1700000000123, "2023-11-14T22:13:20.123000"),
    ]
    null_200(api.put(url(te), json={"events": [event(str(i), ts) for i, (ts, _) in enumerate(sent)]}))
    got = {e["event_name"]: e["timestamp"] for e in get_events(api, te)}
    assert got == {str(i): want for i, (_, want) in enumerate(sent)}


def test_validation_errors(api, te):
    r = api.put(url(te), json={"agent_id": 1, "events": [
        1, {"event_name": 1, "timestamp": None, "detail": None}, {},
        {"event_name": "x", "timestamp": "2030-02-30T00:00:00", "detail": 5},
        {"event_name": "x", "timestamp": "0000-01-01", "detail": ""},
        {"event_name": "x", "timestamp": True, "detail": ""},
        {"event_name": "x", "timestamp": 1e20, "detail": ""},
    ]})
    assert r.status_code == 422
    assert r.json() == {"detail": [
        {"type": "model_attributes_type", "loc": ["body", "events", 0],
         "msg": "Input should be a valid dictionary or object to extract fields from", "input": 1},
        {"type": "string_type", "loc": ["body", "events", 1, "event_name"], "msg": "Input should be a valid string", "input": 1},
        {"type": "datetime_type", "loc": ["body", "events", 1, "timestamp"], "msg": "Input should be a valid datetime", "input": None},
        {"type": "string_type", "loc": ["body", "events", 1, "detail"], "msg": "Input should be a valid string", "input": None},
        {"type": "missing", "loc": ["body", "events", 2, "event_name"], "msg": "Field required", "input": {}},
        {"type": "missing", "loc": ["body", "events", 2, "timestamp"], "msg": "Field required", "input": {}},
        {"type": "missing", "loc": ["body", "events", 2, "detail"], "msg": "Field required", "input": {}},
        {"type": "datetime_from_date_parsing", "loc": ["body", "events", 3, "timestamp"],
         "msg": "Input should be a valid datetime or date, day value is outside expected range",
         "input": "2030-02-30T00:00:00", "ctx": {"error": "day value is outside expected range"}},
        {"type": "string_type", "loc": ["body", "events", 3, "detail"], "msg": "Input should be a valid string", "input": 5},
        {"type": "datetime_parsing", "loc": ["body", "events", 4, "timestamp"],
         "msg": "Input should be a valid datetime, year 0 is out of range", "input": "0000-01-01",
         "ctx": {"error": "year 0 is out of range"}},
        {"type": "datetime_type", "loc": ["body", "events", 5, "timestamp"], "msg": "Input should be a valid datetime", "input": True},
        {"type": "datetime_parsing", "loc": ["body", "events", 6, "timestamp"],
         "msg": "Input should be a valid datetime, dates after 9999 are not supported as unix timestamps",
         "input": 1e20, "ctx": {"error": "dates after 9999 are not supported as unix timestamps"}},
    ]}
    r = api.post(url(te), json={"events": {}})
    assert r.json() == {"detail": [
        {"type": "list_type", "loc": ["body", "events"], "msg": "Input should be a valid list", "input": {}}]}
    r = api.put(url(te), json={})
    assert r.json() == {"detail": [
        {"type": "missing", "loc": ["body", "events"], "msg": "Field required", "input": {}}]}
    r = api.put(url(te))
    assert r.json() == {"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]}
    r = api.put(url("abc"), json={"events": []})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["path", "id"]
    r = api.get(url("abc"))
    assert r.status_code == 422


def test_invalid_event_writes_nothing(api, server, te):
    null_200(api.put(url(te), json=TESTFLINGER))
    r = api.put(url(te), json={"events": [event("job_start", detail="https://new.example.com"),
                                          event("job_end", "not a time")]})
    assert r.status_code == 422
    assert get_events(api, te) == STORED
    assert execution(server.pg, te, "status") == "IN_PROGRESS"
    assert execution(server.pg, te, "resource_url") == JOB


def test_permissions(api, anon, client_with, te):
    body = {"events": [event("job_start")]}
    writers = client_with("change_test")
    readers = client_with("view_test")
    for client in (anon, readers, client_with("change_rerun")):
        for method in ("put", "post"):
            r = getattr(client, method)(url(te), json=body)
            assert r.status_code == 403
            assert r.json() == {"detail": "Insufficient permissions"}
    for client in (anon, writers):
        r = client.get(url(te))
        assert r.status_code == 403
        assert r.json() == {"detail": "Insufficient permissions"}
    null_200(writers.put(url(te), json=body))
    null_200(writers.post(url(te), json=body))
    assert len(readers.get(url(te)).json()) == 2


def test_large_event_list_is_a_few_statements(api, counting_server, te):
    client = counting_server.client(counting_server.admin_key)
    one = {"events": [event("job_start", detail=JOB)]}
    many = {"events": [event("job_start", detail=JOB)]
                      + [event(f"step-{i}", f"2030-01-02T10:{i // 60 % 60:02d}:{i % 60:02d}") for i in range(1500)]
                      + [event("job_end", "2030-01-03T00:00:00")]}
    for verb in ("put", "post"):
        r, n_one = statements(counting_server, lambda: getattr(client, verb)(url(te), json=one))
        null_200(r)
        r, n_many = statements(counting_server, lambda: getattr(client, verb)(url(te), json=many))
        null_200(r)
        assert n_many <= n_one + 1 and n_many <= 7, (verb, n_one, n_many)  # PUT: + the status update
    r, n_get = statements(counting_server, lambda: client.get(url(te)))
    assert len(r.json()) == 1502 + 1 + 1502
    assert n_get <= 2, n_get
