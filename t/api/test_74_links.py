"""Relevant links of an execution: POST /v1/test-executions/{id}/links and
DELETE /v1/test-executions/{id}/links/{link_id} (exchange 05-links.txt)."""

import uuid

import pytest


def start_charm(api, run):
    r = api.put("/v1/test-executions/start-test", json={
        "family": "charm", "name": f"gc-charm-{run}", "version": "14/edge", "revision": 555,
        "arch": "amd64", "track": "14", "branch": "fix-1", "execution_stage": "edge",
        "environment": f"gc-env-lxd-{run}", "ci_link": f"https://jenkins.example.com/job/{run}/charm-1",
        "test_plan": f"gc-plan-{run}", "initial_status": "ENDED_PREMATURELY",
    })
    assert r.status_code == 200, r.text
    return r.json()["id"]


@pytest.fixture
def te(api):
    return start_charm(api, uuid.uuid4().hex[:8])


def test_exchange(api, te):
    r = api.post(f"/v1/test-executions/{te}/links",
                 json={"label": "Grafana", "url": "https://grafana.example.com/d/R8"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    grafana = r.json()
    assert list(grafana) == ["label", "url", "id"]
    assert grafana["label"] == "Grafana" and grafana["url"] == "https://grafana.example.com/d/R8"

    # a bare host gets a trailing slash
    r = api.post(f"/v1/test-executions/{te}/links", json={"label": "Logs", "url": "https://logs.example.com"})
    assert r.status_code == 200
    logs = r.json()
    assert logs == {"label": "Logs", "url": "https://logs.example.com/", "id": logs["id"]}
    assert logs["id"] > grafana["id"]

    body = api.get(f"/v1/test-executions/{te}").json()
    assert body["relevant_links"] == [grafana, logs]

    r = api.delete(f"/v1/test-executions/{te}/links/{grafana['id']}")
    assert r.status_code == 204
    assert r.content == b""
    assert r.headers["content-type"] == "application/json"  # as upstream
    assert api.get(f"/v1/test-executions/{te}").json()["relevant_links"] == [logs]


def test_invalid_url(api, te):
    r = api.post(f"/v1/test-executions/{te}/links", json={"label": "x", "url": "ftp//nope"})
    assert r.status_code == 422
    assert r.json() == {"detail": [{
        "type": "url_parsing", "loc": ["body", "url"],
        "msg": "Input should be a valid URL, relative URL without a base",
        "input": "ftp//nope", "ctx": {"error": "relative URL without a base"}}]}


def test_body_errors(api, te):
    r = api.post(f"/v1/test-executions/{te}/links", json={"url": "https://e.com", "label": 5})
    assert r.status_code == 422
    assert r.json()["detail"] == [{"type": "string_type", "loc": ["body", "label"],
                                   "msg": "Input should be a valid string", "input": 5}]
    r = api.post(f"/v1/test-executions/{te}/links", json={})
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "label"], ["body", "url"]]
    r = api.post(f"/v1/test-executions/{te}/links")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body"]
    r = api.post(f"/v1/test-executions/{te}/links", json=[])
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "model_attributes_type"
    # nothing was added
    assert api.get(f"/v1/test-executions/{te}").json()["relevant_links"] == []


def test_unknown_execution(api):
    r = api.post("/v1/test-executions/999999999/links", json={"label": "x", "url": "https://e.com"})
    assert r.status_code == 404
    assert r.json() == {"detail": "TestExecution not found"}
    r = api.delete("/v1/test-executions/999999999/links/1")
    assert r.status_code == 404
    assert r.json() == {"detail": "TestExecution not found"}


def test_unknown_link_is_404_not_500(api, te):
    # upstream answers 500 here
    r = api.delete(f"/v1/test-executions/{te}/links/999999999")
    assert r.status_code == 404
    assert r.json() == {"detail": f"Link 999999999 not found in TestExecution {te}"}


def test_link_of_another_execution_is_kept(api, te):
    other = start_charm(api, uuid.uuid4().hex[:8])
    link = api.post(f"/v1/test-executions/{other}/links",
                    json={"label": "x", "url": "https://e.com/x"}).json()
    r = api.delete(f"/v1/test-executions/{te}/links/{link['id']}")
    assert r.status_code == 404
    assert api.get(f"/v1/test-executions/{other}").json()["relevant_links"] == [link]
    # deleting twice: the second one finds nothing
    assert api.delete(f"/v1/test-executions/{other}/links/{link['id']}").status_code == 204
    assert api.delete(f"/v1/test-executions/{other}/links/{link['id']}").status_code == 404


def test_bad_path_ids(api, te):
    r = api.delete(f"/v1/test-executions/{te}/links/abc")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["path", "link_id"]
    r = api.post("/v1/test-executions/x/links", json={"label": "x", "url": "https://e.com"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["path", "id"]


def test_permissions(server, client_with, anon, te):
    body = {"label": "x", "url": "https://e.com"}
    for client in (anon, client_with("view_test")):
        assert client.post(f"/v1/test-executions/{te}/links", json=body).status_code == 403
        assert client.delete(f"/v1/test-executions/{te}/links/1").status_code == 403
    # the permission is a dependency of the route: it comes before validation
    assert anon.post(f"/v1/test-executions/{te}/links", json={"url": "nope"}).status_code == 403
    assert anon.delete(f"/v1/test-executions/{te}/links/x").status_code == 403
    writer = client_with("change_test")
    r = writer.post(f"/v1/test-executions/{te}/links", json=body)
    assert r.status_code == 200
    assert writer.delete(f"/v1/test-executions/{te}/links/{r.json()['id']}").status_code == 204
