"""Signed-in users: session cookies in upstream's format (so sessions of an
upstream deployment carry over with its secret), the CSRF header rule,
expiry, and the permissions a user gets from teams and the admin flag."""

import os
import shutil
import time

import pytest

from conftest import SESSION_CONF, SESSION_SECRET, free_port, session_cookie, sign_in, start_server

CLEARED = "session=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly; samesite=lax"


def me(client):
    r = client.get("/v1/users/me")
    assert r.status_code == 200, r.text
    return r.json()


def test_me_is_the_signed_in_user_with_teams(user_client):
    c = user_client("ada@example.com", name="Ada", teams={"kernel": ["view_user"], "qa": []})
    body = me(c)
    assert body["id"] == c.user_id
    assert body["email"] == "ada@example.com"
    assert body["name"] == "Ada"
    assert body["is_admin"] is False
    assert sorted(t["name"] for t in body["teams"]) == ["kernel", "qa"]
    assert [t["permissions"] for t in body["teams"] if t["name"] == "kernel"] == [["view_user"]]


def test_cookie_without_csrf_header_counts_for_nothing(user_client):
    c = user_client("bob@example.com", is_admin=True)
    del c.session.headers["X-CSRF-Token"]
    assert me(c) is None
    assert c.get("/v1/users").status_code == 403
    c.session.headers["X-CSRF-Token"] = "anything"
    assert me(c)["email"] == "bob@example.com"


def test_bad_cookies_count_for_nothing(server, anon):
    _, session_id, good = sign_in(server.pg, "carol@example.com", is_admin=True)
    anon.session.headers["X-CSRF-Token"] = "1"
    cases = {
        "other secret": session_cookie(session_id, secret="another-secret"),
        "signed over 14 days ago": session_cookie(session_id, timestamp=int(time.time()) - 15 * 86400),
        "signed in the future": session_cookie(session_id, timestamp=int(time.time()) + 3600),
        "tampered signature": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        "unknown session": session_cookie(session_id + 1000),
        "garbage": "not-a-cookie",
    }
    for why, cookie in cases.items():
        anon.session.cookies.set("session", cookie)
        assert me(anon) is None, why
        assert anon.get("/v1/users").status_code == 403, why
    anon.session.cookies.set("session", good)
    assert me(anon)["email"] == "carol@example.com"


def test_expired_or_deleted_session_counts_for_nothing(server, anon):
    _, sid, cookie = sign_in(server.pg, "dan@example.com", is_admin=True,
                             expires="now() - interval '1 second'")
    anon.session.headers["X-CSRF-Token"] = "1"
    anon.session.cookies.set("session", cookie)
    assert me(anon) is None
    _, sid, cookie = sign_in(server.pg, "dan@example.com", is_admin=True)
    anon.session.cookies.set("session", cookie)
    assert me(anon)["email"] == "dan@example.com"
    server.pg.psql(f"DELETE FROM user_session WHERE id = {sid}")
    assert me(anon) is None


def test_team_permissions_pass_for_members(user_client):
    viewer = user_client("eve@example.com", teams={"viewers": ["view_user", "view_team"]})
    assert viewer.get("/v1/users").status_code == 200
    assert viewer.get("/v1/teams").status_code == 200
    assert viewer.post("/v1/teams", json={"name": "x", "permissions": []}).status_code == 403
    nobody = user_client("frank@example.com", teams=["empty"])
    assert nobody.get("/v1/users").status_code == 403


def test_admin_passes_everything(user_client):
    admin = user_client("grace@example.com", is_admin=True)
    r = admin.post("/v1/teams", json={"name": "made-by-admin", "permissions": ["view_user"]})
    assert r.status_code == 201, r.text
    assert admin.get("/v1/users").status_code == 200
    assert admin.get("/v1/applications").status_code == 200


def test_user_and_application_permissions_add_up(server, user_client):
    # the user's team grants view_user; the key grants view_team
    c = user_client("heidi@example.com", teams={"t1": ["view_user"]})
    key = server.add_application(["view_team"])
    c.session.headers["Authorization"] = f"Bearer {key}"
    assert c.get("/v1/users").status_code == 200
    assert c.get("/v1/teams").status_code == 200
    assert c.get("/v1/applications").status_code == 403


@pytest.fixture(scope="module")
def strict_server(migrated):
    srv = start_server(migrated, SESSION_CONF + "TestObserverRequireAuthentication On\n")
    yield srv
    srv.stop()


def test_signed_in_user_is_authenticated(strict_server):
    anon = strict_server.client()
    assert anon.get("/v1/users/me").status_code == 401
    assert anon.get("/v1/version").status_code == 401
    _, _, cookie = sign_in(strict_server.pg, "ivan@example.com")
    c = strict_server.client()
    c.session.cookies.set("session", cookie)
    c.session.headers["X-CSRF-Token"] = "1"
    assert c.get("/v1/users/me").json()["email"] == "ivan@example.com"
    assert c.get("/v1/version").status_code == 200
    assert c.get("/v1/artefacts").status_code == 403


@pytest.fixture(scope="module")
def sessionless_server(migrated):
    srv = start_server(migrated)
    yield srv
    srv.stop()


def test_without_a_secret_cookies_are_ignored(sessionless_server):
    _, _, cookie = sign_in(sessionless_server.pg, "judy@example.com", is_admin=True)
    c = sessionless_server.client()
    c.session.cookies.set("session", cookie)
    c.session.headers["X-CSRF-Token"] = "1"
    assert c.get("/v1/users/me").json() is None
    assert c.get("/v1/users").status_code == 403
    assert SESSION_SECRET  # the same cookie works where the secret is set: above


@pytest.fixture(scope="module")
def sweeping_server(migrated):
    srv = start_server(migrated, SESSION_CONF + "TestObserverSessionSweep 1\n")
    yield srv
    srv.stop()


def test_expired_sessions_are_swept(sweeping_server):
    pg = sweeping_server.pg
    _, expired, _ = sign_in(pg, "kim@example.com", expires="now() - interval '1 minute'")
    _, live, _ = sign_in(pg, "kim@example.com")
    # mod_watchdog runs the sweep every second: wait for it, within reason
    deadline = time.time() + 30
    while pg.psql(f"SELECT count(*) FROM user_session WHERE id = {expired}") != "0":
        assert time.time() < deadline, "the expired session was not deleted"
        time.sleep(0.2)
    assert pg.psql(f"SELECT count(*) FROM user_session WHERE id = {live}") == "1"


class _NoDatabase:
    """Where no PostgreSQL listens."""
    main_dsn = f"host=127.0.0.1 port={free_port()} dbname=testobserver user=testobserver"


def test_logout_clears_the_cookie_without_the_database():
    """Signing out while the session cannot be deleted still clears the
    browser's cookie; the answer says the database is unavailable."""
    srv = start_server(_NoDatabase(), SESSION_CONF)
    try:
        c = srv.client()
        c.session.cookies.set("session", session_cookie(1))
        r = c.get("/v1/auth/saml/logout", allow_redirects=False)
        assert (r.status_code, r.json()) == (503, {"detail": "Database unavailable"})
        assert r.headers["Set-Cookie"] == CLEARED
        # without a cookie there is nothing to clear, and nothing to delete
        r = srv.client().get("/v1/auth/saml/logout", allow_redirects=False)
        assert r.status_code == 302 and "Set-Cookie" not in r.headers
    finally:
        srv.stop()
        if not os.environ.get("TO_KEEP_TMP"):
            shutil.rmtree(srv.root, ignore_errors=True)


def test_one_sweep_per_database(migrated):
    """Virtual hosts that name no database of their own share the main
    server's sweep; one that names its own gets one of its own."""
    vhosts = "".join(f"<VirtualHost *:*>\n    ServerName {name}.example.test\n</VirtualHost>\n"
                     for name in ("a", "b"))
    vhosts += ("<VirtualHost *:*>\n    ServerName c.example.test\n    DBDriver pgsql\n"
               f'    DBDParams "{migrated.main_dsn}"\n</VirtualHost>\n')
    srv = start_server(migrated, SESSION_CONF + "LogLevel warn testobserver:info\n" + vhosts)
    try:
        srv.stop()  # the lines are written at start
        lines = [line for line in srv.log_text().splitlines() if "TO00900" in line]
        assert len(lines) == 2, lines
        assert "of 127.0.0.1 are deleted every 3600 s (the main server's database)" in lines[0]
        assert "of c.example.test are deleted every 3600 s (its own database)" in lines[1]
    finally:
        srv.stop()
        if not os.environ.get("TO_KEEP_TMP"):
            shutil.rmtree(srv.root, ignore_errors=True)
