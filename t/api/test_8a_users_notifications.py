"""Users and notifications: the golden exchanges 15, then users and
notifications made with SQL (they come from SAML sign-in and review
assignment upstream), paging, search, dismissal, permissions, validation and
TestObserverRequireAuthentication."""

import concurrent.futures
import shutil

import pytest

from conftest import start_server
from helpers import DEB, INSUFFICIENT, JSON, count, is_ts, start, validation
from sqlcount import counting_server, statements  # noqa: F401 (fixture)

EMPTY_PAGE = {"notifications": [], "count": 0, "limit": 50, "offset": 0}


def add_user(pg, email, name, handle=None, is_admin=False):
    h = f"'{handle}'" if handle else "NULL"
    return int(pg.psql("INSERT INTO app_user (email, name, launchpad_handle, is_admin, created_at, updated_at)"
                       f" VALUES ('{email}', '{name}', {h}, {str(is_admin).lower()}, now(), now()) RETURNING id"))


def add_note(pg, user, kind="USER_ASSIGNED_ARTEFACT_REVIEW", url="https://to.example.com/a/1", age=0,
             dismissed=False):
    d = f"now() - interval '{age} minutes'" if dismissed else "NULL"
    u = f"'{url}'" if url else "NULL"
    return int(pg.psql("INSERT INTO notification (user_id, notification_type, target_url, dismissed_at,"
                       f" created_at, updated_at) VALUES ({user}, '{kind}', {u}, {d},"
                       f" now() - interval '{age} minutes', now()) RETURNING id"))


def user_shape(uid, email, name, handle=None, teams=(), is_admin=False):
    return {"id": uid, "email": email, "name": name, "launchpad_handle": handle, "teams": list(teams),
            "is_admin": is_admin}


def ge1(name, value):
    return validation("greater_than_equal", ["query", name], "Input should be greater than or equal to 1", value,
                      {"ge": 1})


# --- the exchanges of 15, in their order -------------------------------------

def test_scenario(api, anon):
    for c in (api, anon):
        r = c.get("/v1/users/me")
        assert r.status_code == 200
        assert r.headers["content-type"] == JSON
        assert r.text == "null"

    r = api.get("/v1/users?q=UUID1")
    assert r.status_code == 200
    assert r.json() == {"users": [], "count": 0, "limit": 50, "offset": 0}
    assert api.get("/v1/users?limit=2&offset=0").json() == {"users": [], "count": 0, "limit": 2, "offset": 0}
    r = api.get("/v1/users?limit=0")
    assert r.status_code == 422
    assert r.json() == {"detail": [ge1("limit", "0")]}

    for method, payload in (("GET", None), ("PATCH", {"is_admin": True})):
        r = api.request(method, "/v1/users/999999999", json=payload)
        assert r.status_code == 404
        assert r.json() == {"detail": "User with id 999999999 not found"}
    r = api.delete("/v1/users/999999999")
    assert r.status_code == 204
    assert r.content == b""

    r = anon.get("/v1/users")
    assert r.status_code == 403
    assert r.json() == INSUFFICIENT

    for c in (api, anon):
        r = c.get("/v1/users/me/notifications")
        assert r.status_code == 200
        assert r.json() == EMPTY_PAGE
    for c in (api, anon):
        r = c.get("/v1/users/me/notifications/count")
        assert r.status_code == 200
        assert r.headers["content-type"] == JSON
        assert r.text == "0"

    r = api.post("/v1/users/me/notifications/1/dismiss")
    assert r.status_code == 403
    assert r.json() == {"detail": "Forbidden"}
    r = anon.post("/v1/users/me/notifications/1/dismiss")
    assert r.status_code == 401
    assert r.json() == {"detail": "Not authenticated"}

    r = api.get("/v1/users/me/notifications?limit=0")
    assert r.status_code == 422
    assert r.json() == {"detail": [ge1("limit", "0")]}

    for method, path in (("GET", "/v1/users/999999999/notifications?unread_only=true"),
                         ("GET", "/v1/users/999999999/notifications/count"),
                         ("POST", "/v1/users/999999999/notifications/1/dismiss")):
        r = api.request(method, path)
        assert r.status_code == 404
        assert r.json() == {"detail": "User not found"}

    r = anon.get("/v1/users/999999999/notifications")
    assert r.status_code == 403
    assert r.json() == INSUFFICIENT


# --- users --------------------------------------------------------------------

@pytest.fixture
def people(server, api):
    """Four users; ann and bob in a team."""
    pg = server.pg
    ids = {
        "zoe": add_user(pg, "zoe@example.com", "Zoe Zed", "zoe"),
        "ann": add_user(pg, "ann@canonical.com", "Ann Able", "annie"),
        "bob": add_user(pg, "bob@example.com", "Bob Bee", is_admin=True),
        "cid": add_user(pg, "cid@canonical.com", "Cid Sea"),
    }
    team = api.post("/v1/teams", json={"name": "gc-qa", "permissions": ["view_test"]}).json()["id"]
    for who in ("ann", "bob"):
        assert api.post(f"/v1/teams/{team}/members/{ids[who]}").status_code == 200
    ids["team"] = team
    return ids


def test_get_user(api, people):
    r = api.get(f"/v1/users/{people['ann']}")
    assert r.status_code == 200
    assert r.json() == user_shape(people["ann"], "ann@canonical.com", "Ann Able", "annie",
                                  [{"id": people["team"], "name": "gc-qa", "permissions": ["view_test"]}])
    assert api.get(f"/v1/users/{people['zoe']}").json() == user_shape(people["zoe"], "zoe@example.com", "Zoe Zed",
                                                                      "zoe")


def test_list_by_name_with_count(api, people):
    r = api.get("/v1/users")
    assert r.status_code == 200
    data = r.json()
    assert list(data) == ["users", "count", "limit", "offset"]
    assert [u["name"] for u in data["users"]] == ["Ann Able", "Bob Bee", "Cid Sea", "Zoe Zed"]
    assert data["count"] == 4
    assert data["users"][1] == user_shape(people["bob"], "bob@example.com", "Bob Bee", None,
                                          [{"id": people["team"], "name": "gc-qa", "permissions": ["view_test"]}],
                                          True)
    page = api.get("/v1/users?limit=2&offset=1").json()
    assert [u["name"] for u in page["users"]] == ["Bob Bee", "Cid Sea"]
    assert (page["count"], page["limit"], page["offset"]) == (4, 2, 1)
    assert api.get("/v1/users?offset=10").json() == {"users": [], "count": 4, "limit": 50, "offset": 10}


@pytest.mark.parametrize("q,names", [
    ("canonical", ["Ann Able", "Cid Sea"]),
    ("CANONICAL.com sea", ["Cid Sea"]),
    ("annie", ["Ann Able"]),
    ("  ", ["Ann Able", "Bob Bee", "Cid Sea", "Zoe Zed"]),
    ("b", ["Ann Able", "Bob Bee"]),
    ("nobody", []),
    ("e_a", ["Bob Bee", "Zoe Zed"]),  # '_' is a LIKE wildcard, as upstream
])
def test_search(api, people, q, names):
    r = api.get("/v1/users", params={"q": q})
    assert r.status_code == 200
    data = r.json()
    assert [u["name"] for u in data["users"]] == names
    assert data["count"] == len(names)


def test_search_by_id(api, people):
    r = api.get("/v1/users", params={"q": str(people["cid"])})
    assert [u["id"] for u in r.json()["users"]] == [people["cid"]]
    r = api.get("/v1/users", params={"q": "99999999999999999999999"})
    assert r.json()["count"] == 0


@pytest.mark.parametrize("query,error", [
    ("limit=1001", validation("less_than_equal", ["query", "limit"], "Input should be less than or equal to 1000",
                              "1001", {"le": 1000})),
    ("offset=-1", validation("greater_than_equal", ["query", "offset"], "Input should be greater than or equal to 0",
                             "-1", {"ge": 0})),
    ("limit=x", validation("int_parsing", ["query", "limit"],
                           "Input should be a valid integer, unable to parse string as an integer", "x")),
])
def test_list_invalid(api, query, error):
    r = api.get("/v1/users?" + query)
    assert r.status_code == 422
    assert r.json() == {"detail": [error]}


def test_patch_admin(api, server, people):
    uid = people["zoe"]
    r = api.patch(f"/v1/users/{uid}", json={"is_admin": True})
    assert r.status_code == 200
    assert r.json() == user_shape(uid, "zoe@example.com", "Zoe Zed", "zoe", is_admin=True)
    assert server.pg.psql(f"SELECT is_admin FROM app_user WHERE id = {uid}") == "t"
    assert api.patch(f"/v1/users/{uid}", json={}).json()["is_admin"] is True
    assert api.patch(f"/v1/users/{uid}", json={"is_admin": None}).json()["is_admin"] is True
    assert api.patch(f"/v1/users/{uid}", json={"is_admin": "false"}).json()["is_admin"] is False


def test_patch_invalid(api, people):
    r = api.patch(f"/v1/users/{people['zoe']}", json={"is_admin": "maybe"})
    assert r.status_code == 422
    assert r.json() == {"detail": [validation("bool_parsing", ["body", "is_admin"],
                                              "Input should be a valid boolean, unable to interpret input", "maybe")]}
    r = api.patch(f"/v1/users/{people['zoe']}")
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "missing"


def test_delete_user_with_everything(api, server, people):
    pg = server.pg
    uid = people["ann"]
    te = start(api, DEB)
    artefact = pg.psql(f"SELECT b.artefact_id FROM test_execution t JOIN artefact_build b ON b.id ="
                       f" t.artefact_build_id WHERE t.id = {te}")
    pg.psql(f"INSERT INTO artefact_reviewers_association (artefact_id, user_id) VALUES ({artefact}, {uid})")
    pg.psql(f"INSERT INTO user_session (expires_at, user_id, created_at, updated_at)"
            f" VALUES (now() + interval '1 day', {uid}, now(), now())")
    add_note(pg, uid)
    r = api.delete(f"/v1/users/{uid}")
    assert r.status_code == 204
    assert api.get(f"/v1/users/{uid}").status_code == 404
    for table in ("team_users_association", "artefact_reviewers_association", "user_session", "notification"):
        assert count(pg, table, f"user_id = {uid}") == 0, table
    assert [m["id"] for m in api.get(f"/v1/teams/{people['team']}").json()["members"]] == [people["bob"]]
    assert api.get(f"/v1/artefacts/{artefact}").status_code == 200


def test_delete_while_joining_teams(api, server):
    """A user deleted while being added to teams: each addition is 200 or
    404, never 500, and no membership outlives the user."""
    pg = server.pg
    teams = [api.post("/v1/teams", json={"name": f"gc-j{i}"}).json()["id"] for i in range(12)]
    for _ in range(3):
        uid = add_user(pg, "gone@example.com", "Gone")

        def act(i):
            if i == 6:
                return api.delete(f"/v1/users/{uid}")
            return api.post(f"/v1/teams/{teams[i]}/members/{uid}")

        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            answers = list(pool.map(act, range(12)))
        assert answers[6].status_code == 204
        assert {r.status_code for i, r in enumerate(answers) if i != 6} <= {200, 404}
        assert count(pg, "app_user", f"id = {uid}") == 0
        assert count(pg, "team_users_association") == 0


# --- notifications ------------------------------------------------------------

def test_notifications_of_a_user(api, server, people):
    pg = server.pg
    uid = people["zoe"]
    old = add_note(pg, uid, age=30, dismissed=True)
    mid = add_note(pg, uid, "USER_ASSIGNED_ENVIRONMENT_REVIEW", None, age=20)
    new = add_note(pg, uid, age=10)
    add_note(pg, people["ann"])

    r = api.get(f"/v1/users/{uid}/notifications")
    assert r.status_code == 200
    page = r.json()
    assert list(page) == ["notifications", "count", "limit", "offset"]
    assert [n["id"] for n in page["notifications"]] == [new, mid, old]
    assert page["count"] == 3
    first = page["notifications"][1]
    assert list(first) == ["id", "user_id", "notification_type", "target_url", "created_at", "dismissed_at"]
    assert first["user_id"] == uid
    assert first["notification_type"] == "USER_ASSIGNED_ENVIRONMENT_REVIEW"
    assert first["target_url"] is None
    assert is_ts(first["created_at"]) and first["dismissed_at"] is None
    assert is_ts(page["notifications"][2]["dismissed_at"])

    unread = api.get(f"/v1/users/{uid}/notifications?unread_only=true").json()
    assert [n["id"] for n in unread["notifications"]] == [new, mid]
    assert unread["count"] == 2
    paged = api.get(f"/v1/users/{uid}/notifications?limit=1&offset=1").json()
    assert [n["id"] for n in paged["notifications"]] == [mid]
    assert (paged["count"], paged["limit"], paged["offset"]) == (3, 1, 1)

    assert api.get(f"/v1/users/{uid}/notifications/count").text == "3"
    assert api.get(f"/v1/users/{uid}/notifications/count?unread_only=1").text == "2"
    assert api.get(f"/v1/users/{people['cid']}/notifications/count").text == "0"
    assert api.get(f"/v1/users/{people['cid']}/notifications").json() == EMPTY_PAGE


def test_dismiss(api, server, people):
    pg = server.pg
    uid = people["zoe"]
    note = add_note(pg, uid)
    r = api.post(f"/v1/users/{uid}/notifications/{note}/dismiss")
    assert r.status_code == 200
    got = r.json()
    assert got["id"] == note and got["user_id"] == uid
    assert is_ts(got["dismissed_at"])
    # a second dismissal keeps the first time
    again = api.post(f"/v1/users/{uid}/notifications/{note}/dismiss").json()
    assert again == got
    assert api.get(f"/v1/users/{uid}/notifications/count?unread_only=true").text == "0"

    # someone else's notification, or none
    for path in (f"/v1/users/{people['ann']}/notifications/{note}/dismiss",
                 f"/v1/users/{uid}/notifications/999999/dismiss"):
        r = api.post(path)
        assert r.status_code == 404
        assert r.json() == {"detail": "Notification not found"}


@pytest.mark.parametrize("path,error", [
    ("/v1/users/1/notifications?unread_only=maybe",
     validation("bool_parsing", ["query", "unread_only"], "Input should be a valid boolean, unable to interpret input",
                "maybe")),
    ("/v1/users/me/notifications/count?unread_only=2",
     validation("bool_parsing", ["query", "unread_only"], "Input should be a valid boolean, unable to interpret input",
                "2")),
    ("/v1/users/me/notifications?offset=-3",
     validation("greater_than_equal", ["query", "offset"], "Input should be greater than or equal to 0", "-3",
                {"ge": 0})),
    ("/v1/users/x/notifications/count",
     validation("int_parsing", ["path", "user_id"],
                "Input should be a valid integer, unable to parse string as an integer", "x")),
])
def test_notifications_invalid(api, path, error):
    r = api.get(path)
    assert r.status_code == 422
    assert r.json() == {"detail": [error]}


def test_me_dismiss_validates_first(api, anon):
    for c in (api, anon):
        r = c.post("/v1/users/me/notifications/x/dismiss")
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"] == ["path", "notification_id"]


def test_me_notifications_echo_paging(anon):
    assert anon.get("/v1/users/me/notifications?limit=7&offset=3").json() == dict(EMPTY_PAGE, limit=7, offset=3)


def test_statements_do_not_grow_with_the_data(server, counting_server):
    pg = server.pg
    client = counting_server.client(counting_server.admin_key)
    pg.psql("INSERT INTO app_user (email, name, created_at, updated_at) SELECT 'u' || i || '@x', 'U' || i,"
            " now(), now() FROM generate_series(1, 500) i")
    pg.psql("INSERT INTO team (name, created_at, updated_at) SELECT 'gc-t' || i, now(), now()"
            " FROM generate_series(1, 20) i")
    pg.psql("INSERT INTO team_users_association (user_id, team_id) SELECT u.id, t.id FROM app_user u, team t")
    uid = int(pg.psql("SELECT min(id) FROM app_user"))
    pg.psql("INSERT INTO notification (user_id, notification_type, created_at, updated_at)"
            f" SELECT {uid}, 'USER_ASSIGNED_ARTEFACT_REVIEW', now(), now() FROM generate_series(1, 500)")
    r, n = statements(counting_server, lambda: client.get("/v1/users?limit=1000&q=u"))
    assert r.json()["count"] == 500 and len(r.json()["users"][0]["teams"]) == 20
    # the key's look-up and the answer
    assert n == 2
    r, n = statements(counting_server, lambda: client.get(f"/v1/users/{uid}/notifications?limit=1000"))
    assert r.json()["count"] == 500
    assert n == 2


# --- permissions --------------------------------------------------------------

ROUTES = [
    ("view_user", "GET", "/v1/users", 200),
    ("view_user", "GET", "/v1/users/{user}", 200),
    ("change_user", "PATCH", "/v1/users/{user}", 200),
    ("change_user", "DELETE", "/v1/users/{user}", 204),
    ("view_notification", "GET", "/v1/users/{user}/notifications", 200),
    ("view_notification", "GET", "/v1/users/{user}/notifications/count", 200),
    ("change_notification", "POST", "/v1/users/{user}/notifications/{note}/dismiss", 200),
]


@pytest.mark.parametrize("perm,method,template,ok", ROUTES, ids=[f"{r[1]} {r[2]}" for r in ROUTES])
def test_permissions(server, anon, client_with, perm, method, template, ok):
    user = add_user(server.pg, "p@example.com", "P")
    path = template.format(user=user, note=add_note(server.pg, user))
    kw = {"json": {"is_admin": True}} if method == "PATCH" else {}
    others = {"view_user", "change_user", "view_notification", "change_notification"} - {perm}
    for c in (anon, client_with(*others)):
        r = c.request(method, path, **kw)
        assert r.status_code == 403, (method, path)
        assert r.json() == INSUFFICIENT
    r = client_with(perm).request(method, path, **kw)
    assert r.status_code == ok, r.text


def test_me_routes_need_no_permission(client_with):
    c = client_with()
    assert c.get("/v1/users/me").text == "null"
    assert c.get("/v1/users/me/notifications").json() == EMPTY_PAGE
    assert c.get("/v1/users/me/notifications/count").text == "0"
    assert c.post("/v1/users/me/notifications/1/dismiss").status_code == 403


def test_permission_before_validation(anon):
    assert anon.get("/v1/users?limit=0").status_code == 403
    assert anon.patch("/v1/users/1", json={"is_admin": "maybe"}).status_code == 403
    assert anon.get("/v1/users/1/notifications?limit=0").status_code == 403


# --- TestObserverRequireAuthentication On ------------------------------------

@pytest.fixture(scope="module")
def strict_server(migrated):
    srv = start_server(migrated, "TestObserverRequireAuthentication On")
    yield srv
    srv.stop()
    shutil.rmtree(srv.root, ignore_errors=True)


def test_me_routes_when_authentication_is_required(strict_server, server):
    anon = strict_server.client()
    app = strict_server.client(server.admin_key)
    for c in (anon, app):
        r = c.get("/v1/users/me")
        assert r.status_code == 401
        assert r.json() == {"detail": "Not authenticated"}
    for path in ("/v1/users/me/notifications", "/v1/users/me/notifications/count"):
        r = anon.get(path)
        assert r.status_code == 401
        assert r.json() == {"detail": "Not authenticated"}
        r = app.get(path)
        assert r.status_code == 403
        assert r.json() == {"detail": "Forbidden"}
    assert anon.post("/v1/users/me/notifications/1/dismiss").status_code == 401
    assert app.post("/v1/users/me/notifications/1/dismiss").json() == {"detail": "Forbidden"}
    # validation first
    assert anon.get("/v1/users/me/notifications?limit=0").status_code == 422
