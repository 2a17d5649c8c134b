"""testobserver-admin's user commands, as upstream's scripts: add-user,
promote-user-to-admin, change-assignee, delete-expired-sessions; run
against the test database."""

import subprocess

from conftest import session_cookie
from helpers import SNAP


def admin(server, admin_bin, *args):
    return subprocess.run([str(admin_bin), "--dsn", server.pg.main_dsn, *args],
                          capture_output=True, text=True)


def ok(proc):
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_add_user_prints_id_and_keeps_existing(server, admin_bin, api):
    pg = server.pg
    uid = int(ok(admin(server, admin_bin, "add-user", "ada@example.com", "Ada Lovelace")))
    assert pg.psql(f"SELECT email, name, launchpad_handle IS NULL, is_admin FROM app_user WHERE id = {uid}") \
        == "ada@example.com|Ada Lovelace|t|f"
    again = admin(server, admin_bin, "add-user", "ada@example.com", "Someone Else")
    assert int(ok(again)) == uid and "already exists" in again.stderr
    assert pg.psql(f"SELECT name FROM app_user WHERE id = {uid}") == "Ada Lovelace"
    # the API sees the user
    assert api.get(f"/v1/users/{uid}").json()["email"] == "ada@example.com"


def test_add_user_name_defaults_and_handle(server, admin_bin):
    pg = server.pg
    uid = int(ok(admin(server, admin_bin, "add-user", "--launchpad-handle", "bob", "bob@example.com")))
    assert pg.psql(f"SELECT name, launchpad_handle FROM app_user WHERE id = {uid}") == "bob@example.com|bob"
    bad = admin(server, admin_bin, "add-user", "not-an-email")
    assert bad.returncode == 1 and "not an email" in bad.stderr
    assert pg.psql("SELECT count(*) FROM app_user") == "1"


def test_add_user_binds_values(server, admin_bin):
    name = "o'brien\"); DROP TABLE app_user; --"
    ok(admin(server, admin_bin, "add-user", "ob@example.com", name))
    assert server.pg.psql("SELECT name FROM app_user") == name


def test_promote_user_to_admin(server, admin_bin, anon):
    pg = server.pg
    uid = int(ok(admin(server, admin_bin, "add-user", "carol@example.com")))
    sid = int(pg.psql("INSERT INTO user_session (user_id, expires_at, created_at, updated_at)"
                      f" VALUES ({uid}, now() + interval '1 day', now(), now()) RETURNING id"))
    anon.session.cookies.set("session", session_cookie(sid))
    anon.session.headers["X-CSRF-Token"] = "1"
    assert anon.get("/v1/users").status_code == 403
    assert ok(admin(server, admin_bin, "promote-user-to-admin", "carol@example.com")) == ""
    assert pg.psql(f"SELECT is_admin FROM app_user WHERE id = {uid}") == "t"
    assert anon.get("/v1/users").status_code == 200
    again = admin(server, admin_bin, "promote-user-to-admin", "carol@example.com")
    assert again.returncode == 0 and "already" in again.stderr
    missing = admin(server, admin_bin, "promote-user-to-admin", "nobody@example.com")
    assert missing.returncode == 1 and "User with email nobody@example.com not found" in missing.stderr


def test_change_assignee(server, admin_bin, api):
    pg = server.pg
    te = api.put("/v1/test-executions/start-test", json=SNAP).json()["id"]
    art = int(pg.psql(f"SELECT b.artefact_id FROM test_execution te JOIN artefact_build b"
                      f" ON b.id = te.artefact_build_id WHERE te.id = {te}"))
    u1 = int(ok(admin(server, admin_bin, "add-user", "u1@example.com")))
    u2 = int(ok(admin(server, admin_bin, "add-user", "u2@example.com")))
    u3 = int(ok(admin(server, admin_bin, "add-user", "u3@example.com")))
    assert api.patch(f"/v1/artefacts/{art}", json={"reviewer_ids": [u1, u2]}).status_code == 200
    ok(admin(server, admin_bin, "change-assignee", str(art), str(u3)))
    assert [r["id"] for r in api.get(f"/v1/artefacts/{art}").json()["reviewers"]] == [u3]
    ok(admin(server, admin_bin, "change-assignee", str(art), str(u3)))  # the same again
    assert pg.psql(f"SELECT string_agg(user_id::text, ',') FROM artefact_reviewers_association"
                   f" WHERE artefact_id = {art}") == str(u3)

    r = admin(server, admin_bin, "change-assignee", "999999", str(u1))
    assert r.returncode == 1 and "No artefact with id 999999 found" in r.stderr
    r = admin(server, admin_bin, "change-assignee", str(art), "999999")
    assert r.returncode == 1 and "No user with id 999999 found" in r.stderr
    for bad in ("x", "0", "1.5", "99999999999"):
        r = admin(server, admin_bin, "change-assignee", bad, str(u1))
        assert r.returncode == 1 and "invalid artefact id" in r.stderr
    assert pg.psql(f"SELECT user_id FROM artefact_reviewers_association WHERE artefact_id = {art}") == str(u3)


def test_delete_expired_sessions(server, admin_bin):
    pg = server.pg
    uid = int(ok(admin(server, admin_bin, "add-user", "s@example.com")))
    for when in ("now() - interval '1 hour'", "now() - interval '1 day'", "now() + interval '1 day'"):
        pg.psql("INSERT INTO user_session (user_id, expires_at, created_at, updated_at)"
                f" VALUES ({uid}, {when}, now(), now())")
    assert ok(admin(server, admin_bin, "delete-expired-sessions")).strip() == "2"
    assert pg.psql("SELECT count(*) FROM user_session WHERE expires_at > now()") == "1"
    assert pg.psql("SELECT count(*) FROM user_session") == "1"


def test_usage_errors(server, admin_bin):
    for args in (["add-user"], ["promote-user-to-admin"], ["change-assignee", "1"],
                 ["delete-expired-sessions", "x"], ["add-user", "--replace", "a@example.com"],
                 ["promote-user-to-admin", "--launchpad-handle", "h", "a@example.com"], ["frobnicate"]):
        r = admin(server, admin_bin, *args)
        assert r.returncode == 2 and "usage:" in r.stderr, args
