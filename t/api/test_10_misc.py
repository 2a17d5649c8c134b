"""Root, version, health, generic errors, authentication and CORS
(reference exchanges 01-misc.txt)."""

import re
import shutil

import pytest

from conftest import start_server
from helpers import INSUFFICIENT, JSON, body, DEB, validation

TEXT = "text/plain; charset=utf-8"
FRONT = "http://localhost:30001"
START = "/v1/test-executions/start-test"


@pytest.fixture(scope="module")
def versioned_server(migrated):
    srv = start_server(migrated, "TestObserverVersion 1.2.3")
    yield srv
    srv.stop()
    shutil.rmtree(srv.root, ignore_errors=True)


@pytest.fixture(scope="module")
def auth_server(migrated):
    srv = start_server(migrated, "TestObserverRequireAuthentication On")
    yield srv
    srv.stop()
    shutil.rmtree(srv.root, ignore_errors=True)


# --- root, version, health ------------------------------------------------

def test_root(anon):
    r = anon.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    assert r.text == '"test observer api"'


def test_version_default(anon):
    r = anon.get("/v1/version")
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    data = r.json()
    assert list(data) == ["version"]
    # 0.0.0 without tags, else what `git describe --tags` printed at build time
    assert data["version"] == "0.0.0" or re.match(r"^v?\d+(\.\d+)*(-\d+-g[0-9a-f]+)?(-dirty)?$", data["version"])


def test_version_directive(versioned_server):
    r = versioned_server.client().get("/v1/version")
    assert r.status_code == 200
    assert r.text == '{"version":"1.2.3"}'


def test_health_live(anon):
    r = anon.get("/health/live")
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    assert r.json() == {"status": "live"}


def test_health_ready(anon):
    r = anon.get("/health/ready")
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    assert r.json() == {"status": "ready"}


def test_compact_json(anon, api):
    # upstream writes compact JSON, without spaces
    assert anon.get("/health/live").text == '{"status":"live"}'
    assert api.get("/v1/no-such-thing").text == '{"detail":"Not Found"}'


# --- sentry-debug -----------------------------------------------------------

def test_sentry_debug_without_key(anon):
    r = anon.get("/sentry-debug")
    assert r.status_code == 403
    assert r.headers["content-type"] == JSON
    assert r.json() == INSUFFICIENT


def test_sentry_debug_with_key(client_with):
    r = client_with("view_sentry_debug").get("/sentry-debug")
    assert r.status_code == 500
    assert r.headers["content-type"] == TEXT
    assert r.text == "Internal Server Error"


# --- routing errors -----------------------------------------------------------

@pytest.mark.parametrize("who", ["api", "anon"])
def test_unknown_path(request, who):
    client = request.getfixturevalue(who)
    r = client.get("/v1/no-such-thing")
    assert r.status_code == 404
    assert r.headers["content-type"] == JSON
    assert r.json() == {"detail": "Not Found"}


def test_trailing_slash_is_404_not_redirect(api):
    r = api.get("/v1/artefacts/", allow_redirects=False)
    assert r.status_code == 404
    assert "location" not in r.headers
    assert r.headers["content-type"] == JSON
    assert r.json() == {"detail": "Not Found"}


def test_method_not_allowed(api):
    r = api.delete("/v1/version")
    assert r.status_code == 405
    assert r.headers["content-type"] == JSON
    assert r.headers["allow"] == "GET"
    assert r.json() == {"detail": "Method Not Allowed"}


def test_method_not_allowed_on_collection(api):
    r = api.post("/v1/artefacts", json={})
    assert r.status_code == 405
    assert r.headers["allow"] == "GET"
    assert r.json() == {"detail": "Method Not Allowed"}


def test_path_parameter_not_an_integer(api):
    r = api.get("/v1/artefacts/not-a-number")
    assert r.status_code == 422
    assert r.headers["content-type"] == JSON
    assert r.json() == {"detail": [validation(
        "int_parsing", ["path", "artefact_id"],
        "Input should be a valid integer, unable to parse string as an integer", "not-a-number")]}


def test_422_reason_phrase(api):
    r = api.get("/v1/artefacts/not-a-number")
    assert r.status_code == 422
    assert r.reason == "Unprocessable Content"


@pytest.mark.parametrize("value", ["2147483648", "99999999999999999999"])
def test_path_id_past_32_bits_is_422(api, value):
    # upstream answers 500 there; ours a clear 422
    r = api.get(f"/v1/artefacts/{value}")
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert len(detail) == 1
    assert detail[0]["type"] == "less_than_equal"
    assert detail[0]["loc"] == ["path", "artefact_id"]


def test_family_enum_in_query(api):
    r = api.get("/v1/artefacts", params={"family": "rpm"})
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "enum", ["query", "family"], "Input should be 'snap', 'deb', 'charm', 'image' or 'solution'", "rpm",
        {"expected": "'snap', 'deb', 'charm', 'image' or 'solution'"})]}


# --- CORS ---------------------------------------------------------------------

def test_cors_preflight_allowed(anon):
    r = anon.options("/v1/artefacts/1", headers={
        "Origin": FRONT, "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "content-type,x-csrf-token"})
    assert r.status_code == 200
    assert r.headers["content-type"] == TEXT
    assert r.headers["access-control-allow-origin"] == FRONT
    assert r.headers["access-control-allow-credentials"] == "true"
    assert r.headers["access-control-allow-methods"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
    assert r.headers["access-control-allow-headers"] == "content-type,x-csrf-token"
    assert r.headers["access-control-max-age"] == "600"
    assert r.headers["vary"] == "Origin"
    assert r.text == "OK"


def test_cors_preflight_disallowed_origin(anon):
    r = anon.options("/v1/artefacts/1", headers={
        "Origin": "http://evil.example.com", "Access-Control-Request-Method": "PATCH"})
    assert r.status_code == 400
    assert r.headers["content-type"] == TEXT
    assert "access-control-allow-origin" not in r.headers
    assert r.headers["access-control-allow-credentials"] == "true"
    assert r.headers["access-control-allow-methods"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
    assert r.headers["access-control-max-age"] == "600"
    assert r.headers["vary"] == "Origin"
    assert r.text == "Disallowed CORS origin"


def test_cors_simple_request_even_on_403(anon):
    r = anon.get("/v1/artefacts", params={"family": "snap"}, headers={"Origin": FRONT})
    assert r.status_code == 403
    assert r.headers["content-type"] == JSON
    assert r.headers["access-control-allow-origin"] == FRONT
    assert r.headers["access-control-allow-credentials"] == "true"
    assert r.headers["vary"] == "Origin"
    assert r.json() == INSUFFICIENT


def test_cors_simple_request_success(api):
    r = api.get("/v1/version", headers={"Origin": FRONT})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == FRONT
    assert r.headers["vary"] == "Origin"


def test_cors_simple_request_foreign_origin_gets_no_allow_origin(api):
    r = api.get("/v1/version", headers={"Origin": "http://evil.example.com"})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers


def test_cors_simple_request_foreign_origin_headers(api):
    r = api.get("/v1/version", headers={"Origin": "http://evil.example.com"})
    assert r.headers.get("access-control-allow-credentials") == "true"
    assert "vary" not in r.headers


def test_cors_preflight_any_path(anon):
    # the CORS layer answers preflights before routing
    r = anon.options("/v1/no-such-thing", headers={"Origin": FRONT, "Access-Control-Request-Method": "GET"})
    assert r.status_code == 200
    assert r.text == "OK"
    assert r.headers["access-control-allow-origin"] == FRONT


def test_cors_preflight_without_requested_headers(anon):
    r = anon.options("/v1/artefacts", headers={"Origin": FRONT, "Access-Control-Request-Method": "GET"})
    assert r.status_code == 200
    assert "access-control-allow-headers" not in r.headers
    assert r.headers["access-control-allow-methods"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


@pytest.mark.parametrize("method", ["FOO", "get"])
def test_cors_preflight_disallowed_method(anon, method):
    r = anon.options("/v1/artefacts", headers={"Origin": FRONT, "Access-Control-Request-Method": method})
    assert r.status_code == 400
    assert r.headers["content-type"] == TEXT
    assert r.headers["access-control-allow-origin"] == FRONT
    assert r.text == "Disallowed CORS method"


def test_cors_preflight_every_failure_listed(anon):
    r = anon.options("/v1/artefacts", headers={"Origin": "http://evil.example.com",
                                               "Access-Control-Request-Method": "FOO"})
    assert r.status_code == 400
    assert r.text == "Disallowed CORS origin, method"


def test_cors_preflight_private_network_refused(anon):
    r = anon.options("/v1/artefacts", headers={"Origin": FRONT, "Access-Control-Request-Method": "GET",
                                               "Access-Control-Request-Private-Network": "true"})
    assert r.status_code == 400
    assert r.text == "Disallowed CORS private-network"


def test_cors_options_with_origin_but_no_request_method_is_routed(anon):
    r = anon.options("/v1/version", headers={"Origin": FRONT})
    assert r.status_code == 405
    assert r.headers["allow"] == "GET"
    assert r.headers["access-control-allow-origin"] == FRONT
    assert r.json() == {"detail": "Method Not Allowed"}


@pytest.mark.parametrize("path,status", [("/v1/no-such-thing", 404), ("/v1/artefacts/x", 422)])
def test_cors_headers_on_errors(api, path, status):
    r = api.get(path, headers={"Origin": FRONT})
    assert r.status_code == status
    assert r.headers["access-control-allow-origin"] == FRONT
    assert r.headers["access-control-allow-credentials"] == "true"
    assert r.headers["vary"] == "Origin"


@pytest.fixture(scope="module")
def cors_server(migrated):
    srv = start_server(migrated, "TestObserverCORSOrigins http://a.example https://b.example:8443")
    yield srv
    srv.stop()
    shutil.rmtree(srv.root, ignore_errors=True)


# the directive adds to the origins already allowed (conf/httpd.conf.in allows the front-end), as
# upstream's ADDITIONAL_CORS_ORIGINS add to FRONTEND_URL; origins compare exactly
@pytest.mark.parametrize("origin,allowed", [("http://a.example", True), ("https://b.example:8443", True),
                                            (FRONT, True), ("http://a.example:80", False),
                                            ("http://A.example", False), ("https://b.example", False)])
def test_cors_origins_directive(cors_server, origin, allowed):
    r = cors_server.client().options("/v1/version", headers={"Origin": origin,
                                                             "Access-Control-Request-Method": "GET"})
    assert r.status_code == (200 if allowed else 400)
    assert r.headers.get("access-control-allow-origin") == (origin if allowed else None)


def test_options_without_cors_headers_is_405(anon):
    r = anon.options("/v1/version")
    assert r.status_code == 405
    assert r.headers["content-type"] == JSON
    assert r.headers["allow"] == "GET"
    assert r.json() == {"detail": "Method Not Allowed"}


# --- credentials ------------------------------------------------------------

def test_missing_key_is_403(anon, server):
    r = anon.put(START, json=body(DEB, drop=("ci_link", "relevant_links", "initial_status", "needs_assignment",
                                            "source")))
    assert r.status_code == 403
    assert r.headers["content-type"] == JSON
    assert r.json() == INSUFFICIENT
    assert server.pg.psql("SELECT count(*) FROM test_execution") == "0"


def test_unknown_key_is_403(server):
    r = server.client("to_not_a_real_key").get("/v1/artefacts", params={"family": "snap"})
    assert r.status_code == 403
    assert r.json() == INSUFFICIENT


def test_malformed_authorization_header_is_403(anon):
    r = anon.get("/v1/artefacts", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert r.status_code == 403
    assert r.json() == INSUFFICIENT


# --- body validation ----------------------------------------------------------

def test_malformed_json(api):
    raw = '{"family": "deb", "name": '
    r = api.put(START, data=raw.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.headers["content-type"] == JSON
    assert r.json() == {"detail": [validation(
        "json_invalid", ["body", 26], "JSON decode error", {}, {"error": "Expecting value"})]}


MISSING_ENV = {
    "family": "deb", "name": "gc-x", "version": "1", "arch": "amd64", "test_plan": "gc-plan",
    "series": "noble", "repo": "main", "execution_stage": "proposed",
}


def test_missing_field(api):
    r = api.put(START, json=MISSING_ENV)
    assert r.status_code == 422
    assert r.json() == {"detail": [validation("missing", ["body", "deb", "environment"], "Field required",
                                              MISSING_ENV)]}


def test_bad_family(api):
    sent = {"family": "rpm", "name": "gc-x", "version": "1", "arch": "amd64",
            "environment": "gc-env-rpi4", "test_plan": "gc-plan"}
    tags = ("<FamilyName.snap: 'snap'>, <FamilyName.deb: 'deb'>, <FamilyName.charm: 'charm'>, "
            "<FamilyName.image: 'image'>, <FamilyName.solution: 'solution'>")
    r = api.put(START, json=sent)
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "union_tag_invalid", ["body"],
        f"Input tag 'rpm' found using 'family' does not match any of the expected tags: {tags}", sent,
        {"discriminator": "'family'", "tag": "rpm", "expected_tags": tags})]}


def test_bad_snap_stage(api):
    sent = {"family": "snap", "name": "gc-x", "version": "1", "arch": "amd64", "environment": "gc-env-rpi4",
            "test_plan": "gc-plan", "revision": 1, "track": "latest", "store": "ubuntu",
            "execution_stage": "proposed"}
    r = api.put(START, json=sent)
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "enum", ["body", "snap", "execution_stage"], "Input should be 'edge', 'beta', 'candidate' or 'stable'",
        "proposed", {"expected": "'edge', 'beta', 'candidate' or 'stable'"})]}


def test_text_plain_body_refused(api):
    raw = '{"status": "COMPLETED"}'
    r = api.patch("/v1/test-executions/999999999", data=raw.encode(), headers={"Content-Type": "text/plain"})
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "model_attributes_type", ["body"], "Input should be a valid dictionary or object to extract fields from",
        raw)]}


MISSING_BODY = {"detail": [validation("missing", ["body"], "Field required", None)]}
BODY_ROUTES = [("PATCH", "/v1/test-executions/{te}"), ("POST", "/v1/test-executions/{te}/test-results"),
               ("PUT", START)]


def an_execution(api):
    r = api.put(START, json=body(DEB, environment="gc-env-rpi4"))
    assert r.status_code == 200
    return r.json()["id"]


@pytest.mark.parametrize("method,path", BODY_ROUTES)
def test_empty_body_is_missing(api, method, path):
    r = api.request(method, path.format(te=an_execution(api)), data=b"", headers={"Content-Type": JSON})
    assert r.status_code == 422
    assert r.json() == MISSING_BODY


@pytest.mark.parametrize("raw", [b"null", b" null "])
@pytest.mark.parametrize("method,path", BODY_ROUTES)
def test_null_body_is_missing(api, server, method, path, raw):
    te = an_execution(api)
    r = api.request(method, path.format(te=te), data=raw, headers={"Content-Type": JSON})
    assert r.status_code == 422, r.text
    assert r.json() == MISSING_BODY
    assert server.pg.psql("SELECT count(*) FROM test_execution") == "1"


@pytest.mark.parametrize("raw,value", [(b"5", 5), (b"true", True), (b"-1.5", -1.5)])
@pytest.mark.parametrize("method,path,type_,msg", [
    ("PATCH", "/v1/test-executions/{te}", "model_attributes_type",
     "Input should be a valid dictionary or object to extract fields from"),
    ("POST", "/v1/test-executions/{te}/test-results", "list_type", "Input should be a valid list"),
])
def test_scalar_body_is_validated(api, method, path, type_, msg, raw, value):
    r = api.request(method, path.format(te=an_execution(api)), data=raw, headers={"Content-Type": JSON})
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(type_, ["body"], msg, value)]}


def test_string_body_is_validated(api):
    r = api.patch(f"/v1/test-executions/{an_execution(api)}", data=b'"x"', headers={"Content-Type": JSON})
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "model_attributes_type", ["body"], "Input should be a valid dictionary or object to extract fields from",
        "x")]}


def test_json_subtype_suffix_is_json(api):
    r = api.put(START, data=b'{"family": "deb"}', headers={"Content-Type": "application/vnd.api+json"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "missing"


def test_malformed_json_refused_before_permission_check(anon):
    # FastAPI decodes the JSON body before it resolves any dependency
    r = anon.put(START, data=b'{"family": "deb", "name": ', headers={"Content-Type": JSON})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "json_invalid"


def test_permission_check_before_validation(anon):
    # the route's permission dependency runs before parameters and body are validated
    assert anon.get("/v1/artefacts/not-a-number").status_code == 403
    r = anon.put(START, json={"family": "rpm"})
    assert r.status_code == 403
    assert r.json() == INSUFFICIENT


# --- TestObserverRequireAuthentication On ------------------------------------------

@pytest.mark.parametrize("path", ["/", "/v1/version"])
def test_require_authentication_without_key(auth_server, path):
    r = auth_server.client().get(path)
    assert r.status_code == 401
    assert r.headers["content-type"] == JSON
    assert r.json() == {"detail": "Not authenticated"}


@pytest.mark.parametrize("path,expected", [("/", "test observer api"), ("/v1/version", {"version": "0.0.0"})])
def test_require_authentication_with_any_valid_key(auth_server, server, path, expected):
    key = server.add_application([])  # a valid key holding no permission at all
    r = auth_server.client(key).get(path)
    assert r.status_code == 200
    if path == "/":
        assert r.json() == expected
    else:
        assert list(r.json()) == ["version"]


def test_require_authentication_unknown_key(auth_server):
    r = auth_server.client("to_not_a_real_key").get("/v1/version")
    assert r.status_code == 401
    assert r.json() == {"detail": "Not authenticated"}


def test_require_authentication_leaves_health_open(auth_server):
    r = auth_server.client().get("/health/live")
    assert r.status_code == 200
    assert r.json() == {"status": "live"}
