"""Matching-rule (AMR) grants: a signed-in user without a permission holds it
for an artefact when a matching rule linked to one of the user's teams
matches the artefact and grants it. PATCH /v1/artefacts/{id} and rerun
creation and deletion check it, all or nothing, in a bounded number of
statements."""

import concurrent.futures
import copy
import os
import shutil
import subprocess
import time

import pytest

from conftest import SESSION_CONF, sign_in, start_server
from helpers import CHARM, DEB, INSUFFICIENT, SNAP
from sqlcount import _LoggedPostgres, statements


def start(api, body, **changes):
    b = copy.deepcopy(body)
    b.update(changes)
    r = api.put("/v1/test-executions/start-test", json=b)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def artefact_of(pg, execution_id):
    return int(pg.psql("SELECT b.artefact_id FROM test_execution te JOIN artefact_build b"
                       f" ON b.id = te.artefact_build_id WHERE te.id = {execution_id}"))


def rule(api, team_ids, grants, **fields):
    r = api.post("/v1/artefact-matching-rules",
                 json={"team_ids": team_ids, "grant_permissions": grants, **fields})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def team_id(pg, name):
    return int(pg.psql(f"SELECT id FROM team WHERE name = '{name}'"))


def test_patch_artefact_granted_by_matching_rule(api, server, user_client):
    pg = server.pg
    snap = artefact_of(pg, start(api, SNAP))
    user = user_client("amr@example.com", teams=["snappers"])
    assert user.patch(f"/v1/artefacts/{snap}", json={"comment": "x"}).json() == INSUFFICIENT

    rule(api, [team_id(pg, "snappers")], ["change_artefact"], family="snap", track="latest")
    r = user.patch(f"/v1/artefacts/{snap}", json={"comment": "granted"})
    assert r.status_code == 200, r.text
    assert r.json()["comment"] == "granted"


def test_rule_must_grant_that_permission_and_match_every_field(api, server, user_client):
    pg = server.pg
    snap = artefact_of(pg, start(api, SNAP))
    user = user_client("amr2@example.com", teams=["t1"])
    t1 = team_id(pg, "t1")
    rule(api, [t1], ["change_rerun"], family="snap")                       # another permission
    rule(api, [t1], ["change_artefact"], family="snap", track="other")     # another track
    rule(api, [t1], ["change_artefact"], family="snap", stage="edge")      # another stage
    rule(api, [t1], ["change_artefact"], family="deb")                     # another family
    assert user.patch(f"/v1/artefacts/{snap}", json={"comment": "x"}).status_code == 403
    rule(api, [t1], ["change_artefact"], family="snap", name="gc-snap", stage="beta",
         store="ubuntu", track="latest")
    assert user.patch(f"/v1/artefacts/{snap}", json={"comment": "x"}).status_code == 200


def test_rule_of_another_team_grants_nothing(api, server, user_client):
    pg = server.pg
    snap = artefact_of(pg, start(api, SNAP))
    user_client("other@example.com", teams=["others"])
    user = user_client("mine@example.com", teams=["mine"])
    rule(api, [team_id(pg, "others")], ["change_artefact"], family="snap")
    assert user.patch(f"/v1/artefacts/{snap}", json={"comment": "x"}).json() == INSUFFICIENT


def test_application_and_anonymous_get_no_grant(api, server, anon, client_with):
    pg = server.pg
    snap = artefact_of(pg, start(api, SNAP))
    pg.psql("INSERT INTO team (name, permissions, created_at, updated_at) VALUES ('t', '{}', now(), now())")
    rule(api, [team_id(pg, "t")], ["change_artefact"], family="snap")
    for c in (anon, client_with("view_artefact")):
        r = c.patch(f"/v1/artefacts/{snap}", json={"comment": "x"})
        assert (r.status_code, r.json()) == (403, INSUFFICIENT)
    # the general permission needs no rule
    assert client_with("change_artefact").patch(f"/v1/artefacts/{snap}",
                                                json={"comment": "y"}).status_code == 200


def test_patch_order_404_then_422_then_403(api, server, user_client):
    snap = artefact_of(server.pg, start(api, SNAP))
    user = user_client("order@example.com")
    assert user.patch("/v1/artefacts/999999", json={"comment": "x"}).status_code == 404
    assert user.patch(f"/v1/artefacts/{snap}", json={"archived": "maybe"}).status_code == 422
    assert user.patch(f"/v1/artefacts/{snap}", json={"comment": "x"}).status_code == 403


def test_rerun_create_and_delete_granted(api, server, user_client):
    pg = server.pg
    te = start(api, SNAP)
    user = user_client("rr@example.com", teams=["rr"])
    body = {"test_execution_ids": [te]}
    assert user.post("/v1/test-executions/reruns", json=body).json() == INSUFFICIENT
    assert user.delete("/v1/test-executions/reruns", json=body).json() == INSUFFICIENT
    rule(api, [team_id(pg, "rr")], ["change_rerun"], family="snap")
    r = user.post("/v1/test-executions/reruns", json=body)
    assert r.status_code == 200, r.text
    assert [x["test_execution_id"] for x in r.json()] == [te]
    assert user.delete("/v1/test-executions/reruns", json=body).status_code == 200
    assert pg.psql("SELECT count(*) FROM test_execution_rerun_request") == "0"


def test_reruns_all_or_nothing(api, server, user_client):
    pg = server.pg
    snap_te = start(api, SNAP)
    deb_te = start(api, DEB)
    user = user_client("bulk@example.com", teams={"bulk": ["change_rerun_bulk"]})
    rule(api, [team_id(pg, "bulk")], ["change_rerun"], family="snap")
    body = {"test_execution_ids": [snap_te, deb_te]}
    r = user.post("/v1/test-executions/reruns", json=body)
    assert (r.status_code, r.json()) == (403, INSUFFICIENT)
    assert pg.psql("SELECT count(*) FROM test_execution_rerun_request") == "0"
    # by filters too: the deb is among what the filters select
    r = user.post("/v1/test-executions/reruns?silent=true",
                  json={"test_executions_filters": {"families": ["snap", "deb"]}})
    assert (r.status_code, r.json()) == (403, INSUFFICIENT)
    assert pg.psql("SELECT count(*) FROM test_execution_rerun_request") == "0"
    r = user.delete("/v1/test-executions/reruns", json={"test_executions_filters": {"families": ["snap", "deb"]}})
    assert (r.status_code, r.json()) == (403, INSUFFICIENT)
    rule(api, [team_id(pg, "bulk")], ["change_rerun"], family="deb")
    assert user.post("/v1/test-executions/reruns", json=body).status_code == 200
    assert pg.psql("SELECT count(*) FROM test_execution_rerun_request") == "2"
    r = user.delete("/v1/test-executions/reruns", json={"test_executions_filters": {"families": ["snap"]}})
    assert r.status_code == 200
    assert pg.psql("SELECT count(*) FROM test_execution_rerun_request") == "1"


def _reruns_waiting(pg):
    return pg.psql("SELECT count(*) FROM pg_locks WHERE NOT granted"
                   " AND relation = 'test_execution_rerun_request'::regclass")


@pytest.mark.parametrize("method", ["post", "delete"])
def test_grant_checked_in_the_write_itself(api, server, user_client, method):
    """An execution that the filters come to select while the request runs
    is checked too: the grant and the write are one statement. Another
    session holds the rerun table while it moves a deb execution (no rule
    for debs) into the filtered environment, and commits only once the
    request waits on that table."""
    pg = server.pg
    snap_te = start(api, SNAP)
    deb_te = start(api, DEB, environment="elsewhere")
    if method == "delete":
        api.post("/v1/test-executions/reruns", json={"test_execution_ids": [snap_te, deb_te]})
    before = pg.psql("SELECT count(*) FROM test_execution_rerun_request")
    user = user_client("race@example.com", teams={"race": ["change_rerun_bulk"]})
    rule(api, [team_id(pg, "race")], ["change_rerun"], family="snap")
    body = {"test_executions_filters": {"environments": [SNAP["environment"]]}}

    holder = subprocess.Popen(
        [str(pg.bindir / "psql"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "testobserver",
         "-d", "testobserver", "-qAt", "-v", "ON_ERROR_STOP=1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        holder.stdin.write(
            "BEGIN; LOCK TABLE test_execution_rerun_request IN EXCLUSIVE MODE;"
            f" UPDATE test_execution SET environment_id = (SELECT environment_id FROM test_execution"
            f" WHERE id = {snap_te}) WHERE id = {deb_te};\n\\echo held\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "held"
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            call = getattr(user, method)
            pending = pool.submit(call, "/v1/test-executions/reruns?silent=true", json=body)
            deadline = time.time() + 30
            while _reruns_waiting(pg) == "0":
                assert not pending.done() and time.time() < deadline, "the request did not wait"
                time.sleep(0.05)
            holder.stdin.write("COMMIT;\n")
            holder.stdin.close()
            holder.wait(30)
            r = pending.result(30)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert (r.status_code, r.json()) == (403, INSUFFICIENT)
    assert pg.psql("SELECT count(*) FROM test_execution_rerun_request") == before


def test_bulk_still_needs_the_bulk_permission(api, server, user_client):
    pg = server.pg
    a, b = start(api, SNAP), start(api, CHARM)
    user = user_client("nobulk@example.com", teams=["nb"])
    rule(api, [team_id(pg, "nb")], ["change_rerun", "change_rerun_bulk"], family="snap")
    rule(api, [team_id(pg, "nb")], ["change_rerun", "change_rerun_bulk"], family="charm")
    # rules grant per artefact; change_rerun_bulk is a general permission
    assert user.post("/v1/test-executions/reruns", json={"test_execution_ids": [a, b]}).status_code == 403
    assert user.post("/v1/test-executions/reruns", json={"test_execution_ids": [a]}).status_code == 200


def test_reruns_unknown_ids_and_empty_filters(api, server, user_client):
    user = user_client("edge@example.com", teams={"e": ["change_rerun_bulk"]})
    # nothing selected: nothing to grant, upstream's 404 for no execution found
    r = user.post("/v1/test-executions/reruns", json={"test_execution_ids": [424242]})
    assert (r.status_code, r.json()) == (404, {"detail": "Didn't find test executions with provided ids"})
    r = user.post("/v1/test-executions/reruns?silent=true", json={"test_executions_filters": {}})
    assert (r.status_code, r.json()) == (
        422, {"detail": "At least one filter must be provided in test_executions_filters"})


def test_admin_and_team_permission_need_no_rule(api, server, user_client):
    te = start(api, SNAP)
    snap = artefact_of(server.pg, te)
    admin = user_client("root@example.com", is_admin=True)
    member = user_client("member@example.com", teams={"ops": ["change_artefact", "change_rerun"]})
    for c in (admin, member):
        assert c.patch(f"/v1/artefacts/{snap}", json={"comment": "ok"}).status_code == 200
        assert c.post("/v1/test-executions/reruns", json={"test_execution_ids": [te]}).status_code == 200


@pytest.fixture(scope="module")
def counting_sessions(server):
    """A second httpd whose statements PostgreSQL logs, with sessions on."""
    pg = server.pg
    pg.psql("GRANT SET ON PARAMETER log_statement TO testobserver", dbname="postgres", user="postgres")
    srv = start_server(_LoggedPostgres(pg), SESSION_CONF)
    yield srv
    srv.stop()
    if not os.environ.get("TO_KEEP_TMP"):
        shutil.rmtree(srv.root, ignore_errors=True)


def test_grant_check_costs_the_same_whatever_the_number(api, server, counting_sessions):
    pg = server.pg
    ids = [start(api, SNAP, ci_link=f"https://ci.example.com/{i}", version=f"1.{i}") for i in range(30)]
    _, _, cookie = sign_in(pg, "many@example.com", teams={"m": ["change_rerun_bulk"]})
    rule(api, [team_id(pg, "m")], ["change_rerun"], family="snap")
    user = counting_sessions.client()
    user.session.cookies.set("session", cookie)
    user.session.headers["X-CSRF-Token"] = "1"

    def cost(n):
        r, count = statements(counting_sessions, lambda: user.post(
            "/v1/test-executions/reruns?silent=true", json={"test_execution_ids": ids[:n]}))
        assert r.status_code == 200, r.text
        return count

    cost(2)  # the first request of a connection also prepares
    assert cost(2) == cost(30) <= 6


@pytest.mark.parametrize("body", [{"test_execution_ids": "IDS"},
                                  {"test_executions_filters": {"families": ["snap"]}}])
def test_grant_costs_no_statement_of_its_own(api, server, counting_sessions, body):
    """A user granted by rules costs what a user holding change_rerun costs:
    the grant is checked inside the write, not before it."""
    pg = server.pg
    ids = [start(api, SNAP, ci_link=f"https://ci.example.com/{i}", version=f"1.{i}") for i in range(3)]
    if "test_execution_ids" in body:
        body = {"test_execution_ids": ids}
    _, _, granted = sign_in(pg, "ruled@example.com", teams={"ruled": ["change_rerun_bulk"]})
    rule(api, [team_id(pg, "ruled")], ["change_rerun"], family="snap")
    _, _, holder = sign_in(pg, "holder@example.com", teams={"holders": ["change_rerun", "change_rerun_bulk"]})

    def cost(cookie, method):
        c = counting_sessions.client()
        c.session.cookies.set("session", cookie)
        c.session.headers["X-CSRF-Token"] = "1"
        call = getattr(c, method)
        call("/v1/test-executions/reruns?silent=true", json=body)  # the connection prepares first
        r, count = statements(counting_sessions, lambda: call("/v1/test-executions/reruns?silent=true", json=body))
        assert r.status_code == 200, r.text
        return count

    for method in ("post", "delete"):
        assert cost(granted, method) == cost(holder, method)
