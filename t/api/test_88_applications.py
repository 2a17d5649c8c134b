"""Applications (API keys) and GET /v1/permissions: the golden exchanges 13,
permissions, validation and what upstream answers 500 to."""

import re
import shutil

import pytest

from conftest import start_server
from helpers import DEB, INSUFFICIENT, JSON, start, validation

KEY_RE = re.compile(r"^to_[A-Za-z0-9_-]{43}$")

# upstream's declaration order (GET /v1/permissions, validation messages)
DECLARED = [
    "view_user", "change_user", "view_team", "change_team", "add_application", "change_application",
    "view_application", "view_permission", "view_issue", "change_issue", "change_issue_attachment",
    "change_issue_attachment_bulk", "change_attachment_rule", "change_auto_rerun", "view_test", "change_test",
    "view_rerun", "change_rerun", "change_rerun_bulk", "view_artefact", "change_artefact",
    "view_environment_review", "change_environment_review", "view_report", "view_test_case_reported_issue",
    "change_test_case_reported_issue", "view_environment_reported_issue", "change_environment_reported_issue",
    "view_notification", "change_notification", "view_sentry_debug",
]
EXPECTED = ", ".join(f"'{p}'" for p in DECLARED[:-1]) + f" or '{DECLARED[-1]}'"


def enum_error(loc, value):
    return validation("enum", loc, f"Input should be {EXPECTED}", value, {"expected": EXPECTED})


def create(api, name="gc-app", permissions=("view_test", "change_test")):
    r = api.post("/v1/applications", json={"name": name, "permissions": list(permissions)})
    assert r.status_code == 200, r.text
    return r.json()


# --- the exchanges of 13, in their order -------------------------------------

def test_permissions_list(api, anon):
    r = api.get("/v1/permissions")
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    assert r.json() == DECLARED
    r = anon.get("/v1/permissions")
    assert r.status_code == 403
    assert r.json() == INSUFFICIENT


def test_me_of_the_key(server, api):
    r = api.get("/v1/applications/me")
    assert r.status_code == 200
    me = r.json()
    assert list(me) == ["id", "name", "permissions", "api_key"]
    assert me["name"] == "test_admin"
    assert me["api_key"] == server.admin_key
    # the database enum's order, as the column holds them
    assert sorted(me["permissions"]) == sorted(DECLARED)


def test_me_anonymous_is_null(anon):
    r = anon.get("/v1/applications/me")
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    assert r.text == "null"


def test_scenario(server, api, anon):
    """Every exchange of 13 in order, on one application."""
    pg = server.pg
    a_deb = int(pg.psql("SELECT b.artefact_id FROM test_execution t JOIN artefact_build b"
                        f" ON b.id = t.artefact_build_id WHERE t.id = {start(api, DEB)}"))

    r = api.post("/v1/applications", json={"name": "gc-app-UUID1", "permissions": ["view_test", "change_test"]})
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    app = r.json()
    key1 = app["api_key"]
    assert app == {"id": app["id"], "name": "gc-app-UUID1", "permissions": ["view_test", "change_test"],
                   "api_key": key1}
    assert KEY_RE.match(key1)
    new = app["id"]

    r = api.post("/v1/applications", json={"name": "gc-app2-UUID1", "permissions": ["fly"]})
    assert r.status_code == 422
    assert r.json() == {"detail": [enum_error(["body", "permissions", 0], "fly")]}

    assert api.get(f"/v1/applications/{new}").json() == app
    listed = api.get("/v1/applications").json()
    assert [a for a in listed if a["name"] != "test_admin"] == [app]

    r = api.patch(f"/v1/applications/{new}", json={"permissions": ["view_test", "view_artefact"]})
    assert r.status_code == 200
    app["permissions"] = ["view_test", "view_artefact"]
    assert r.json() == app
    r = api.patch(f"/v1/applications/{new}", json={})
    assert r.status_code == 200
    assert r.json() == app

    r = api.post(f"/v1/applications/{new}/rotate")
    assert r.status_code == 200
    key2 = r.json()["api_key"]
    assert KEY_RE.match(key2) and key2 != key1
    app["api_key"] = key2
    assert r.json() == app

    c2 = server.client(key2)
    assert c2.get("/v1/applications/me").json() == app
    r = c2.get(f"/v1/artefacts/{a_deb}")
    assert r.status_code == 200
    assert r.json()["id"] == a_deb
    r = c2.patch(f"/v1/artefacts/{a_deb}", json={"comment": "x"})
    assert r.status_code == 403
    assert r.json() == INSUFFICIENT
    # the old key is anonymous now
    assert server.client(key1).get("/v1/applications/me").text == "null"

    r = c2.post("/v1/applications/me/rotate")
    assert r.status_code == 200
    key3 = r.json()["api_key"]
    assert KEY_RE.match(key3) and key3 not in (key1, key2)
    app["api_key"] = key3
    assert r.json() == app
    r = c2.get("/v1/applications/me")
    assert r.status_code == 200
    assert r.text == "null"

    r = anon.post("/v1/applications/me/rotate")
    assert r.status_code == 401
    assert r.json() == {"detail": "Not authenticated"}

    r = api.get("/v1/applications/999999999")
    assert r.status_code == 404
    assert r.json() == {"detail": "Application with id 999999999 not found"}
    r = api.patch("/v1/applications/999999999", json={"permissions": []})
    assert r.status_code == 404
    assert r.json() == {"detail": "Application 999999999 doesn't exist"}
    r = api.post("/v1/applications/999999999/rotate")
    assert r.status_code == 404
    assert r.json() == {"detail": "Application with id 999999999 not found"}

    r = api.delete(f"/v1/applications/{new}")
    assert r.status_code == 204
    assert r.content == b""
    r = api.delete(f"/v1/applications/{new}")
    assert r.status_code == 204
    r = api.get(f"/v1/applications/{new}")
    assert r.status_code == 404
    assert r.json() == {"detail": f"Application with id {new} not found"}
    assert server.client(key3).get("/v1/applications/me").text == "null"


# --- beyond the exchanges ----------------------------------------------------

def test_create_stores_what_was_given(server, api):
    app = create(api, "gc-stored", ["view_user", "view_user", "change_team"])
    assert app["permissions"] == ["view_user", "view_user", "change_team"]
    row = server.pg.psql(f"SELECT name, permissions, api_key FROM application WHERE id = {app['id']}")
    assert row == f"gc-stored|{{view_user,view_user,change_team}}|{app['api_key']}"
    assert len(app["api_key"]) == 46


def test_create_with_no_permission(api, server):
    app = create(api, "gc-none", [])
    assert app["permissions"] == []
    c = server.client(app["api_key"])
    assert c.get("/v1/applications/me").json() == app
    assert c.get("/v1/applications").status_code == 403


def test_name_taken_is_409(api, server):
    create(api, "gc-taken")
    r = api.post("/v1/applications", json={"name": "gc-taken", "permissions": ["view_test"]})
    # upstream: 500 from the unique constraint
    assert r.status_code == 409
    assert r.json() == {"detail": "Application with name 'gc-taken' already exists"}
    assert server.pg.psql("SELECT count(*) FROM application WHERE name = 'gc-taken'") == "1"


def test_keys_are_unique(api):
    keys = {create(api, f"gc-k{i}")["api_key"] for i in range(20)}
    assert len(keys) == 20
    assert all(KEY_RE.match(k) for k in keys)


def test_new_key_works_at_once(server, api):
    app = create(api, "gc-works", ["view_application"])
    c = server.client(app["api_key"])
    assert c.get(f"/v1/applications/{app['id']}").json() == app


def test_clear_permissions(api, server):
    app = create(api, "gc-clear", ["view_user", "change_user"])
    r = api.patch(f"/v1/applications/{app['id']}", json={"permissions": []})
    assert r.status_code == 200
    assert r.json()["permissions"] == []
    assert server.pg.psql(f"SELECT permissions FROM application WHERE id = {app['id']}") == "{}"


def test_patch_null_changes_nothing(api):
    app = create(api, "gc-null")
    r = api.patch(f"/v1/applications/{app['id']}", json={"permissions": None})
    assert r.status_code == 200
    assert r.json() == app


def test_rotate_of_another_application_kills_its_key(server, api):
    app = create(api, "gc-other", ["view_application"])
    old = server.client(app["api_key"])
    assert old.get("/v1/applications").status_code == 200
    new = api.post(f"/v1/applications/{app['id']}/rotate").json()["api_key"]
    assert old.get("/v1/applications").status_code == 403
    assert server.client(new).get("/v1/applications").status_code == 200


def test_list_in_id_order(api):
    made = [create(api, f"gc-order-{i}") for i in range(3)]
    listed = [a for a in api.get("/v1/applications").json() if a["name"].startswith("gc-order-")]
    assert listed == made


def test_me_with_a_dead_or_odd_key(server):
    for header in ("Bearer to_nothing", "Bearer", "Basic abc", "Bearer " + server.admin_key + "x"):
        c = server.client()
        r = c.get("/v1/applications/me", headers={"Authorization": header})
        assert r.status_code == 200, header
        assert r.text == "null", header


@pytest.mark.parametrize("payload,errors", [
    ({}, [validation("missing", ["body", "name"], "Field required", {}),
          validation("missing", ["body", "permissions"], "Field required", {})]),
    ({"name": 5, "permissions": "view_test"},
     [validation("string_type", ["body", "name"], "Input should be a valid string", 5),
      validation("list_type", ["body", "permissions"], "Input should be a valid list", "view_test")]),
    ({"name": "x", "permissions": None},
     [validation("list_type", ["body", "permissions"], "Input should be a valid list", None)]),
    ({"name": "x", "permissions": ["view_test", 3, "VIEW_TEST"]},
     [enum_error(["body", "permissions", 1], 3), enum_error(["body", "permissions", 2], "VIEW_TEST")]),
    ([], [validation("model_attributes_type", ["body"],
                     "Input should be a valid dictionary or object to extract fields from", [])]),
])
def test_create_invalid(api, server, payload, errors):
    r = api.post("/v1/applications", json=payload)
    assert r.status_code == 422
    assert r.json() == {"detail": errors}
    assert server.pg.psql("SELECT count(*) FROM application") == "1"


def test_create_without_body(api):
    r = api.post("/v1/applications")
    assert r.status_code == 422
    assert r.json() == {"detail": [validation("missing", ["body"], "Field required", None)]}


def test_patch_invalid(api):
    app = create(api, "gc-bad-patch")
    r = api.patch(f"/v1/applications/{app['id']}", json={"permissions": ["invalid_permission"]})
    assert r.status_code == 422
    assert r.json() == {"detail": [enum_error(["body", "permissions", 0], "invalid_permission")]}
    r = api.patch("/v1/applications/x", json={})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["path", "application_id"]


@pytest.mark.parametrize("method,path", [("GET", "/v1/applications/abc"), ("DELETE", "/v1/applications/abc"),
                                         ("POST", "/v1/applications/abc/rotate"),
                                         ("GET", "/v1/applications/99999999999")])
def test_bad_ids_422(api, method, path):
    r = api.request(method, path)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["path", "application_id"]


# (permission, method, path template, body, status with the permission)
ROUTES = [
    ("view_permission", "GET", "/v1/permissions", None, 200),
    ("view_application", "GET", "/v1/applications", None, 200),
    ("add_application", "POST", "/v1/applications", {"name": "gc-perm", "permissions": []}, 200),
    ("view_application", "GET", "/v1/applications/{app}", None, 200),
    ("change_application", "PATCH", "/v1/applications/{app}", {"permissions": ["view_test"]}, 200),
    ("change_application", "POST", "/v1/applications/{app}/rotate", None, 200),
    ("change_application", "DELETE", "/v1/applications/{app}", None, 204),
]


@pytest.mark.parametrize("perm,method,template,payload,ok", ROUTES, ids=[f"{r[1]} {r[2]}" for r in ROUTES])
def test_permissions(api, anon, client_with, perm, method, template, payload, ok):
    target = create(api, "gc-target")["id"]
    path = template.format(app=target)
    kw = {"json": payload} if payload is not None else {}
    others = [p for p in DECLARED if p != perm]
    for c in (anon, client_with(*others)):
        r = c.request(method, path, **kw)
        assert r.status_code == 403, (method, path)
        assert r.json() == INSUFFICIENT
    r = client_with(perm).request(method, path, **kw)
    assert r.status_code == ok, r.text


def test_permission_before_validation(anon):
    assert anon.post("/v1/applications", json={"name": 1}).status_code == 403
    assert anon.patch("/v1/applications/abc", json={}).status_code == 403
    assert anon.get("/v1/applications/abc").status_code == 403


def test_refused_writes_change_nothing(server, api, anon, client_with):
    app = create(api, "gc-keep")
    reader = client_with("view_application")
    anon.post("/v1/applications", json={"name": "gc-anon", "permissions": []})
    reader.patch(f"/v1/applications/{app['id']}", json={"permissions": []})
    reader.post(f"/v1/applications/{app['id']}/rotate")
    reader.delete(f"/v1/applications/{app['id']}")
    assert api.get(f"/v1/applications/{app['id']}").json() == app
    assert server.pg.psql("SELECT count(*) FROM application WHERE name = 'gc-anon'") == "0"


def test_me_routes_need_no_permission(client_with):
    c = client_with()
    me = c.get("/v1/applications/me").json()
    assert me["permissions"] == []
    r = c.post("/v1/applications/me/rotate")
    assert r.status_code == 200
    assert r.json()["id"] == me["id"]


def test_rotating_own_key_twice(server, client_with):
    c = client_with("view_test")
    first = c.post("/v1/applications/me/rotate").json()["api_key"]
    second = server.client(first).post("/v1/applications/me/rotate").json()["api_key"]
    assert first != second
    assert server.client(first).post("/v1/applications/me/rotate").status_code == 401
    assert server.client(second).get("/v1/applications/me").json()["api_key"] == second


# --- TestObserverRequireAuthentication On ------------------------------------

@pytest.fixture(scope="module")
def strict_server(migrated):
    srv = start_server(migrated, "TestObserverRequireAuthentication On")
    yield srv
    srv.stop()
    shutil.rmtree(srv.root, ignore_errors=True)


def test_me_requires_a_key_when_authentication_is_required(strict_server, server):
    r = strict_server.client().get("/v1/applications/me")
    assert r.status_code == 401
    assert r.json() == {"detail": "Not authenticated"}
    r = strict_server.client("to_dead").get("/v1/applications/me")
    assert r.status_code == 401
    r = strict_server.client(server.admin_key).get("/v1/applications/me")
    assert r.status_code == 200
    assert r.json()["name"] == "test_admin"

