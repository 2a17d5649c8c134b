"""PUT /v1/test-executions/end-test (C3 submissions): the exchanges of
03-results-and-executions.txt, then what they leave out."""

import re
import threading

import pytest

from sqlcount import counting_server, statements  # noqa: F401 (fixture)

JSON = "application/json"
END = "/v1/test-executions/end-test"
U = "7c1e"  # stands for the exchanges' UUID1 / R8
CI_DEB = f"https://jenkins.example.com/job/{U}/deb-1"
C3 = f"https://certification.canonical.com/submissions/{U}"
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$")

DEB = {
    "family": "deb",
    "name": f"gc-deb-{U}",
    "version": "2.0-1ubuntu1",
    "arch": "amd64",
    "series": "noble",
    "repo": "main",
    "source": "",
    "execution_stage": "proposed",
    "environment": f"gc-env-rpi4-{U}",
    "ci_link": CI_DEB,
    "test_plan": f"gc-plan-{U}",
    "initial_status": "NOT_STARTED",
    "relevant_links": [{"label": "Changelog", "url": "https://launchpad.net/ubuntu/+source/x"}],
    "needs_assignment": False,
}

C3_RESULTS = [
    {"name": f"gc-c3-cpu-{U}", "template_id": "cpu/{n}", "status": "pass", "category": "CPU",
     "comment": "", "io_log": "cpu ok"},
    {"name": f"gc-c3-disk-{U}", "template_id": None, "status": "fail", "category": "Disk",
     "comment": "smart error", "io_log": "sda: fail"},
    {"name": f"gc-c3-gpu-{U}", "status": "skip", "category": "Graphics", "comment": "no gpu",
     "io_log": ""},
]

SUBMISSION = {"ci_link": CI_DEB, "c3_link": C3, "checkbox_version": "4.2.0", "test_results": C3_RESULTS}


def start(client, body):
    r = client.put("/v1/test-executions/start-test", json=body)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def result(name, status="pass", **extra):
    out = {"name": name, "status": status, "category": "cat", "comment": "", "io_log": ""}
    out.update(extra)
    return out


def end(client, **body):
    return client.put(END, json=body)


def masked(obj):
    """Checks and hides server-made timestamps, as the exchanges write them."""
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


def ids(pg, sql):
    out = pg.psql(sql)
    return [int(x) for x in out.split()] if out else []


def row(pg, sql):
    return pg.psql(sql).split("|")


@pytest.fixture
def te_deb(api):
    return start(api, DEB)


def null_200(r):
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == JSON
    assert r.text == "null"


# --- the exchanges ----------------------------------------------------------


def test_exchange_end_test(api, server, te_deb):
    pg = server.pg
    null_200(api.put(END, json=SUBMISSION))

    env = int(pg.psql(f"SELECT id FROM environment WHERE name = 'gc-env-rpi4-{U}'"))
    link = ids(pg, f"SELECT id FROM test_execution_relevant_link WHERE test_execution_id = {te_deb}")[0]
    r = api.get(f"/v1/test-executions/{te_deb}")
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    assert masked(r.json()) == {
        "id": te_deb,
        "ci_link": CI_DEB,
        "c3_link": C3,
        "relevant_links": [
            {"label": "Changelog", "url": "https://launchpad.net/ubuntu/+source/x", "id": link}
        ],
        "environment": {"id": env, "name": f"gc-env-rpi4-{U}", "architecture": "amd64"},
        "status": "FAILED",
        "test_plan": f"gc-plan-{U}",
        "created_at": "<datetime>",
        "execution_metadata": {},
        "is_triaged": False,
        "is_rerun_requested": False,
        "rerun_priority": None,
    }

    res = ids(pg, f"SELECT id FROM test_result WHERE test_execution_id = {te_deb} ORDER BY id")
    r = api.get(f"/v1/test-executions/{te_deb}/test-results")
    assert r.status_code == 200
    assert masked(r.json()) == [
        {"id": res[0], "name": f"gc-c3-cpu-{U}", "created_at": "<datetime>", "category": "CPU",
         "template_id": "cpu/{n}", "status": "PASSED", "comment": "", "io_log": "cpu ok",
         "previous_results": [], "issues": []},
        {"id": res[1], "name": f"gc-c3-disk-{U}", "created_at": "<datetime>", "category": "Disk",
         "template_id": "", "status": "FAILED", "comment": "smart error", "io_log": "sda: fail",
         "previous_results": [], "issues": []},
        {"id": res[2], "name": f"gc-c3-gpu-{U}", "created_at": "<datetime>", "category": "Graphics",
         "template_id": "", "status": "SKIPPED", "comment": "no gpu", "io_log": "",
         "previous_results": [], "issues": []},
    ]
    assert row(pg, f"SELECT checkbox_version FROM test_execution WHERE id = {te_deb}") == ["4.2.0"]


def test_exchange_unknown_ci_link(api, te_deb):
    r = api.put(END, json=dict(SUBMISSION, ci_link=f"https://jenkins.example.com/job/{U}/never-started"))
    assert r.status_code == 404
    assert r.headers["content-type"] == JSON
    assert r.json() == {"detail": "Related TestExecution not found"}


def test_exchange_c3_statuses_are_lower_case(api, server, te_deb):
    r = end(api, ci_link=CI_DEB,
            test_results=[{"name": "x", "status": "PASSED", "category": "c", "comment": "", "io_log": ""}])
    assert r.status_code == 422
    assert r.headers["content-type"] == JSON
    assert r.json() == {"detail": [{
        "type": "enum", "loc": ["body", "test_results", 0, "status"],
        "msg": "Input should be 'pass', 'fail' or 'skip'", "input": "PASSED",
        "ctx": {"expected": "'pass', 'fail' or 'skip'"},
    }]}
    assert server.pg.psql("SELECT count(*) FROM test_case") == "0"


# --- what the exchanges leave out --------------------------------------------


def test_results_are_replaced(api, server, te_deb):
    pg = server.pg
    api.post(f"/v1/test-executions/{te_deb}/test-results",
             json=[{"name": "posted", "status": "FAILED"}, {"name": "a", "status": "FAILED"}])
    null_200(end(api, ci_link=CI_DEB, test_results=[result("a"), result("b", "skip")]))
    assert pg.psql(
        "SELECT string_agg(c.name || ':' || r.status, ',' ORDER BY r.id) FROM test_result r"
        f" JOIN test_case c ON c.id = r.test_case_id WHERE r.test_execution_id = {te_deb}"
    ) == "a:PASSED,b:SKIPPED"
    # the same submission again (a retry) leaves the same results
    null_200(end(api, ci_link=CI_DEB, test_results=[result("a"), result("b", "skip")]))
    assert pg.psql(f"SELECT count(*) FROM test_result WHERE test_execution_id = {te_deb}") == "2"
    assert pg.psql(f"SELECT status FROM test_execution WHERE id = {te_deb}") == "PASSED"
    # other executions keep theirs
    other = start(api, dict(DEB, ci_link=CI_DEB + "-other", environment="other-env"))
    api.post(f"/v1/test-executions/{other}/test-results", json=[{"name": "a", "status": "FAILED"}])
    null_200(end(api, ci_link=CI_DEB, test_results=[]))
    assert pg.psql(f"SELECT count(*) FROM test_result WHERE test_execution_id = {te_deb}") == "0"
    assert pg.psql(f"SELECT count(*) FROM test_result WHERE test_execution_id = {other}") == "1"


def test_status_from_results(api, server, te_deb):
    pg = server.pg
    status = f"SELECT status FROM test_execution WHERE id = {te_deb}"
    null_200(end(api, ci_link=CI_DEB, test_results=[result("a"), result("b", "skip")]))
    assert pg.psql(status) == "PASSED"
    null_200(end(api, ci_link=CI_DEB, test_results=[result("a"), result("b", "fail")]))
    assert pg.psql(status) == "FAILED"
    # no results at all: upstream says PASSED (not ENDED_PREMATURELY)
    null_200(end(api, ci_link=CI_DEB, test_results=[]))
    assert pg.psql(status) == "PASSED"


def test_links_and_checkbox_version(api, server, te_deb):
    pg = server.pg
    sql = f"SELECT coalesce(c3_link, '<null>'), coalesce(checkbox_version, '<null>') FROM test_execution WHERE id = {te_deb}"
    null_200(end(api, ci_link=CI_DEB, c3_link=C3, checkbox_version="4.2.0", test_results=[]))
    assert row(pg, sql) == [C3, "4.2.0"]
    # a missing or null c3_link keeps the stored one; checkbox_version is always written
    null_200(end(api, ci_link=CI_DEB, test_results=[]))
    assert row(pg, sql) == [C3, "<null>"]
    null_200(end(api, ci_link=CI_DEB, c3_link=None, checkbox_version="5.0", test_results=[]))
    assert row(pg, sql) == [C3, "5.0"]
    # links are strings, not checked as URLs (Annotated[str, HttpUrl]), stored as sent
    null_200(end(api, ci_link=CI_DEB, c3_link="", test_results=[]))
    assert row(pg, sql) == ["", "<null>"]
    null_200(end(api, ci_link=CI_DEB, c3_link="http://c3.localhost", test_results=[]))
    assert row(pg, sql) == ["http://c3.localhost", "<null>"]
    # the relevant links are left alone
    assert pg.psql(f"SELECT count(*) FROM test_execution_relevant_link WHERE test_execution_id = {te_deb}") == "1"


def test_ci_link_is_matched_exactly(api, server):
    te = start(api, dict(DEB, ci_link="not a url"))
    null_200(end(api, ci_link="not a url", test_results=[result("a")]))
    assert server.pg.psql(f"SELECT count(*) FROM test_result WHERE test_execution_id = {te}") == "1"
    r = end(api, ci_link="not a url/", test_results=[])
    assert r.status_code == 404
    # longer than any stored ci_link can be: not found either
    r = end(api, ci_link="https://x.example.com/" + "a" * 300, test_results=[])
    assert r.status_code == 404
    assert r.json() == {"detail": "Related TestExecution not found"}


def test_test_cases(api, server, te_deb):
    pg = server.pg
    cases = "SELECT string_agg(name || '|' || category || '|' || template_id, ',' ORDER BY name) FROM test_case"
    api.post(f"/v1/test-executions/{te_deb}/test-results",
             json=[{"name": "old", "status": "PASSED", "category": "old-cat", "template_id": "old/t"}])
    null_200(end(api, ci_link=CI_DEB, test_results=[
        result("old", category="new-cat", template_id=""),
        result("new", category="first-cat"),
        result("new", category="second-cat", template_id="t/1"),
        result("new", category="third-cat", template_id="t/2"),
        result("new", category="fourth-cat", template_id=None),
    ]))
    # a case keeps its category; an empty or null template_id leaves the
    # case's alone, a given one replaces it (the last one given wins)
    assert pg.psql(cases) == "new|first-cat|t/2,old|old-cat|old/t"
    null_200(end(api, ci_link=CI_DEB, test_results=[result("old", template_id="old/u")]))
    assert pg.psql(cases) == "new|first-cat|t/2,old|old-cat|old/u"
    # every result of the submission is stored, duplicates included, as upstream does
    null_200(end(api, ci_link=CI_DEB, test_results=[result("dup", "fail"), result("dup", "pass")]))
    assert pg.psql(
        "SELECT string_agg(r.status::text, ',' ORDER BY r.id) FROM test_result r"
        f" JOIN test_case c ON c.id = r.test_case_id WHERE r.test_execution_id = {te_deb}"
    ) == "FAILED,PASSED"
    assert pg.psql(f"SELECT status FROM test_execution WHERE id = {te_deb}") == "FAILED"


def test_invalid_item_writes_nothing(api, server, te_deb):
    pg = server.pg
    null_200(end(api, ci_link=CI_DEB, c3_link=C3, checkbox_version="1", test_results=[result("kept", "fail")]))
    snapshot = "SELECT (SELECT string_agg(name || category || template_id, ',') FROM test_case)," \
               " (SELECT string_agg(id::text || status::text || comment, ',') FROM test_result)," \
               f" status, c3_link, checkbox_version, updated_at FROM test_execution WHERE id = {te_deb}"
    before = pg.psql(snapshot)
    r = end(api, ci_link=CI_DEB, c3_link="https://c3.example.com/2", checkbox_version="2",
            test_results=[result("fresh", template_id="t"), result("kept", category="x"),
                          {"name": "broken", "status": "pass", "category": "c", "comment": ""}])
    assert r.status_code == 422
    assert r.json() == {"detail": [{
        "type": "missing", "loc": ["body", "test_results", 2, "io_log"], "msg": "Field required",
        "input": {"name": "broken", "status": "pass", "category": "c", "comment": ""},
    }]}
    assert pg.psql(snapshot) == before


def test_validation_errors(api, te_deb):
    r = end(api, ci_link=None, c3_link=5, checkbox_version=3, test_results=[
        5,
        {"name": 1, "template_id": 2, "status": 3, "category": None, "comment": [], "io_log": {}},
        {},
    ])
    assert r.status_code == 422
    body = [{"type": "url_type", "loc": ["body", "ci_link"], "msg": "URL input should be a string or URL", "input": None},
            {"type": "url_type", "loc": ["body", "c3_link"], "msg": "URL input should be a string or URL", "input": 5},
            {"type": "string_type", "loc": ["body", "checkbox_version"], "msg": "Input should be a valid string", "input": 3},
            {"type": "model_attributes_type", "loc": ["body", "test_results", 0],
             "msg": "Input should be a valid dictionary or object to extract fields from", "input": 5},
            {"type": "string_type", "loc": ["body", "test_results", 1, "name"], "msg": "Input should be a valid string", "input": 1},
            {"type": "string_type", "loc": ["body", "test_results", 1, "template_id"], "msg": "Input should be a valid string", "input": 2},
            {"type": "enum", "loc": ["body", "test_results", 1, "status"], "msg": "Input should be 'pass', 'fail' or 'skip'",
             "input": 3, "ctx": {"expected": "'pass', 'fail' or 'skip'"}},
            {"type": "string_type", "loc": ["body", "test_results", 1, "category"], "msg": "Input should be a valid string", "input": None},
            {"type": "string_type", "loc": ["body", "test_results", 1, "comment"], "msg": "Input should be a valid string", "input": []},
            {"type": "string_type", "loc": ["body", "test_results", 1, "io_log"], "msg": "Input should be a valid string", "input": {}}]
    body += [{"type": "missing", "loc": ["body", "test_results", 2, field], "msg": "Field required", "input": {}}
             for field in ("name", "status", "category", "comment", "io_log")]
    assert r.json() == {"detail": body}

    r = api.put(END, json={"ci_link": [1], "test_results": {}})
    assert r.json() == {"detail": [
        {"type": "url_type", "loc": ["body", "ci_link"], "msg": "URL input should be a string or URL", "input": [1]},
        {"type": "list_type", "loc": ["body", "test_results"], "msg": "Input should be a valid list", "input": {}},
    ]}
    r = api.put(END, json={})
    assert r.status_code == 422
    assert r.json() == {"detail": [
        {"type": "missing", "loc": ["body", "ci_link"], "msg": "Field required", "input": {}},
        {"type": "missing", "loc": ["body", "test_results"], "msg": "Field required", "input": {}},
    ]}
    r = api.put(END, json=[])
    assert r.json() == {"detail": [
        {"type": "model_attributes_type", "loc": ["body"],
         "msg": "Input should be a valid dictionary or object to extract fields from", "input": []},
    ]}
    r = api.put(END)
    assert r.status_code == 422
    assert r.json() == {"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]}


def test_columns_limits_are_422(api, server, te_deb):
    """Upstream fails in the database (500) on a c3_link or checkbox_version
    longer than its column; ours answers 422 and writes nothing."""
    r = end(api, ci_link=CI_DEB, c3_link="https://c3.example.com/" + "a" * 200,
            checkbox_version="v" * 201, test_results=[result("a")])
    assert r.status_code == 422
    assert r.json() == {"detail": [
        {"type": "string_too_long", "loc": ["body", "c3_link"], "msg": "String should have at most 200 characters",
         "input": "https://c3.example.com/" + "a" * 200, "ctx": {"max_length": 200}},
        {"type": "string_too_long", "loc": ["body", "checkbox_version"], "msg": "String should have at most 200 characters",
         "input": "v" * 201, "ctx": {"max_length": 200}},
    ]}
    assert server.pg.psql("SELECT count(*) FROM test_result") == "0"
    null_200(end(api, ci_link=CI_DEB, c3_link="h" * 200, checkbox_version="v" * 200, test_results=[]))


def test_permissions(api, anon, client_with, te_deb):
    body = {"ci_link": CI_DEB, "test_results": [result("a")]}
    for client in (anon, client_with("view_test"), client_with("change_rerun")):
        r = client.put(END, json=body)
        assert r.status_code == 403
        assert r.json() == {"detail": "Insufficient permissions"}
    null_200(client_with("change_test").put(END, json=body))


def test_large_submission_is_a_few_statements(api, server, counting_server, te_deb):
    client = counting_server.client(counting_server.admin_key)
    small = {"ci_link": CI_DEB, "c3_link": C3, "test_results": [result("only", "fail")]}
    big = {"ci_link": CI_DEB, "c3_link": C3,
           "test_results": [result(f"case-{i}", "fail" if i % 7 == 0 else "pass", template_id=f"t/{i % 3}")
                            for i in range(2000)]}
    r, n_small = statements(counting_server, lambda: client.put(END, json=small))
    null_200(r)
    r, n_big = statements(counting_server, lambda: client.put(END, json=big))
    null_200(r)
    assert n_big == n_small <= 8, (n_small, n_big)
    assert server.pg.psql(f"SELECT count(*) FROM test_result WHERE test_execution_id = {te_deb}") == "2000"
    assert server.pg.psql("SELECT count(*) FROM test_case") == "2001"


def test_concurrent_retries_leave_one_set(api, server, te_deb):
    body = {"ci_link": CI_DEB, "test_results": [result(f"c-{i}") for i in range(50)]}
    answers = []

    def submit():
        answers.append(server.client(server.admin_key).put(END, json=body).status_code)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200] * 6
    assert server.pg.psql(f"SELECT count(*) FROM test_result WHERE test_execution_id = {te_deb}") == "50"
    assert server.pg.psql("SELECT count(*) FROM test_case") == "50"
