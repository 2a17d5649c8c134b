"""CSV reports: GET /v1/reports/test-results and /v1/reports/test-executions
(exchange 08-reports.txt; upstream 500s there, so these follow its code:
columns, cell texts as Python writes them, date range, headers)."""

import csv
import io
import uuid

import pytest

RESULTS_HEADER = [
    "Artefact.family", "Artefact.id", "Artefact.name", "Artefact.version", "Artefact.status",
    "Artefact.track", "Artefact.stage", "Artefact.series", "Artefact.repo", "Artefact.os",
    "Artefact.series", "Artefact.created_at", "TestExecution.id", "TestExecution.status",
    "TestExecution.c3_link", "TestExecution.checkbox_version", "TestPlan.name", "Environment.name",
    "Environment.architecture", "TestCase.template_id", "TestCase.name", "TestCase.category",
    "TestResult.status", "TestResult.created_at"]
EXECUTIONS_HEADER = [
    "Artefact.family", "Artefact.id", "Artefact.name", "Artefact.version", "Artefact.status",
    "Artefact.track", "Artefact.stage", "Artefact.series", "Artefact.repo", "Artefact.os",
    "TestExecution.id", "TestExecution.status", "TestExecution.ci_link", "TestExecution.c3_link",
    "TestExecution.checkbox_version", "TestExecution.test_plan", "TestExecution.created_at",
    "Environment.name", "Environment.architecture", "ArtefactBuildEnvironmentReview.review_decision",
    "ArtefactBuildEnvironmentReview.review_comment", "TestEvents"]
TRICKY = 'name, with "quotes"\nand a newline'


def start(api, body):
    r = api.put("/v1/test-executions/start-test", json=body)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def rows(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def py_ts(pg, sql):
    """A timestamp as Python's str(datetime) writes it."""
    text = pg.psql(f"SELECT to_char(({sql}), 'YYYY-MM-DD HH24:MI:SS.US')")
    return text[:-7] if text.endswith(".000000") else text


@pytest.fixture
def world(api, server):
    run = uuid.uuid4().hex[:8]
    pg = server.pg
    w = {"run": run}
    w["snap"] = start(api, {
        "family": "snap", "name": f"snap-{run}", "version": "1.0", "revision": 7, "arch": "arm64",
        "track": "latest", "store": "ubuntu", "execution_stage": "edge", "environment": f"env-{run}",
        "ci_link": f"https://ci.example.com/{run}/1", "test_plan": f"plan-{run}"})
    w["deb"] = start(api, {
        "family": "deb", "name": f"deb-{run}", "version": "2.0", "arch": "amd64", "series": "noble",
        "repo": "main", "execution_stage": "proposed", "environment": f"env-{run}",
        "test_plan": f"plan-{run}"})
    r = api.post(f"/v1/test-executions/{w['snap']}/test-results", json=[
        {"name": f"case-{run}-1", "status": "PASSED", "category": "cat", "template_id": "tpl"},
        {"name": TRICKY, "status": "FAILED"}])
    assert r.status_code == 200
    api.patch(f"/v1/test-executions/{w['snap']}", json={"c3_link": "https://c3.example.com/s/1", "status": "COMPLETED"})
    pg.psql(f"UPDATE test_execution SET checkbox_version = '4.0' WHERE id = {w['deb']};"
            f"UPDATE artefact_build_environment_review SET review_comment = 'it''s fine, \"really\"',"
            f" review_decision = '{{REJECTED,APPROVED_INCONSISTENT_TEST}}' WHERE artefact_build_id ="
            f" (SELECT artefact_build_id FROM test_execution WHERE id = {w['snap']});"
            f"INSERT INTO test_event (event_name, timestamp, detail, test_execution_id, created_at,"
            f" updated_at) VALUES ('job_start', '2024-05-06 07:08:09.123456', 'it''s here',"
            f" {w['snap']}, now(), now()), ('job_end', '2024-05-06 08:00:00', 'tab\there \\ \"q\"',"
            f" {w['snap']}, now(), now())")
    return w


def test_results_report(api, server, world):
    pg, run = server.pg, world["run"]
    r = api.get("/v1/reports/test-results?start_date=2000-01-01T00:00:00")
    assert r.headers["content-disposition"] == 'attachment; filename="testresults_report.csv"'
    assert r.content.endswith(b"\r\n") and b"\r\n" in r.content
    table = rows(r)
    assert table[0] == RESULTS_HEADER
    assert len(table) == 3  # the deb execution has no results
    te = world["snap"]
    artefact_id = pg.psql(f"SELECT b.artefact_id FROM test_execution te JOIN artefact_build b"
                          f" ON b.id = te.artefact_build_id WHERE te.id = {te}")
    first = table[1]
    assert first == [
        "snap", artefact_id, f"snap-{run}", "1.0", "UNDECIDED", "latest", "edge", "", "", "", "",
        py_ts(pg, f"SELECT created_at FROM artefact WHERE id = {artefact_id}"), str(te), "FAILED",
        "https://c3.example.com/s/1", "", f"plan-{run}", f"env-{run}", "arm64", "tpl", f"case-{run}-1",
        "cat", "PASSED", py_ts(pg, f"SELECT min(created_at) FROM test_result WHERE test_execution_id = {te}")]
    assert table[2][19:23] == ["", TRICKY, "", "FAILED"]
    # the tricky cell is quoted, its quotes doubled
    assert b'"name, with ""quotes""\nand a newline"' in r.content


def test_executions_report(api, server, world):
    pg, run = server.pg, world["run"]
    r = api.get("/v1/reports/test-executions?start_date=2000-01-01T00:00:00&end_date=2100-01-01T00:00:00")
    assert r.headers["content-disposition"] == 'attachment; filename="test_executions_report.csv"'
    table = rows(r)
    assert table[0] == EXECUTIONS_HEADER
    assert [row[10] for row in table[1:]] == [str(world["snap"]), str(world["deb"])]
    snap, deb = table[1], table[2]
    assert snap[:10] == ["snap", snap[1], f"snap-{run}", "1.0", "UNDECIDED", "latest", "edge", "", "", ""]
    assert snap[11:16] == ["FAILED", f"https://ci.example.com/{run}/1", "https://c3.example.com/s/1", "",
                           f"plan-{run}"]
    assert snap[16] == py_ts(pg, f"SELECT created_at FROM test_execution WHERE id = {world['snap']}")
    assert snap[17:19] == [f"env-{run}", "arm64"]
    assert snap[19] == ("[<ArtefactBuildEnvironmentReviewDecision.REJECTED: 'REJECTED'>, "
                        "<ArtefactBuildEnvironmentReviewDecision.APPROVED_INCONSISTENT_TEST: "
                        "'APPROVED_INCONSISTENT_TEST'>]")
    assert snap[20] == 'it\'s fine, "really"'
    assert snap[21] == ("[{'event_name': 'job_start', 'timestamp': '2024-05-06 07:08:09:123', "
                        "'detail': \"it's here\"}, {'event_name': 'job_end', 'timestamp': "
                        "'2024-05-06 08:00:00:000', 'detail': 'tab\\there \\\\ \"q\"'}]")
    assert deb[:10] == ["deb", deb[1], f"deb-{run}", "2.0", "UNDECIDED", "", "proposed", "noble", "main", ""]
    assert deb[12:15] == ["", "", "4.0"]
    assert deb[19:] == ["[]", "", "[]"]


def test_date_range(api, server, world):
    pg = server.pg
    empty_results = "\r\n".join([",".join(RESULTS_HEADER), ""]).encode()
    r = api.get("/v1/reports/test-results?start_date=2100-01-01T00:00:00&end_date=2100-01-02T00:00:00")
    assert r.status_code == 200 and r.content == empty_results
    # defaults: from the beginning of time until now
    assert len(rows(api.get("/v1/reports/test-results"))) == 3
    assert len(rows(api.get("/v1/reports/test-executions"))) == 3
    assert len(rows(api.get("/v1/reports/test-executions?end_date=2000-01-01"))) == 1
    # the bounds are included; an offset is converted to UTC
    created = pg.psql(f"SELECT to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
                      f" FROM test_execution WHERE id = {world['snap']}")
    q = f"start_date={created}&end_date={created}"
    assert [row[10] for row in rows(api.get("/v1/reports/test-executions?" + q))[1:]] == [str(world["snap"])]
    later = pg.psql(f"SELECT to_char(created_at + interval '2 hours', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
                    f" FROM test_execution WHERE id = {world['snap']}")
    q = f"start_date={later}%2B02:00&end_date={later}%2B02:00"
    assert [row[10] for row in rows(api.get("/v1/reports/test-executions?" + q))[1:]] == [str(world["snap"])]
    # a unix timestamp and a bare date are datetimes too
    assert len(rows(api.get("/v1/reports/test-executions?start_date=946684800&end_date=2100-01-01"))) == 3


def test_bad_dates(api):
    r = api.get("/v1/reports/test-executions?start_date=someday")
    assert r.status_code == 422
    assert r.json() == {"detail": [{
        "type": "datetime_from_date_parsing", "loc": ["query", "start_date"],
        "msg": "Input should be a valid datetime or date, input is too short", "input": "someday",
        "ctx": {"error": "input is too short"}}]}
    r = api.get("/v1/reports/test-results?start_date=2024-13-01&end_date=2024-01-01T25:00")
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {"type": "datetime_from_date_parsing", "loc": ["query", "start_date"],
         "msg": "Input should be a valid datetime or date, month value is outside expected range of 1-12",
         "input": "2024-13-01", "ctx": {"error": "month value is outside expected range of 1-12"}},
        {"type": "datetime_from_date_parsing", "loc": ["query", "end_date"],
         "msg": "Input should be a valid datetime or date, unexpected extra characters at the end of the input",
         "input": "2024-01-01T25:00", "ctx": {"error": "unexpected extra characters at the end of the input"}}]
    r = api.get("/v1/reports/test-results?end_date=0000-01-01")
    assert r.json()["detail"][0]["type"] == "datetime_parsing"
    assert r.json()["detail"][0]["msg"] == "Input should be a valid datetime, year 0 is out of range"


def test_permissions(client_with, anon, world):
    for path in ("/v1/reports/test-results", "/v1/reports/test-executions"):
        r = anon.get(path)
        assert r.status_code == 403 and r.json() == {"detail": "Insufficient permissions"}
        assert client_with("view_test").get(path).status_code == 403
        # the permission comes before the parameters' validation
        assert anon.get(path + "?start_date=someday").status_code == 403
        assert rows(client_with("view_report").get(path))[0] in (RESULTS_HEADER, EXECUTIONS_HEADER)


def test_many_rows_one_query(api, server, world):
    pg = server.pg
    te = world["snap"]
    pg.psql("INSERT INTO test_case (name, category, template_id, created_at, updated_at)"
            " SELECT 'bulk-case-' || g, 'c,' || g, '', now(), now() FROM generate_series(1, 3000) g;"
            "INSERT INTO test_result (status, comment, io_log, test_execution_id, test_case_id, created_at,"
            f" updated_at) SELECT 'PASSED', '', '', {te}, id, now(), now() FROM test_case"
            " WHERE name LIKE 'bulk-case-%'")
    table = rows(api.get("/v1/reports/test-results"))
    assert len(table) == 1 + 2 + 3000
    assert sorted(row[21] for row in table[3:])[:2] == ["c,1", "c,10"]
