"""Permissions of every implemented route, TestObserverIgnorePermissions, and
the routing table: every operation of openapi.json is routed."""

import json
import pathlib
import re
import shutil

import pytest

from conftest import start_server
from helpers import INSUFFICIENT, JSON, SNAP, body, count, start

OPENAPI = pathlib.Path(__file__).resolve().parents[3] / "shared/reference/openapi.json"
PERMISSIONS = [
    "add_application", "change_application", "change_artefact", "change_attachment_rule", "change_auto_rerun",
    "change_environment_reported_issue", "change_environment_review", "change_issue", "change_issue_attachment",
    "change_issue_attachment_bulk", "change_notification", "change_rerun", "change_rerun_bulk", "change_team",
    "change_test", "change_test_case_reported_issue", "change_user", "view_application", "view_artefact",
    "view_environment_reported_issue", "view_environment_review", "view_issue", "view_notification",
    "view_permission", "view_report", "view_rerun", "view_sentry_debug", "view_team", "view_test",
    "view_test_case_reported_issue", "view_user",
]

BOOT = {"name": "gc-tc-boot", "status": "PASSED"}


@pytest.fixture
def objects(api):
    """The id of a snap execution with one result."""
    te = start(api, SNAP)
    r = api.post(f"/v1/test-executions/{te}/test-results", json=[BOOT])
    assert r.status_code == 200
    return te


def artefact_of(pg, te):
    return int(pg.psql("SELECT b.artefact_id FROM test_execution t JOIN artefact_build b"
                       f" ON b.id = t.artefact_build_id WHERE t.id = {te}"))


# (name, permission, method, path template, body, expected success status)
ROUTES = [
    ("start-test", "change_test", "PUT", "/v1/test-executions/start-test",
     body(SNAP, ci_link="https://jenkins.example.com/job/t/perm"), 200),
    ("patch-execution", "change_test", "PATCH", "/v1/test-executions/{te}", {"status": "COMPLETED"}, 200),
    ("post-results", "change_test", "POST", "/v1/test-executions/{te}/test-results",
     [{"name": "gc-tc-perm", "status": "FAILED"}], 200),
    ("get-execution", "view_test", "GET", "/v1/test-executions/{te}", None, 200),
    ("get-results", "view_test", "GET", "/v1/test-executions/{te}/test-results", None, 200),
    ("list-artefacts", "view_artefact", "GET", "/v1/artefacts", None, 200),
    ("list-artefacts-family", "view_artefact", "GET", "/v1/artefacts?family=snap", None, 200),
    ("get-artefact", "view_artefact", "GET", "/v1/artefacts/{a}", None, 200),
    ("get-builds", "view_artefact", "GET", "/v1/artefacts/{a}/builds", None, 200),
    ("sentry-debug", "view_sentry_debug", "GET", "/sentry-debug", None, 500),
]


def call(client, server, method, template, payload, te):
    path = template.format(te=te, a=artefact_of(server.pg, te))
    return client.request(method, path, json=payload) if payload is not None else client.request(method, path)


@pytest.mark.parametrize("name,perm,method,template,payload,ok", ROUTES, ids=[r[0] for r in ROUTES])
def test_without_key_403(anon, server, objects, name, perm, method, template, payload, ok):
    r = call(anon, server, method, template, payload, objects)
    assert r.status_code == 403
    assert r.headers["content-type"] == JSON
    assert r.json() == INSUFFICIENT


@pytest.mark.parametrize("name,perm,method,template,payload,ok", ROUTES, ids=[r[0] for r in ROUTES])
def test_every_other_permission_403(client_with, server, objects, name, perm, method, template, payload, ok):
    others = [p for p in PERMISSIONS if p != perm]
    r = call(client_with(*others), server, method, template, payload, objects)
    assert r.status_code == 403
    assert r.json() == INSUFFICIENT


@pytest.mark.parametrize("name,perm,method,template,payload,ok", ROUTES, ids=[r[0] for r in ROUTES])
def test_exact_permission_succeeds(client_with, server, objects, name, perm, method, template, payload, ok):
    r = call(client_with(perm), server, method, template, payload, objects)
    assert r.status_code == ok, r.text


def test_refused_write_changes_nothing(anon, client_with, server, objects):
    pg = server.pg
    before = [count(pg, t) for t in ("test_execution", "test_result", "artefact")]
    anon.put("/v1/test-executions/start-test", json=body(SNAP, ci_link="https://jenkins.example.com/job/t/x"))
    client_with("view_test").post(f"/v1/test-executions/{objects}/test-results", json=[{"name": "n",
                                                                                       "status": "FAILED"}])
    client_with("view_test").patch(f"/v1/test-executions/{objects}", json={"status": "FAILED"})
    assert [count(pg, t) for t in ("test_execution", "test_result", "artefact")] == before
    assert pg.psql(f"SELECT status FROM test_execution WHERE id = {objects}") == "IN_PROGRESS"


def test_key_without_any_permission(client_with, objects):
    c = client_with()
    assert c.get("/v1/artefacts").status_code == 403
    assert c.get(f"/v1/test-executions/{objects}").status_code == 403
    # routes without a permission stay open
    assert c.get("/v1/version").status_code == 200
    assert c.get("/").status_code == 200


@pytest.mark.parametrize("method,path,kw", [
    ("PUT", "/v1/test-executions/start-test", {"json": {"family": "rpm"}}),
    ("PUT", "/v1/test-executions/start-test", {"data": b"{}", "headers": {"Content-Type": "text/plain"}}),
    ("PATCH", "/v1/test-executions/1", {"json": {"status": "DONE"}}),
    ("POST", "/v1/test-executions/1/test-results", {"json": [{"name": "x"}]}),
    ("GET", "/v1/artefacts?family=rpm", {}),
    ("GET", "/v1/test-executions/x", {}),
    ("GET", "/v1/artefacts/x/builds", {}),
    ("GET", "/v1/artefacts/99999999999", {}),
])
def test_permission_before_validation(anon, method, path, kw):
    # FastAPI resolves the route's permission dependency before it validates
    # path, query and body (only a JSON decoding error comes earlier)
    r = anon.request(method, path, **kw)
    assert r.status_code == 403
    assert r.json() == INSUFFICIENT


@pytest.mark.parametrize("method,path", [("PUT", "/v1/test-executions/start-test"),
                                         ("PATCH", "/v1/test-executions/1"),
                                         ("POST", "/v1/test-executions/1/test-results")])
def test_json_decoding_error_before_permission(anon, method, path):
    r = anon.request(method, path, data=b"{", headers={"Content-Type": JSON})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "json_invalid"


def test_permission_check_before_not_found(anon):
    # the key is checked before the handler looks the execution up
    r = anon.get("/v1/test-executions/999999999")
    assert r.status_code == 403
    assert anon.get("/v1/artefacts/999999999/builds").status_code == 403


def test_key_revoked_by_deleting_application(server, objects):
    key = server.add_application(["view_artefact"], name="gc-revoked")
    c = server.client(key)
    assert c.get("/v1/artefacts").status_code == 200
    server.pg.psql("DELETE FROM application WHERE name = 'gc-revoked'")
    assert c.get("/v1/artefacts").status_code == 403


def test_permission_change_is_seen(server, objects):
    key = server.add_application(["view_test"], name="gc-changed")
    c = server.client(key)
    assert c.get("/v1/artefacts").status_code == 403
    server.pg.psql("UPDATE application SET permissions = '{view_artefact}' WHERE name = 'gc-changed'")
    assert c.get("/v1/artefacts").status_code == 200


# --- TestObserverIgnorePermissions ---------------------------------------------

@pytest.fixture(scope="module")
def open_server(migrated):
    srv = start_server(migrated, "TestObserverIgnorePermissions view_artefact")
    yield srv
    srv.stop()
    shutil.rmtree(srv.root, ignore_errors=True)


def test_ignored_permission_opens_routes(open_server, server, objects):
    anon = open_server.client()
    a = artefact_of(server.pg, objects)
    r = anon.get("/v1/artefacts")
    assert r.status_code == 200
    assert [x["id"] for x in r.json()] == [a]
    assert anon.get(f"/v1/artefacts/{a}").status_code == 200
    assert anon.get(f"/v1/artefacts/{a}/builds").status_code == 200


def test_ignored_permission_leaves_others_closed(open_server, objects):
    anon = open_server.client()
    assert anon.get(f"/v1/test-executions/{objects}").status_code == 403
    r = anon.put("/v1/test-executions/start-test", json=body(SNAP, ci_link="https://jenkins.example.com/job/t/o"))
    assert r.status_code == 403
    assert r.json() == INSUFFICIENT


# --- routing table --------------------------------------------------------------

IMPLEMENTED = {
    ("GET", "/"), ("GET", "/v1/version"), ("GET", "/health/live"), ("GET", "/health/ready"),
    ("GET", "/sentry-debug"), ("PUT", "/v1/test-executions/start-test"),
    ("POST", "/v1/test-executions/{id}/test-results"), ("GET", "/v1/test-executions/{id}/test-results"),
    ("GET", "/v1/test-executions/{id}"), ("PATCH", "/v1/test-executions/{id}"),
    ("GET", "/v1/artefacts"), ("GET", "/v1/artefacts/{artefact_id}"), ("GET", "/v1/artefacts/{artefact_id}/builds"),
}


def operations():
    spec = json.loads(OPENAPI.read_text())
    ops = []
    for path, item in spec["paths"].items():
        for method in item:
            if method in ("get", "put", "post", "patch", "delete"):
                ops.append((method.upper(), path))
    return ops


OPERATIONS = operations()


def test_permission_list_is_the_enum(server):
    assert server.pg.psql("SELECT string_agg(p::text, ',') FROM unnest(enum_range(NULL::permission)) p").split(
        ",") == PERMISSIONS


def test_openapi_has_89_operations():
    assert len(OPERATIONS) == 89
    assert IMPLEMENTED <= set(OPERATIONS)


def fill(pattern):
    """pattern with its parameters set to 1 (application ids to one that does
    not exist, so a built DELETE or rotate never touches the session's key)."""
    return re.sub(r"\{[^}]+\}", "1", pattern.replace("{application_id}", "999999999"))


@pytest.fixture
def routing_client(client_with):
    """A client of its own application holding every permission: rotating or
    deleting "me" must not touch the session's admin key."""
    return client_with(*PERMISSIONS)


def test_every_operation_is_routed(routing_client, objects):
    """One request per operation of openapi.json, path parameters set to 1
    (execution 1 and artefact 1 exist), body {}: never a routing 404/405, never
    a 5xx; an operation not built yet answers 501 with a JSON detail naming it;
    the first slice is built."""
    problems = []
    for method, pattern in OPERATIONS:
        r = routing_client.request(method, fill(pattern), json={} if method != "GET" else None,
                                   allow_redirects=False)
        if (method, pattern) == ("GET", "/sentry-debug"):
            continue
        if r.status_code == 405 or (r.status_code == 404 and r.text == '{"detail":"Not Found"}'):
            problems.append(("not routed", method, pattern, r.status_code, r.text))
        elif r.status_code == 501:
            if (method, pattern) in IMPLEMENTED:
                problems.append(("first slice not built", method, pattern))
            elif r.headers.get("content-type") != JSON or \
                    r.json() != {"detail": f"Not implemented yet: {method} {pattern}"}:
                problems.append(("bad 501", method, pattern, r.text))
        elif r.status_code == 503 and pattern.startswith("/v1/auth/saml/"):
            # this server has no mellon: sign-in says so (test_8c_saml.py signs in for real)
            if r.json() != {"detail": "SAML authentication is not configured"}:
                problems.append(("bad 503", method, pattern, r.text))
        elif r.status_code >= 500:
            problems.append(("server error", method, pattern, r.status_code, r.text))
    assert problems == []


def starlette_route(method, path):
    """What upstream's router does with (method, path): its routes are the
    operations in openapi.json order (a path appears where its first route was
    registered). Returns ("route", method, pattern) for the first full match,
    else ("405", allow) for the first route matching the path, else ("404",)."""
    partial = None
    paths = []
    for m, pattern in OPERATIONS:
        if pattern not in paths:
            paths.append(pattern)
    for pattern in paths:
        regex = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(pattern)) + "$"
        if not re.match(regex, path):
            continue
        for m, p in OPERATIONS:
            if p == pattern and m == method:
                return ("route", m, p)
        if partial is None:
            partial = ("405", next(m for m, p in OPERATIONS if p == pattern))
    return partial or ("404",)


def test_oracle_examples():
    assert starlette_route("GET", "/v1/artefacts/search") == ("route", "GET", "/v1/artefacts/search")
    assert starlette_route("GET", "/v1/test-executions/start-test") == ("route", "GET", "/v1/test-executions/{id}")
    assert starlette_route("DELETE", "/v1/version") == ("405", "GET")
    assert starlette_route("GET", "/v1/nothing") == ("404",)


def test_methods_of_every_path_route_as_upstream(routing_client, objects):
    """Every method on every path of openapi.json (parameters set to 1): the
    operation Starlette would pick answers (501 naming it when not built yet),
    otherwise a 405 whose Allow names the method of the first route matching the
    path."""
    problems = []
    paths = sorted({fill(p) for _, p in OPERATIONS})
    for path in paths:
        for method in ("GET", "PUT", "POST", "PATCH", "DELETE"):
            expected = starlette_route(method, path)
            r = routing_client.request(method, path, json={} if method != "GET" else None,
                                       allow_redirects=False)
            if expected[0] == "405":
                if r.status_code != 405 or r.headers.get("allow") != expected[1]:
                    problems.append((method, path, "expected 405 Allow " + expected[1], r.status_code,
                                     r.headers.get("allow"), r.text[:120]))
            elif r.status_code == 405 or (r.status_code == 404 and r.text == '{"detail":"Not Found"}'):
                problems.append((method, path, "expected route " + expected[2], r.status_code, r.text[:120]))
            elif r.status_code == 501 and r.json() != {"detail": f"Not implemented yet: {method} {expected[2]}"}:
                problems.append((method, path, "expected route " + expected[2], r.text[:120]))
    assert problems == []


def test_objects_have_id_one(server, objects):
    assert objects == 1
    assert artefact_of(server.pg, objects) == 1


@pytest.mark.parametrize("path,param,value", [
    ("/v1/test-executions/start-test", "id", "start-test"),
    ("/v1/test-executions/end-test", "id", "end-test"),
    ("/v1/artefacts/search/builds", "artefact_id", "search"),
])
def test_fixed_segment_of_another_method_falls_to_the_parameter_route(api, path, param, value):
    # Starlette: GET start-test fully matches GET /{id}, whose int parsing fails
    r = api.get(path)
    assert r.status_code == 422
    assert r.json() == {"detail": [{
        "type": "int_parsing", "loc": ["path", param],
        "msg": "Input should be a valid integer, unable to parse string as an integer", "input": value}]}


@pytest.mark.parametrize("method,path", [("PUT", "/v1/test-executions/1"), ("DELETE", "/v1/artefacts/1/builds"),
                                         ("PUT", "/health/live"), ("POST", "/")])
def test_other_methods_are_405(api, method, path):
    r = api.request(method, path)
    assert r.status_code == 405
    assert r.json() == {"detail": "Method Not Allowed"}
    assert r.headers["allow"]
