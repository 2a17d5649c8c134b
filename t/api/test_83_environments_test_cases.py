"""Environments, test cases and the issues reported on them, against
../shared/reference/exchanges/11-environments-and-test-cases.txt."""

import json
import re

import pytest

UUID1 = "9a8b7c6d"
ENV_RPI4 = f"gc-env-rpi4-{UUID1}"
ENV_LXD = f"gc-env-lxd-{UUID1}"
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$")
ENV_ISSUES = "/v1/environments/reported-issues"
CASE_ISSUES = "/v1/test-cases/reported-issues"
FORBIDDEN = {"detail": "Insufficient permissions"}


def compact(obj):
    return json.dumps(obj, separators=(",", ":"))


def assert_answer(r, status, body):
    """Status, content type and the exact bytes (key order included); the
    server's timestamps are checked for their form and then taken as sent."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    got = r.json()
    for item in (got if isinstance(got, list) else [got]):
        if isinstance(item, dict):
            for key in ("created_at", "updated_at"):
                if key in item:
                    assert TS.match(item[key]), item[key]
    expected = json.loads(compact(body))
    for want, have in zip(expected if isinstance(expected, list) else [expected],
                          got if isinstance(got, list) else [got]):
        if isinstance(want, dict):
            for key in ("created_at", "updated_at"):
                if want.get(key) == "<datetime>":
                    want[key] = have[key]
    assert r.text == compact(expected)


def start_test(api, **fields):
    body = {"family": "deb", "name": f"gc-deb-{UUID1}", "version": "2.0-1ubuntu1",
            "arch": "amd64", "series": "noble", "repo": "main", "source": "",
            "execution_stage": "proposed", "environment": ENV_RPI4,
            "test_plan": f"gc-plan-{UUID1}", "initial_status": "IN_PROGRESS",
            "relevant_links": [], "needs_assignment": False}
    body.update(fields)
    r = api.put("/v1/test-executions/start-test", json=body)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def results(api, execution, *cases):
    batch = [{"name": name, "status": "PASSED", **({"template_id": t} if t else {})}
             for name, t in cases]
    r = api.post(f"/v1/test-executions/{execution}/test-results", json=batch)
    assert r.status_code == 200, r.text


SNAP = dict(family="snap", name=f"gc-snap-{UUID1}", version="1.0.0", revision=101,
            track="latest", store="ubuntu", branch="", execution_stage="beta")
CHARM = dict(family="charm", name=f"gc-charm-{UUID1}", version="14/edge", revision=555,
             track="14", branch="fix-1", execution_stage="edge")


@pytest.fixture
def scenario(api):
    """The exchange's data: a deb on rpi4 with C3 cases, a snap on rpi4 with
    others, a charm on lxd."""
    deb = start_test(api, environment=ENV_RPI4)
    results(api, deb, (f"gc-c3-cpu-{UUID1}", "cpu/{n}"), (f"gc-c3-disk-{UUID1}", None),
            (f"gc-c3-gpu-{UUID1}", None))
    snap = start_test(api, environment=ENV_RPI4, **SNAP)
    results(api, snap, (f"gc-tc-audio-{UUID1}", None), (f"gc-tc-boot-{UUID1}", "boot/{device}"),
            (f"gc-tc-wifi-{UUID1}", "wireless/{iface}"))
    start_test(api, environment=ENV_LXD, **CHARM)


# ---------------------------------------------------------------- exchange 11

def test_exchange_11_environments(api, scenario):
    r = api.get("/v1/environments", params={"q": UUID1})
    assert_answer(r, 200, {"environments": [ENV_LXD, ENV_RPI4], "count": 2, "limit": 50,
                           "offset": 0})
    r = api.get("/v1/environments", params={"q": UUID1, "families": "charm", "limit": 1})
    assert_answer(r, 200, {"environments": [ENV_LXD], "count": 1, "limit": 1, "offset": 0})
    r = api.get("/v1/environments?limit=1001")
    assert_answer(r, 422, {"detail": [{
        "type": "less_than_equal", "loc": ["query", "limit"],
        "msg": "Input should be less than or equal to 1000", "input": "1001",
        "ctx": {"le": 1000}}]})


def env_issue(id_, name, description, url, confirmed):
    return {"id": id_, "environment_name": name, "description": description, "url": url,
            "is_confirmed": confirmed, "created_at": "<datetime>", "updated_at": "<datetime>"}


def test_exchange_11_environment_issues(api):
    lp_url = f"https://bugs.launchpad.net/gc-lp-{UUID1}/+bug/1"
    r = api.post(ENV_ISSUES, json={"environment_name": ENV_RPI4, "description": "rpi4 loses wifi",
                                   "url": lp_url, "is_confirmed": True})
    issue1 = env_issue(r.json()["id"], ENV_RPI4, "rpi4 loses wifi", lp_url, True)
    assert_answer(r, 200, issue1)

    # unconfirmed: url may be omitted
    r = api.post(ENV_ISSUES, json={"environment_name": ENV_LXD, "description": "slow disk",
                                   "is_confirmed": False})
    issue2 = env_issue(r.json()["id"], ENV_LXD, "slow disk", None, False)
    assert_answer(r, 200, issue2)
    assert issue2["id"] == issue1["id"] + 1

    # confirmed without url
    body = {"environment_name": ENV_LXD, "description": "x", "is_confirmed": True}
    assert_answer(api.post(ENV_ISSUES, json=body), 422, {"detail": [{
        "type": "value_error", "loc": ["body"],
        "msg": "Value error, A URL is required if the issue is confirmed", "input": body,
        "ctx": {"error": {}}}]})

    # url host not allowed
    body = {"environment_name": ENV_LXD, "description": "x", "url": "https://example.com/1",
            "is_confirmed": False}
    assert_answer(api.post(ENV_ISSUES, json=body), 422, {"detail": [{
        "type": "value_error", "loc": ["body"],
        "msg": "Value error, Issue url must belong to one of {'warthogs.atlassian.net',"
               " 'github.com', 'bugs.launchpad.net'}",
        "input": body, "ctx": {"error": {}}}]})

    assert_answer(api.get(ENV_ISSUES), 200, [issue1, issue2])
    assert_answer(api.get(ENV_ISSUES + "?is_confirmed=false"), 200, [issue2])

    # PUT replaces every field
    gh_url = f"https://github.com/canonical/gc-gh-{UUID1}/issues/7"
    r = api.put(f"{ENV_ISSUES}/{issue2['id']}",
                json={"environment_name": ENV_LXD, "description": "slow disk (confirmed)",
                      "url": gh_url, "is_confirmed": True})
    assert_answer(r, 200, env_issue(issue2["id"], ENV_LXD, "slow disk (confirmed)", gh_url, True))
    assert r.json()["created_at"] == api.get(ENV_ISSUES).json()[1]["created_at"]

    for issue in (issue2, issue1):
        r = api.delete(f"{ENV_ISSUES}/{issue['id']}")
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
        assert r.text == "null"
    assert_answer(api.get(ENV_ISSUES), 200, [])

    # unknown id on PUT: upstream answers 500, we a clear 404
    r = api.put(f"{ENV_ISSUES}/999999999",
                json={"environment_name": ENV_LXD, "description": "x", "is_confirmed": False})
    assert_answer(r, 404, {"detail": "Environment reported issue 999999999 not found"})


def test_exchange_11_test_cases(api, scenario):
    r = api.get("/v1/test-cases", params={"q": UUID1})
    assert_answer(r, 200, {"test_cases": [
        {"test_case": f"gc-c3-cpu-{UUID1}", "template_id": "cpu/{n}"},
        {"test_case": f"gc-c3-disk-{UUID1}", "template_id": ""},
        {"test_case": f"gc-c3-gpu-{UUID1}", "template_id": ""},
        {"test_case": f"gc-tc-audio-{UUID1}", "template_id": ""},
        {"test_case": f"gc-tc-boot-{UUID1}", "template_id": "boot/{device}"},
        {"test_case": f"gc-tc-wifi-{UUID1}", "template_id": "wireless/{iface}"},
    ]})
    r = api.get("/v1/test-cases", params={"q": UUID1, "families": "deb", "limit": 2, "offset": 1})
    assert_answer(r, 200, {"test_cases": [
        {"test_case": f"gc-c3-disk-{UUID1}", "template_id": ""},
        {"test_case": f"gc-c3-gpu-{UUID1}", "template_id": ""},
    ]})


def case_issue(id_, template_id, case_name, description, url):
    return {"id": id_, "template_id": template_id, "case_name": case_name,
            "description": description, "url": url, "created_at": "<datetime>",
            "updated_at": "<datetime>"}


def test_exchange_11_test_case_issues(api):
    jira = "https://warthogs.atlassian.net/browse/GCJIRAPROJ-12"
    r = api.post(CASE_ISSUES, json={"template_id": "wireless/{iface}",
                                    "case_name": f"gc-tc-wifi-{UUID1}", "description": "AP flaky",
                                    "url": jira})
    issue1 = case_issue(r.json()["id"], "wireless/{iface}", f"gc-tc-wifi-{UUID1}", "AP flaky",
                        jira)
    assert_answer(r, 200, issue1)

    # only case_name: template_id defaults to ""
    gh = f"https://github.com/canonical/gc-gh-{UUID1}/issues/3"
    r = api.post(CASE_ISSUES, json={"case_name": f"gc-tc-boot-{UUID1}", "description": "slow boot",
                                    "url": gh})
    issue2 = case_issue(r.json()["id"], "", f"gc-tc-boot-{UUID1}", "slow boot", gh)
    assert_answer(r, 200, issue2)

    # neither case_name nor template_id
    body = {"description": "x", "url": "https://github.com/a/b/issues/1"}
    assert_answer(api.post(CASE_ISSUES, json=body), 422, {"detail": [{
        "type": "value_error", "loc": ["body"],
        "msg": "Value error, Either case_name or template_id is required", "input": body,
        "ctx": {"error": {}}}]})

    # url host not allowed: the url field's own error
    body = {"case_name": "x", "description": "x", "url": "https://example.com/1"}
    assert_answer(api.post(CASE_ISSUES, json=body), 422, {"detail": [{
        "type": "value_error", "loc": ["body", "url"],
        "msg": "Value error, Issue url must belong to one of {'warthogs.atlassian.net',"
               " 'bugs.launchpad.net', 'github.com'}",
        "input": "https://example.com/1", "ctx": {"error": {}}}]})

    assert_answer(api.get(CASE_ISSUES, params={"case_name": f"gc-tc-boot-{UUID1}"}), 200,
                  [issue2])
    assert_answer(api.get(CASE_ISSUES + "?template_id=wireless/%7Biface%7D"), 200, [issue1])

    lp = "https://bugs.launchpad.net/ubuntu/+source/linux/+bug/2000001"
    r = api.put(f"{CASE_ISSUES}/{issue2['id']}",
                json={"case_name": f"gc-tc-boot-{UUID1}", "description": "slow boot (again)",
                      "url": lp})
    assert_answer(r, 200, case_issue(issue2["id"], "", f"gc-tc-boot-{UUID1}",
                                     "slow boot (again)", lp))

    for issue in (issue2, issue1):
        r = api.delete(f"{CASE_ISSUES}/{issue['id']}")
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
        assert r.text == "null"

    # unknown id: upstream answers 500, we a clear 404
    assert_answer(api.delete(f"{CASE_ISSUES}/999999999"), 404,
                  {"detail": "Test case reported issue 999999999 not found"})
    assert_answer(api.get(CASE_ISSUES), 200, [])


# ---------------------------------------------------------------- GET /v1/environments

def test_environments_all_by_default(api, server, scenario):
    # an environment without executions is listed too, and a name shared
    # by two architectures once
    server.pg.psql("INSERT INTO environment (name, architecture, created_at, updated_at) VALUES"
                   f" ('a-idle', 'amd64', now(), now()), ('{ENV_LXD}', 'arm64', now(), now())")
    assert_answer(api.get("/v1/environments"), 200, {
        "environments": ["a-idle", ENV_LXD, ENV_RPI4], "count": 3, "limit": 50, "offset": 0})
    r = api.get("/v1/environments", params={"families": ["snap", "charm"]})
    assert r.json()["environments"] == [ENV_LXD, ENV_RPI4]
    r = api.get("/v1/environments", params={"families": "image"})
    assert_answer(r, 200, {"environments": [], "count": 0, "limit": 50, "offset": 0})


def test_environments_search(api, scenario):
    def names(**params):
        return api.get("/v1/environments", params=params).json()["environments"]

    assert names(q="  RPI4 ") == [ENV_RPI4]
    assert names(q="   ") == [ENV_LXD, ENV_RPI4]
    assert names(q="") == [ENV_LXD, ENV_RPI4]
    assert names(q="nothing-like-this") == []
    # the pattern is upstream's ILIKE '%q%', wildcards included
    assert names(q="env_lxd") == [ENV_LXD]
    assert names(q="env%rpi") == [ENV_RPI4]


def test_environments_pages(api, server):
    server.pg.psql("INSERT INTO environment (name, architecture, created_at, updated_at)"
                   " SELECT 'env-' || lpad(n::text, 3, '0'), 'amd64', now(), now()"
                   " FROM generate_series(1, 60) n")
    r = api.get("/v1/environments").json()
    assert (len(r["environments"]), r["count"]) == (50, 60)
    r = api.get("/v1/environments", params={"limit": 5, "offset": 5}).json()
    assert r == {"environments": [f"env-{n:03d}" for n in range(6, 11)], "count": 60, "limit": 5,
                 "offset": 5}
    r = api.get("/v1/environments", params={"offset": 58, "limit": 1000}).json()
    assert r["environments"] == ["env-059", "env-060"]
    r = api.get("/v1/environments", params={"offset": 3000000000}).json()
    assert r == {"environments": [], "count": 60, "limit": 50, "offset": 3000000000}


@pytest.mark.parametrize("path", ["/v1/environments", "/v1/test-cases"])
@pytest.mark.parametrize("query,error", [
    ("limit=0", {"type": "greater_than_equal", "loc": ["query", "limit"],
                 "msg": "Input should be greater than or equal to 1", "input": "0",
                 "ctx": {"ge": 1}}),
    ("offset=-1", {"type": "greater_than_equal", "loc": ["query", "offset"],
                   "msg": "Input should be greater than or equal to 0", "input": "-1",
                   "ctx": {"ge": 0}}),
    ("limit=ten", {"type": "int_parsing", "loc": ["query", "limit"],
                   "msg": "Input should be a valid integer, unable to parse string as an integer",
                   "input": "ten"}),
    ("offset=", {"type": "int_parsing", "loc": ["query", "offset"],
                 "msg": "Input should be a valid integer, unable to parse string as an integer",
                 "input": ""}),
    ("families=snap&families=rpm",
     {"type": "enum", "loc": ["query", "families", 1],
      "msg": "Input should be 'snap', 'deb', 'charm', 'image' or 'solution'", "input": "rpm",
      "ctx": {"expected": "'snap', 'deb', 'charm', 'image' or 'solution'"}}),
])
def test_listing_validation(api, path, query, error):
    assert_answer(api.get(f"{path}?{query}"), 422, {"detail": [error]})


@pytest.mark.parametrize("path", ["/v1/environments", "/v1/test-cases"])
def test_listing_errors_in_parameter_order(api, path):
    r = api.get(f"{path}?offset=-5&limit=0&families=x")
    assert [e["loc"] for e in r.json()["detail"]] == [
        ["query", "families", 0], ["query", "limit"], ["query", "offset"]]


def test_offset_past_64_bits_is_refused(api):
    r = api.get("/v1/environments?offset=99999999999999999999")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "offset"]


# ---------------------------------------------------------------- GET /v1/test-cases

def test_test_cases_filters(api, scenario):
    def cases(**params):
        return [c["test_case"] for c in api.get("/v1/test-cases", params=params).json()["test_cases"]]

    assert cases(q=" C3-", families="deb") == [f"gc-c3-{x}-{UUID1}" for x in ("cpu", "disk", "gpu")]
    assert cases(families="snap") == [f"gc-tc-{x}-{UUID1}" for x in ("audio", "boot", "wifi")]
    assert cases(families=["snap", "deb"], limit=1, offset=5) == [f"gc-tc-wifi-{UUID1}"]
    assert cases(families="charm") == []
    assert cases(q="wifi") == [f"gc-tc-wifi-{UUID1}"]


def test_test_cases_without_results_and_default_limit(api, server):
    server.pg.psql("INSERT INTO test_case (name, category, template_id, created_at, updated_at)"
                   " SELECT 'case-' || lpad(n::text, 3, '0'), '', 'tpl-' || (n % 3), now(), now()"
                   " FROM generate_series(1, 60) n")
    got = api.get("/v1/test-cases").json()["test_cases"]
    assert len(got) == 50
    assert got[:2] == [{"test_case": "case-001", "template_id": "tpl-1"},
                       {"test_case": "case-002", "template_id": "tpl-2"}]
    assert api.get("/v1/test-cases?offset=59").json() == {
        "test_cases": [{"test_case": "case-060", "template_id": "tpl-0"}]}


# ---------------------------------------------------------------- environment issues

ENV_BODY = {"environment_name": "template 1", "url": "https://github.com/",
            "description": "some description", "is_confirmed": True}


@pytest.mark.parametrize("field", ["environment_name", "description", "is_confirmed"])
def test_env_issue_requires_field(api, field):
    body = {k: v for k, v in ENV_BODY.items() if k != field}
    assert_answer(api.post(ENV_ISSUES, json=body), 422, {"detail": [{
        "type": "missing", "loc": ["body", field], "msg": "Field required", "input": body}]})


@pytest.mark.parametrize("changes,error", [
    ({"url": "invalid url"},
     {"type": "url_parsing", "loc": ["body", "url"],
      "msg": "Input should be a valid URL, relative URL without a base", "input": "invalid url",
      "ctx": {"error": "relative URL without a base"}}),
    ({"is_confirmed": "perhaps"},
     {"type": "bool_parsing", "loc": ["body", "is_confirmed"],
      "msg": "Input should be a valid boolean, unable to interpret input", "input": "perhaps"}),
    ({"environment_name": None},
     {"type": "string_type", "loc": ["body", "environment_name"],
      "msg": "Input should be a valid string", "input": None}),
])
def test_env_issue_field_errors(api, changes, error):
    assert_answer(api.post(ENV_ISSUES, json={**ENV_BODY, **changes}), 422, {"detail": [error]})


def test_env_issue_url_rules(api):
    # a null url is no url: refused when confirmed
    r = api.post(ENV_ISSUES, json={**ENV_BODY, "url": None})
    assert r.status_code == 422
    assert r.json()["detail"][0]["msg"] == "Value error, A URL is required if the issue is confirmed"
    r = api.post(ENV_ISSUES, json={**ENV_BODY, "url": "https://chat.canonical.com/canonical/pl/n"})
    assert r.status_code == 422
    # the host alone counts, written as pydantic normalises it
    r = api.post(ENV_ISSUES, json={**ENV_BODY, "url": "HTTPS://user@GitHub.com:443/Canonical/X"})
    assert r.status_code == 200, r.text
    assert r.json()["url"] == "https://user@github.com/Canonical/X"
    r = api.post(ENV_ISSUES, json={**ENV_BODY, "url": "https://github.com"})
    assert r.json()["url"] == "https://github.com/"
    r = api.post(ENV_ISSUES, json={**ENV_BODY, "url": "http://bugs.launchpad.net:8080?x=1"})
    assert r.json()["url"] == "http://bugs.launchpad.net:8080/?x=1"
    r = api.post(ENV_ISSUES, json={**ENV_BODY, "url": "https://github.com.evil.org/"})
    assert r.status_code == 422


def test_env_issue_lax_boolean_and_listing_filter(api):
    for confirmed in ("true", 1, "no", False):
        r = api.post(ENV_ISSUES, json={**ENV_BODY, "is_confirmed": confirmed})
        assert r.status_code == 200, r.text
    assert [i["is_confirmed"] for i in api.get(ENV_ISSUES).json()] == [True, True, False, False]
    assert len(api.get(ENV_ISSUES + "?is_confirmed=TRUE").json()) == 2
    assert len(api.get(ENV_ISSUES + "?is_confirmed=0").json()) == 2
    assert_answer(api.get(ENV_ISSUES + "?is_confirmed=maybe"), 422, {"detail": [{
        "type": "bool_parsing", "loc": ["query", "is_confirmed"],
        "msg": "Input should be a valid boolean, unable to interpret input", "input": "maybe"}]})


def test_env_issue_put_keeps_updated_at_when_nothing_changes(api, server):
    issue = api.post(ENV_ISSUES, json=ENV_BODY).json()
    server.pg.psql("UPDATE environment_issue SET created_at = '2001-01-01', updated_at = '2001-01-01'")
    r = api.put(f"{ENV_ISSUES}/{issue['id']}", json=ENV_BODY)
    assert (r.json()["created_at"], r.json()["updated_at"]) == ("2001-01-01T00:00:00",
                                                                "2001-01-01T00:00:00")
    r = api.put(f"{ENV_ISSUES}/{issue['id']}", json={**ENV_BODY, "is_confirmed": False})
    assert r.json()["created_at"] == "2001-01-01T00:00:00"
    assert r.json()["updated_at"] != "2001-01-01T00:00:00"


def test_env_issue_put_validates_before_looking(api):
    r = api.put(f"{ENV_ISSUES}/abc", json={})
    assert [e["loc"] for e in r.json()["detail"]] == [
        ["path", "issue_id"], ["body", "environment_name"], ["body", "description"],
        ["body", "is_confirmed"]]
    assert_answer(api.delete(f"{ENV_ISSUES}/999999999"), 404,
                  {"detail": "Environment reported issue 999999999 not found"})


def test_env_issue_without_body(api):
    assert_answer(api.post(ENV_ISSUES), 422, {"detail": [
        {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]})


# ---------------------------------------------------------------- test case issues

CASE_BODY = {"template_id": "template 1", "case_name": "case", "url": "https://github.com/",
             "description": "some description"}


@pytest.mark.parametrize("field", ["url", "description"])
def test_case_issue_requires_field(api, field):
    body = {k: v for k, v in CASE_BODY.items() if k != field}
    assert_answer(api.post(CASE_ISSUES, json=body), 422, {"detail": [{
        "type": "missing", "loc": ["body", field], "msg": "Field required", "input": body}]})


def test_case_issue_errors(api):
    r = api.post(CASE_ISSUES, json={**CASE_BODY, "url": "invalid url"})
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [("url_parsing", ["body", "url"])]
    # empty names count as absent
    r = api.post(CASE_ISSUES, json={**CASE_BODY, "template_id": "", "case_name": ""})
    assert r.json()["detail"][0]["msg"] == "Value error, Either case_name or template_id is required"
    # field errors come in field order, the host check with the url's
    r = api.post(CASE_ISSUES, json={"template_id": None, "case_name": 3,
                                    "url": "https://example.com/"})
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [
        ("string_type", ["body", "template_id"]), ("string_type", ["body", "case_name"]),
        ("missing", ["body", "description"]), ("value_error", ["body", "url"])]
    assert r.status_code == 422


def test_case_issue_template_only_and_filters(api):
    body = {k: v for k, v in CASE_BODY.items() if k != "case_name"}
    r = api.post(CASE_ISSUES, json=body)
    assert r.status_code == 200
    assert r.json()["case_name"] == ""
    api.post(CASE_ISSUES, json={**CASE_BODY, "template_id": "template 2", "case_name": "other"})
    api.post(CASE_ISSUES, json={**CASE_BODY, "template_id": "template 2"})

    def descriptions(**params):
        return [(i["template_id"], i["case_name"]) for i in api.get(CASE_ISSUES, params=params).json()]

    assert descriptions() == [("template 1", ""), ("template 2", "other"), ("template 2", "case")]
    assert descriptions(template_id="template 2") == [("template 2", "other"), ("template 2", "case")]
    assert descriptions(template_id="template 2", case_name="case") == [("template 2", "case")]
    assert descriptions(case_name="") == descriptions()


def test_case_issue_put_replaces_every_field(api):
    issue = api.post(CASE_ISSUES, json=CASE_BODY).json()
    r = api.put(f"{CASE_ISSUES}/{issue['id']}",
                json={"case_name": "new", "description": "d", "url": "https://GITHUB.com/x"})
    assert_answer(r, 200, case_issue(issue["id"], "", "new", "d", "https://github.com/x"))
    r = api.put(f"{CASE_ISSUES}/999999999", json=CASE_BODY)
    assert_answer(r, 404, {"detail": "Test case reported issue 999999999 not found"})
    r = api.put(f"{CASE_ISSUES}/{issue['id']}", json={"description": "d", "url": "https://github.com/"})
    assert r.status_code == 422
    assert api.get(CASE_ISSUES).json()[0]["case_name"] == "new"


# ---------------------------------------------------------------- permissions

ROUTES = [
    ("get", "/v1/environments", None, "view_test"),
    ("get", "/v1/test-cases", None, "view_test"),
    ("get", ENV_ISSUES, None, "view_environment_reported_issue"),
    ("post", ENV_ISSUES, ENV_BODY, "change_environment_reported_issue"),
    ("put", ENV_ISSUES + "/1", ENV_BODY, "change_environment_reported_issue"),
    ("delete", ENV_ISSUES + "/1", None, "change_environment_reported_issue"),
    ("get", CASE_ISSUES, None, "view_test_case_reported_issue"),
    ("post", CASE_ISSUES, CASE_BODY, "change_test_case_reported_issue"),
    ("put", CASE_ISSUES + "/1", CASE_BODY, "change_test_case_reported_issue"),
    ("delete", CASE_ISSUES + "/1", None, "change_test_case_reported_issue"),
]


@pytest.mark.parametrize("method,path,body,permission", ROUTES)
def test_permissions(client_with, method, path, body, permission):
    others = [p for p in ("view_test", "view_environment_reported_issue",
                          "change_environment_reported_issue", "view_test_case_reported_issue",
                          "change_test_case_reported_issue") if p != permission]
    refused = getattr(client_with(*others), method)(path, json=body)
    assert_answer(refused, 403, FORBIDDEN)
    allowed = getattr(client_with(permission), method)(path, json=body)
    # PUT and DELETE of an issue that does not exist get past the check to 404
    assert allowed.status_code in (200, 404), allowed.text
    assert allowed.status_code == (404 if method in ("put", "delete") else 200)
