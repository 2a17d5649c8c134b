"""/openapi.json (the contract with each operation's permission) and /docs
(Swagger UI, its files served by httpd from swagger-ui-dist)."""
import json
import pathlib

import pytest

CONTRACT = pathlib.Path(__file__).resolve().parents[3] / "shared/reference/openapi.json"


@pytest.mark.skipif(not CONTRACT.exists(), reason="no contract beside the checkout")
def test_openapi_document_with_permissions(anon):
    r = anon.get("/openapi.json")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    doc = r.json()
    reference = json.loads(CONTRACT.read_text())
    assert doc["paths"].keys() == reference["paths"].keys()
    assert doc["paths"]["/v1/test-executions/start-test"]["put"]["x-permissions"] == ["change_test"]
    assert doc["paths"]["/v1/artefacts"]["get"]["x-permissions"] == ["view_artefact"]
    # open routes carry none
    assert "x-permissions" not in doc["paths"]["/health/live"]["get"]
    # the contract as it is, where it names the permissions already
    assert doc == reference


def test_openapi_permissions_added_to_a_document_without_them(migrated):
    import tempfile
    from conftest import start_server
    tmp_path = pathlib.Path(tempfile.mkdtemp(prefix="to-openapi-"))
    doc = {"openapi": "3.1.0", "paths": {"/v1/artefacts": {"get": {}}, "/health/live": {"get": {}}}}
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(doc))
    path.chmod(0o644)
    tmp_path.chmod(0o755)
    srv = start_server(migrated, f'TestObserverOpenAPIFile "{path}"')
    try:
        served = srv.client().get("/openapi.json").json()
        assert served["paths"]["/v1/artefacts"]["get"] == {"x-permissions": ["view_artefact"]}
        assert served["paths"]["/health/live"]["get"] == {}
    finally:
        srv.stop()
        path.unlink()
        tmp_path.rmdir()


def test_docs_page_and_assets(anon):
    r = anon.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert 'url: "/openapi.json"' in r.text
    assert "X-CSRF-Token" in r.text
    js = anon.get("/docs/assets/swagger-ui-bundle.js")
    assert js.status_code == 200
    assert "javascript" in js.headers["content-type"]
    assert len(js.content) > 100_000
    css = anon.get("/docs/assets/swagger-ui.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_docs_and_openapi_need_a_key_when_authentication_is_required(migrated):
    from conftest import start_server
    srv = start_server(migrated, "TestObserverRequireAuthentication On")
    try:
        client = srv.client()
        assert client.get("/docs").status_code == 401
        assert client.get("/openapi.json").json() == {"detail": "Not authenticated"}
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def contractless_server(migrated):
    from conftest import start_server
    srv = start_server(migrated, "TestObserverVersion 9.9.9", openapi=False)
    yield srv
    srv.stop()


def test_openapi_without_a_contract_lists_the_routing_table(contractless_server):
    r = contractless_server.client().get("/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["info"] == {"title": "Test Observer", "version": "9.9.9"}
    # the document and the docs page are not operations of the API
    assert "/openapi.json" not in doc["paths"] and "/docs" not in doc["paths"]
    op = doc["paths"]["/v1/test-executions/{id}/test-results"]
    assert set(op) == {"get", "post"}
    assert op["get"]["x-permissions"] == ["view_test"]
    assert op["get"]["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    assert op["get"]["tags"] == ["test-executions"]
    assert "x-permissions" not in doc["paths"]["/health/live"]["get"]
    if CONTRACT.exists():
        # the same operations and permissions as upstream's contract
        reference = json.loads(CONTRACT.read_text())
        ops = {(p, m) for p, item in doc["paths"].items() for m in item}
        want = {(p, m) for p, item in reference["paths"].items() for m in item}
        assert ops == want
        for p, m in want:
            assert doc["paths"][p][m].get("x-permissions") == reference["paths"][p][m].get(
                "x-permissions"), (p, m)


def test_docs_page_renders_the_routing_table_document(contractless_server):
    r = contractless_server.client().get("/docs")
    assert r.status_code == 200
    assert "/openapi.json" in r.text
