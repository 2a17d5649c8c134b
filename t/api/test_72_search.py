"""GET /v1/test-results and GET /v1/test-executions: every exchange of
07-search.txt (and the issue search of 12-issues.txt) replayed against a
scenario built like upstream's, then every filter alone and combined,
paging, counts, validation and permissions.

Fixtures from conftest.py: api, anon, client_with, server, repo.
"""

import base64
import json
import re
import urllib.parse

import pytest

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$")

META_CHARM = "gc-meta-charm-UUID1"
META_REV = "gc-meta-rev-UUID1"


# ---------------------------------------------------------------------------
# The scenario of the golden exchanges


def start(api, **body):
    r = api.put("/v1/test-executions/start-test", json=body)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def post_results(api, te, results):
    r = api.post(f"/v1/test-executions/{te}/test-results", json=results)
    assert r.status_code == 200, r.text


def patch(api, te, **body):
    r = api.patch(f"/v1/test-executions/{te}", json=body)
    assert r.status_code == 200, r.text


BOOT = {"name": "gc-tc-boot-UUID1", "status": "PASSED", "template_id": "boot/{device}",
        "category": "Boot", "comment": "booted fine", "io_log": "line 1\nline 2\n"}
WIFI = {"name": "gc-tc-wifi-UUID1", "status": "FAILED", "template_id": "wireless/{iface}",
        "category": "Wireless", "comment": "no carrier", "io_log": "ERROR: timeout"}
AUDIO = {"name": "gc-tc-audio-UUID1", "status": "SKIPPED"}
CPU = {"name": "gc-c3-cpu-UUID1", "status": "PASSED", "template_id": "cpu/{n}",
       "category": "CPU", "comment": "", "io_log": "cpu ok"}
DISK = {"name": "gc-c3-disk-UUID1", "status": "FAILED", "template_id": "", "category": "Disk",
        "comment": "smart error", "io_log": "sda: fail"}
GPU = {"name": "gc-c3-gpu-UUID1", "status": "SKIPPED", "template_id": "", "category": "Graphics",
       "comment": "no gpu", "io_log": ""}

SNAP = {"family": "snap", "name": "gc-snap-UUID1", "track": "latest", "store": "ubuntu",
        "branch": "", "arch": "amd64", "execution_stage": "beta",
        "environment": "gc-env-rpi4-UUID1", "test_plan": "gc-plan-UUID1"}
DEB = {"family": "deb", "name": "gc-deb-UUID1", "version": "2.0-1ubuntu1", "arch": "amd64",
       "series": "noble", "repo": "main", "source": "", "execution_stage": "proposed",
       "test_plan": "gc-plan-UUID1"}


def build_scenario(api, pg):
    """The artefacts, executions and results of upstream's capture; returns
    the ids by the names the exchanges give them."""
    build_log = [{"label": "Build log", "url": "https://example.com/build/R8"}]
    changelog = [{"label": "Changelog", "url": "https://launchpad.net/ubuntu/+source/x"}]
    ids = {}

    snap1 = dict(SNAP, version="1.0.0", revision=101,
                 ci_link="https://jenkins.example.com/job/UUID1/snap-1", relevant_links=build_log)
    ids["te_snap1"] = start(api, **snap1)
    assert start(api, **snap1) == ids["te_snap1"]
    post_results(api, ids["te_snap1"], [BOOT, WIFI])
    post_results(api, ids["te_snap1"], [AUDIO])
    patch(api, ids["te_snap1"], status="FAILED")

    ids["te_snap2"] = start(api, **SNAP, version="1.0.1", revision=102,
                            ci_link="https://jenkins.example.com/job/UUID1/snap-2")
    post_results(api, ids["te_snap2"], [BOOT, dict(WIFI, comment="flaky again")])

    deb1 = dict(DEB, environment="gc-env-rpi4-UUID1",
                ci_link="https://jenkins.example.com/job/UUID1/deb-1", relevant_links=changelog)
    ids["te_deb"] = start(api, **deb1)
    start(api, **deb1)
    ids["te_deb2"] = start(api, **DEB, environment="gc-env-lxd-UUID1",
                           ci_link="https://jenkins.example.com/job/UUID1/deb-2")
    post_results(api, ids["te_deb"], [CPU, DISK, GPU])
    patch(api, ids["te_deb"], c3_link="https://certification.canonical.com/submissions/R8",
          status="FAILED")

    ids["te_charm"] = start(api, family="charm", name="gc-charm-UUID1", version="14/edge",
                            revision=555, track="14", branch="fix-1", arch="amd64",
                            execution_stage="edge", environment="gc-env-lxd-UUID1",
                            ci_link="https://jenkins.example.com/job/UUID1/charm-1",
                            test_plan="gc-plan-UUID1")
    patch(api, ids["te_charm"], status="ENDED_PREMATURELY")
    pg.psql("INSERT INTO test_execution_relevant_link (test_execution_id, label, url, created_at,"
            f" updated_at) VALUES ({ids['te_charm']}, 'Logs', 'https://logs.example.com/', now(),"
            " now())")

    ids["te_solution"] = start(api, family="solution", name="gc-solution-UUID1", version="1.2",
                               arch="amd64", track="latest", source="custom-repo",
                               execution_stage="candidate", environment="gc-env-rpi4-UUID1",
                               ci_link="https://jenkins.example.com/job/UUID1/solution-1-rerun",
                               test_plan="gc-plan-UUID1",
                               relevant_links=[{"label": "Spec", "url": "https://example.com/spec"}])
    patch(api, ids["te_solution"], c3_link="https://certification.canonical.com/hardware/R8/",
          status="PASSED",
          execution_metadata={META_CHARM: ["postgresql-k8s", "mysql-k8s", "redis-k8s"],
                              META_REV: ["495"]})

    # a rerun request for snap2's plan, build and environment
    pg.psql("INSERT INTO test_execution_rerun_request (test_plan_id, artefact_build_id,"
            " environment_id, priority, created_at, updated_at) SELECT test_plan_id,"
            f" artefact_build_id, environment_id, 0, now(), now() FROM test_execution"
            f" WHERE id = {ids['te_snap2']}")

    def rows(sql):
        out = pg.psql(sql)
        return [line.split("|") for line in out.splitlines()] if out else []

    for i, name in rows("SELECT id, name FROM environment"):
        ids["env_" + name.split("-")[2]] = int(i)
    for i, family, version in rows("SELECT id, family, version FROM artefact"):
        key = "a_snap_v1" if version == "1.0.0" else f"a_{family}"
        ids[key] = int(i)
    for i, family, version in rows("SELECT b.id, a.family, a.version FROM artefact_build b"
                                   " JOIN artefact a ON a.id = b.artefact_id"):
        key = "b_snap_v1_amd64" if version == "1.0.0" else f"b_{family}_amd64"
        ids[key] = int(i)
    te_names = {v: k[3:] for k, v in ids.items() if k.startswith("te_")}
    for i, te, case in rows("SELECT r.id, r.test_execution_id, c.name FROM test_result r"
                            " JOIN test_case c ON c.id = r.test_case_id"):
        ids[f"res_{te_names[int(te)]}_{case.split('-')[2]}"] = int(i)
    links = {}
    for i, te in rows("SELECT id, test_execution_id FROM test_execution_relevant_link"
                      " ORDER BY id"):
        links.setdefault(int(te), []).append(int(i))
    ids["link_1"], ids["link_2"] = links[ids["te_snap1"]]
    ids["link_3"], = links[ids["te_solution"]]
    ids["link_4"], ids["link_5"] = links[ids["te_deb"]]
    ids["link_logs"], = links[ids["te_charm"]]
    return ids


def add_jira_issue(pg, ids):
    """Issue GCJIRAPROJ-77, attached to the deb's disk result."""
    ids["issue_jira"] = int(pg.psql(
        "INSERT INTO issue (source, project, key, title, status, created_at, updated_at)"
        " VALUES ('JIRA', 'GCJIRAPROJ', '77', 'Jira title', 'OPEN', now(), now()) RETURNING id"
    ).splitlines()[0])
    pg.psql("INSERT INTO issue_test_result_attachment (issue_id, test_result_id, created_at,"
            f" updated_at) VALUES ({ids['issue_jira']}, {ids['res_deb_disk']}, now(), now())")


@pytest.fixture
def scenario(api, server):
    return build_scenario(api, server.pg)


# ---------------------------------------------------------------------------
# Golden exchanges


class Exchange:
    def __init__(self, comment, method, target, status, content_type, body):
        self.comment, self.method, self.target = comment, method, target
        self.status, self.content_type, self.body = status, content_type, body


def read_exchanges(path, operations=("GET /v1/test-executions", "GET /v1/test-results")):
    out = []
    for block in re.split(r"^=+$", path.read_text(), flags=re.M)[1:]:
        lines = block.strip("\n").splitlines()
        requests = [line[4:] for line in lines if line.startswith(">>> ")]
        responses = [i for i, line in enumerate(lines) if line.startswith("<<< ")]
        if not requests or not responses:
            continue
        method, target = requests[0].split(" ", 1)
        if not any(f"{method} {target}".split("?")[0] == op for op in operations):
            continue
        status = int(lines[responses[0]][4:].split()[0])
        ctype = next((line.split(": ", 1)[1] for line in lines
                      if line.startswith("<<< content-type: ")), None)
        body = "\n".join(lines[responses[-1] + 1:]).strip()
        comment = " ".join(line[2:] for line in lines if line.startswith("# "))
        out.append(Exchange(comment, method, target, status, ctype, body))
    return out


def fill_target(target, ids):
    target = re.sub(r"B64\(([^)]*)\)",
                    lambda m: urllib.parse.quote(base64.b64encode(m[1].encode()).decode(), safe=""),
                    target)
    return re.sub(r"<([a-z0-9_]+)>", lambda m: str(ids[m[1]]), target)


def fill_body(body, ids):
    return json.loads(re.sub(r"(?<!\")<([a-z0-9_]+)>(?!\")", lambda m: str(ids[m[1]]), body))


def same(want, got, path="$"):
    """want == got, key order included; "<datetime>" stands for a timestamp."""
    if want == "<datetime>":
        assert isinstance(got, str) and TS.match(got), f"{path}: {got!r} is no timestamp"
    elif isinstance(want, dict):
        assert isinstance(got, dict), f"{path}: {got!r} is no object"
        assert list(got) == list(want), f"{path}: keys {list(got)} != {list(want)}"
        for key in want:
            same(want[key], got[key], f"{path}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{path}: {got!r} != {want!r}"
        for i, (w, g) in enumerate(zip(want, got)):
            same(w, g, f"{path}[{i}]")
    else:
        assert type(got) is type(want) and got == want, f"{path}: {got!r} != {want!r}"


def replay(api, exchange, ids):
    r = api.request(exchange.method, fill_target(exchange.target, ids))
    assert r.status_code == exchange.status, (exchange.target, r.text)
    assert r.headers["content-type"] == exchange.content_type
    same(fill_body(exchange.body, ids), r.json())


def test_search_exchanges(api, server, scenario, repo):
    exchanges = read_exchanges(repo.parent / "shared/reference/exchanges/07-search.txt")
    assert len(exchanges) == 14
    for exchange in exchanges:
        replay(api, exchange, scenario)


def test_issue_search_exchange(api, server, scenario, repo):
    add_jira_issue(server.pg, scenario)
    # what the exchanges of 09 and 10 did to the deb before 12 was captured
    server.pg.psql("UPDATE artefact SET stage = 'updates', comment = 'wifi regression'"
                   f" WHERE id = {scenario['a_deb']}")
    server.pg.psql("UPDATE artefact_build_environment_review"
                   " SET review_decision = '{APPROVED_ALL_TESTS_PASS}'"
                   f" WHERE artefact_build_id = {scenario['b_deb_amd64']}")
    exchanges = read_exchanges(repo.parent / "shared/reference/exchanges/12-issues.txt",
                               ("GET /v1/test-results",))
    assert len(exchanges) == 1
    replay(api, exchanges[0], scenario)


# ---------------------------------------------------------------------------
# Each filter of GET /v1/test-results


def result_ids(api, query, ids=None):
    r = api.get("/v1/test-results" + ("?" + query if query else ""))
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["count", "limit", "offset", "test_results"]
    got = [item["test_result"]["id"] for item in body["test_results"]]
    assert body["count"] == len(got) or body["limit"] < body["count"]
    if ids is None:
        return got
    names = {v: k for k, v in ids.items() if k.startswith("res_")}
    return [names[i] for i in got]


def b64(category, value):
    enc = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
    return urllib.parse.quote(f"{enc(category)}:{enc(value)}", safe="")


ALL_RESULTS = ["res_deb_gpu", "res_deb_disk", "res_deb_cpu", "res_snap2_wifi", "res_snap2_boot",
               "res_snap1_audio", "res_snap1_wifi", "res_snap1_boot"]
SNAP_RESULTS = ["res_snap2_wifi", "res_snap2_boot", "res_snap1_audio", "res_snap1_wifi",
                "res_snap1_boot"]
DEB_RESULTS = ["res_deb_gpu", "res_deb_disk", "res_deb_cpu"]


def test_results_newest_first(api, scenario):
    assert result_ids(api, "", scenario) == ALL_RESULTS


@pytest.mark.parametrize("query, expected", [
    ("families=snap", SNAP_RESULTS),
    ("families=deb&families=charm", DEB_RESULTS),
    ("families=charm", []),
    ("artefacts=gc-deb-UUID1", DEB_RESULTS),
    ("artefacts=gc-snap-UUID1&artefacts=gc-deb-UUID1", ALL_RESULTS),
    ("artefacts=nonexistent", []),
    ("artefact_versions=1.0.0", ["res_snap1_audio", "res_snap1_wifi", "res_snap1_boot"]),
    ("artefact_stages=proposed", DEB_RESULTS),
    ("artefact_tracks=latest", SNAP_RESULTS),
    ("artefact_tracks=", DEB_RESULTS),
    ("artefact_is_archived=false", ALL_RESULTS),
    ("artefact_is_archived=true", []),
    ("environments=gc-env-rpi4-UUID1", ALL_RESULTS),
    ("environments=gc-env-lxd-UUID1", []),
    ("test_cases=gc-tc-wifi-UUID1", ["res_snap2_wifi", "res_snap1_wifi"]),
    ("test_cases=gc-tc-wifi-UUID1&test_cases=gc-c3-cpu-UUID1",
     ["res_deb_cpu", "res_snap2_wifi", "res_snap1_wifi"]),
    ("template_ids=boot/{device}", ["res_snap2_boot", "res_snap1_boot"]),
    ("template_ids=", ["res_deb_gpu", "res_deb_disk", "res_snap1_audio"]),
    ("test_result_statuses=SKIPPED", ["res_deb_gpu", "res_snap1_audio"]),
    ("test_result_statuses=PASSED&test_result_statuses=SKIPPED",
     ["res_deb_gpu", "res_deb_cpu", "res_snap2_boot", "res_snap1_audio", "res_snap1_boot"]),
    ("test_execution_statuses=IN_PROGRESS", ["res_snap2_wifi", "res_snap2_boot"]),
    ("test_execution_statuses=FAILED", DEB_RESULTS + ["res_snap1_audio", "res_snap1_wifi",
                                                      "res_snap1_boot"]),
    ("rerun_is_requested=true", ["res_snap2_wifi", "res_snap2_boot"]),
    ("rerun_is_requested=false", DEB_RESULTS + ["res_snap1_audio", "res_snap1_wifi",
                                                "res_snap1_boot"]),
    ("execution_is_latest=true", ALL_RESULTS),
    ("execution_is_latest=false", []),
    ("reviewer_ids=any", []),
    ("reviewer_ids=none", ALL_RESULTS),
    ("issues=none", ALL_RESULTS),
    ("issues=any", []),
    ("from_date=2000-01-01T00:00:00", ALL_RESULTS),
    ("from_date=2100-01-01", []),
    ("until_date=2000-01-01T00:00:00Z", []),
    ("until_date=4102444800", ALL_RESULTS),
    (f"execution_metadata={b64(META_CHARM, 'mysql-k8s')}", []),
])
def test_results_filter(api, scenario, query, expected):
    assert result_ids(api, query, scenario) == expected


def test_results_filter_combined(api, scenario):
    assert result_ids(api, "families=snap&test_result_statuses=FAILED&test_cases=gc-tc-wifi-UUID1"
                      "&environments=gc-env-rpi4-UUID1&rerun_is_requested=false",
                      scenario) == ["res_snap1_wifi"]
    assert result_ids(api, "artefacts=gc-snap-UUID1&artefact_versions=1.0.1&template_ids="
                      "wireless/{iface}&execution_is_latest=true&issues=none",
                      scenario) == ["res_snap2_wifi"]
    assert result_ids(api, "families=deb&artefact_stages=beta", scenario) == []


def test_results_issue_filters(api, server, scenario):
    add_jira_issue(server.pg, scenario)
    issue = scenario["issue_jira"]
    assert result_ids(api, f"issues={issue}", scenario) == ["res_deb_disk"]
    assert result_ids(api, "issues=any", scenario) == ["res_deb_disk"]
    assert result_ids(api, "issues=any&issues=any", scenario) == ["res_deb_disk"]
    assert "res_deb_disk" not in result_ids(api, "issues=none", scenario)
    assert result_ids(api, f"issues={issue + 1}", scenario) == []
    # ids that no row can have match nothing, whatever their size
    assert result_ids(api, "issues=99999999999999999999", scenario) == []
    assert result_ids(api, f"issues=99999999999&issues={issue}", scenario) == ["res_deb_disk"]
    # the attachment, with its rule, is in the answer
    rule = server.pg.psql(
        "INSERT INTO issue_test_result_attachment_rule (issue_id, enabled, families,"
        " environment_names, test_case_names, template_ids, test_result_statuses, artefacts,"
        " created_at, updated_at) VALUES"
        f" ({issue}, true, '{{deb}}', '{{}}', '{{}}', '{{}}', '{{FAILED}}', '{{gc-deb-UUID1}}',"
        " now(), now()) RETURNING id").splitlines()[0]
    server.pg.psql("INSERT INTO issue_test_result_attachment_rule_execution_metadata"
                   " (attachment_rule_id, category, value, created_at, updated_at) VALUES"
                   f" ({rule}, 'c', 'v1', now(), now()), ({rule}, 'c', 'v2', now(), now())")
    server.pg.psql(f"UPDATE issue_test_result_attachment SET attachment_rule_id = {rule}")
    r = api.get(f"/v1/test-results?issues={issue}")
    attachment = r.json()["test_results"][0]["test_result"]["issues"][0]
    assert attachment == {
        "issue": {"id": issue, "source": "jira", "project": "GCJIRAPROJ", "key": "77",
                  "title": "Jira title", "status": "open",
                  "url": "https://warthogs.atlassian.net/browse/GCJIRAPROJ-77", "labels": None,
                  "test_executions_count": 0},
        "attachment_rule": {"id": int(rule), "enabled": True, "families": ["deb"],
                            "artefacts": ["gc-deb-UUID1"], "artefact_versions": [],
                            "artefact_stages": [], "artefact_tracks": [], "environment_names": [],
                            "test_case_names": [], "template_ids": [],
                            "test_result_statuses": ["FAILED"],
                            "execution_metadata": {"c": ["v1", "v2"]}}}
    assert list(attachment["attachment_rule"]) == [
        "id", "enabled", "families", "artefacts", "artefact_versions", "artefact_stages",
        "artefact_tracks", "environment_names", "test_case_names", "template_ids",
        "test_result_statuses", "execution_metadata"]
    # GitHub and Launchpad urls
    server.pg.psql("UPDATE issue SET source = 'GITHUB', project = 'canonical/x', key = '42'")
    r = api.get(f"/v1/test-results?issues={issue}")
    assert r.json()["test_results"][0]["test_result"]["issues"][0]["issue"]["url"] == \
        "https://github.com/canonical/x/issues/42"
    server.pg.psql("UPDATE issue SET source = 'LAUNCHPAD', project = 'x', key = '2',"
                   " labels = '{a,b}'")
    issue_json = api.get(f"/v1/test-results?issues={issue}").json()["test_results"][0][
        "test_result"]["issues"][0]["issue"]
    assert issue_json["url"] == "https://bugs.launchpad.net/x/+bug/2"
    assert issue_json["labels"] == ["a", "b"]


def test_results_reviewer_filters(api, server, scenario):
    pg = server.pg
    user = pg.psql("INSERT INTO app_user (email, name, launchpad_handle, is_admin, created_at,"
                   " updated_at) VALUES ('r@example.com', 'R', 'r', false, now(), now())"
                   " RETURNING id").splitlines()[0]
    pg.psql("INSERT INTO artefact_reviewers_association (artefact_id, user_id)"
            f" VALUES ({scenario['a_deb']}, {user})")
    assert result_ids(api, f"reviewer_ids={user}", scenario) == DEB_RESULTS
    assert result_ids(api, "reviewer_ids=any", scenario) == DEB_RESULTS
    assert result_ids(api, "reviewer_ids=none", scenario) == SNAP_RESULTS
    assert result_ids(api, f"reviewer_ids={int(user) + 1}", scenario) == []
    # the deprecated name stands for reviewer_ids when those are not given
    assert result_ids(api, f"assignee_ids={user}", scenario) == DEB_RESULTS
    assert result_ids(api, "assignee_ids=none&reviewer_ids=any", scenario) == DEB_RESULTS


def test_results_latest_and_metadata(api, server, scenario):
    # a newer execution of snap1's plan, build and environment
    newer = start(api, **SNAP, version="1.0.0", revision=101,
                  ci_link="https://jenkins.example.com/job/UUID1/snap-1-again")
    post_results(api, newer, [dict(BOOT, status="FAILED")])
    patch(api, newer, execution_metadata={"m": ["x", "y"], "n": ["z"]})
    got = result_ids(api, "execution_is_latest=false", scenario)
    assert got == ["res_snap1_audio", "res_snap1_wifi", "res_snap1_boot"]
    latest = result_ids(api, "execution_is_latest=true")
    assert len(latest) == 6 and scenario["res_snap1_boot"] not in latest
    # each category given must match one of its values
    assert len(result_ids(api, f"execution_metadata={b64('m', 'x')}")) == 1
    assert len(result_ids(api, f"execution_metadata={b64('m', 'q')}&execution_metadata="
                               f"{b64('m', 'y')}")) == 1
    assert len(result_ids(api, f"execution_metadata={b64('m', 'x')}&execution_metadata="
                               f"{b64('n', 'z')}")) == 1
    assert result_ids(api, f"execution_metadata={b64('m', 'x')}&execution_metadata="
                           f"{b64('n', 'q')}") == []
    assert result_ids(api, f"execution_metadata={b64(META_REV, '495')}") == []


def test_results_dates(api, server, scenario):
    pg = server.pg
    pg.psql(f"UPDATE test_result SET created_at = '2020-06-01 12:00:00'"
            f" WHERE id = {scenario['res_snap1_boot']}")
    pg.psql(f"UPDATE test_result SET created_at = '2020-06-02 12:00:00.5'"
            f" WHERE id = {scenario['res_snap1_wifi']}")
    assert result_ids(api, "until_date=2020-06-01T12:00:00", scenario) == ["res_snap1_boot"]
    assert result_ids(api, "from_date=2020-06-01T12:00:00.000001&until_date=2021-01-01",
                      scenario) == ["res_snap1_wifi"]
    # an offset is turned into UTC, the database's time
    assert result_ids(api, "until_date=2020-06-01T14:00:00%2B02:00", scenario) == \
        ["res_snap1_boot"]
    # a Unix timestamp: 2020-06-02 12:00:00 UTC
    assert result_ids(api, "from_date=1591099200&until_date=2021-01-01", scenario) == \
        ["res_snap1_wifi"]


# ---------------------------------------------------------------------------
# Each filter of GET /v1/test-executions


def execution_ids(api, query, ids=None):
    r = api.get("/v1/test-executions" + ("?" + query if query else ""))
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["count", "limit", "offset", "test_executions"]
    got = [item["id"] for item in body["test_executions"]]
    if ids is None:
        return got
    names = {v: k for k, v in ids.items() if k.startswith("te_")}
    return [names[i] for i in got]


WITH_RESULTS = ["te_deb", "te_snap2", "te_snap1"]
WITHOUT_RESULTS = ["te_solution", "te_charm", "te_deb2"]


def test_executions_default_needs_results(api, scenario):
    assert execution_ids(api, "", scenario) == WITH_RESULTS
    assert execution_ids(api, "test_result=any", scenario) == WITH_RESULTS
    assert execution_ids(api, "test_result=none", scenario) == WITHOUT_RESULTS


@pytest.mark.parametrize("query, expected", [
    ("families=snap", ["te_snap2", "te_snap1"]),
    ("families=charm&test_result=none", ["te_charm"]),
    ("artefacts=gc-deb-UUID1&test_result=none", ["te_deb2"]),
    ("artefact_versions=1.0.1", ["te_snap2"]),
    ("artefact_stages=candidate&test_result=none", ["te_solution"]),
    ("artefact_tracks=14&test_result=none", ["te_charm"]),
    ("artefact_is_archived=true", []),
    ("environments=gc-env-lxd-UUID1&test_result=none", ["te_charm", "te_deb2"]),
    ("test_execution_statuses=FAILED", ["te_deb", "te_snap1"]),
    ("test_execution_statuses=PASSED&test_execution_statuses=ENDED_PREMATURELY"
     "&test_result=none", ["te_solution", "te_charm"]),
    ("rerun_is_requested=true", ["te_snap2"]),
    ("rerun_is_requested=false", ["te_deb", "te_snap1"]),
    ("execution_is_latest=true", WITH_RESULTS),
    ("reviewer_ids=none", WITH_RESULTS),
    ("reviewer_ids=any", []),
    (f"execution_metadata={b64(META_CHARM, 'redis-k8s')}&test_result=none", ["te_solution"]),
    (f"execution_metadata={b64(META_CHARM, 'redis-k8s')}", []),
    ("from_date=2100-01-01", []),
    ("until_date=2100-01-01", WITH_RESULTS),
    ("event_names=none", WITH_RESULTS),
    ("event_names=any", []),
    # the filters of results alone mean nothing here
    ("test_cases=nonexistent&issues=any", WITH_RESULTS),
])
def test_executions_filter(api, scenario, query, expected):
    assert execution_ids(api, query, scenario) == expected


def test_executions_result_ids(api, scenario):
    wifi, boot = scenario["res_snap1_wifi"], scenario["res_snap1_boot"]
    r = api.get(f"/v1/test-executions?test_result={wifi}&test_result={boot}")
    (item,) = r.json()["test_executions"]
    assert item["id"] == scenario["te_snap1"]
    assert [res["id"] for res in item["test_results"]] == [wifi, boot]
    assert execution_ids(api, f"test_result={scenario['res_deb_cpu']}&test_result={wifi}",
                         scenario) == ["te_deb", "te_snap1"]
    assert execution_ids(api, "test_result=2147483648") == []
    assert execution_ids(api, "test_result=0") == []


def test_executions_events_and_dates(api, server, scenario):
    pg = server.pg
    for te, name in ((scenario["te_snap1"], "install"), (scenario["te_charm"], "setup")):
        pg.psql("INSERT INTO test_event (event_name, timestamp, detail, test_execution_id,"
                f" created_at, updated_at) VALUES ('{name}', now(), '', {te}, now(), now())")
    assert execution_ids(api, "event_names=any", scenario) == ["te_snap1"]
    assert execution_ids(api, "event_names=any&test_result=none", scenario) == ["te_charm"]
    assert execution_ids(api, "event_names=none", scenario) == ["te_deb", "te_snap2"]
    assert execution_ids(api, "event_names=install&event_names=other", scenario) == ["te_snap1"]
    assert execution_ids(api, "event_names=setup", scenario) == []
    # dates are on the execution's updated_at
    pg.psql(f"UPDATE test_execution SET updated_at = '2020-01-01' WHERE id = {scenario['te_deb']}")
    assert execution_ids(api, "until_date=2020-01-01", scenario) == ["te_deb"]
    assert execution_ids(api, "from_date=2020-01-01T00:00:01", scenario) == ["te_snap2",
                                                                             "te_snap1"]


def test_executions_combined(api, scenario):
    assert execution_ids(api, "families=snap&test_execution_statuses=IN_PROGRESS&environments="
                              "gc-env-rpi4-UUID1&rerun_is_requested=true&execution_is_latest=true",
                         scenario) == ["te_snap2"]
    assert execution_ids(api, "families=deb&environments=gc-env-lxd-UUID1&test_result=none"
                              "&artefact_versions=2.0-1ubuntu1", scenario) == ["te_deb2"]


def test_executions_results_embedded_newest_first(api, scenario):
    r = api.get("/v1/test-executions?artefacts=gc-snap-UUID1&artefact_versions=1.0.0")
    (item,) = r.json()["test_executions"]
    names = {v: k for k, v in scenario.items() if k.startswith("res_")}
    assert [names[res["id"]] for res in item["test_results"]] == \
        ["res_snap1_audio", "res_snap1_wifi", "res_snap1_boot"]
    assert all(res["previous_results"] == [] for res in item["test_results"])


# ---------------------------------------------------------------------------
# Paging and counts


@pytest.mark.parametrize("path, key", [("/v1/test-results", "test_results"),
                                       ("/v1/test-executions", "test_executions")])
def test_paging(api, scenario, path, key):
    total = 8 if key == "test_results" else 3
    every = api.get(path).json()
    assert every["count"] == total and len(every[key]) == total
    assert (every["limit"], every["offset"]) == (50, 0)
    pages = []
    for offset in range(0, total, 2):
        page = api.get(f"{path}?limit=2&offset={offset}").json()
        assert (page["count"], page["limit"], page["offset"]) == (total, 2, offset)
        pages += page[key]
    assert pages == every[key]
    empty = api.get(f"{path}?limit=0").json()
    assert (empty["count"], empty[key]) == (total, [])
    past = api.get(f"{path}?offset={total}&limit=1000").json()
    assert (past["count"], past["limit"], past["offset"], past[key]) == (total, 1000, total, [])
    far = api.get(f"{path}?offset=9223372036854775807").json()
    assert (far["count"], far[key]) == (total, [])
    lax = api.get(f"{path}?limit=1.0&offset=0_1").json()
    assert (lax["limit"], lax["offset"], len(lax[key])) == (1, 1, 1)


def test_paging_empty_database(api):
    assert api.get("/v1/test-results").json() == {"count": 0, "limit": 50, "offset": 0,
                                                  "test_results": []}
    assert api.get("/v1/test-executions").json() == {"count": 0, "limit": 50, "offset": 0,
                                                     "test_executions": []}


# ---------------------------------------------------------------------------
# Validation


def error(type_, loc, msg, input_, ctx=None):
    err = {"type": type_, "loc": loc, "msg": msg, "input": input_}
    if ctx is not None:
        err["ctx"] = ctx
    return err


INT_MSG = "Input should be a valid integer, unable to parse string as an integer"


@pytest.mark.parametrize("path", ["/v1/test-results", "/v1/test-executions"])
@pytest.mark.parametrize("query, detail", [
    ("limit=1001", [error("less_than_equal", ["query", "limit"],
                          "Input should be less than or equal to 1000", "1001", {"le": 1000})]),
    ("limit=-1", [error("greater_than_equal", ["query", "limit"],
                        "Input should be greater than or equal to 0", "-1", {"ge": 0})]),
    ("offset=-1", [error("greater_than_equal", ["query", "offset"],
                         "Input should be greater than or equal to 0", "-1", {"ge": 0})]),
    ("limit=ten", [error("int_parsing", ["query", "limit"], INT_MSG, "ten")]),
    ("limit=", [error("int_parsing", ["query", "limit"], INT_MSG, "")]),
    ("families=nonexistent", [error(
        "enum", ["query", "families", 0],
        "Input should be 'snap', 'deb', 'charm', 'image' or 'solution'", "nonexistent",
        {"expected": "'snap', 'deb', 'charm', 'image' or 'solution'"})]),
    ("test_execution_statuses=DONE", [error(
        "enum", ["query", "test_execution_statuses", 0],
        "Input should be 'NOT_STARTED', 'IN_PROGRESS', 'PASSED', 'FAILED', 'NOT_TESTED' or "
        "'ENDED_PREMATURELY'", "DONE",
        {"expected": "'NOT_STARTED', 'IN_PROGRESS', 'PASSED', 'FAILED', 'NOT_TESTED' or "
                     "'ENDED_PREMATURELY'"})]),
    ("artefact_is_archived=maybe", [error(
        "bool_parsing", ["query", "artefact_is_archived"],
        "Input should be a valid boolean, unable to interpret input", "maybe")]),
    ("from_date=invalid-date", [error(
        "datetime_from_date_parsing", ["query", "from_date"],
        "Input should be a valid datetime or date, invalid character in year", "invalid-date",
        {"error": "invalid character in year"})]),
    ("until_date=2025-13-45T25:99:99", [error(
        "datetime_from_date_parsing", ["query", "until_date"],
        "Input should be a valid datetime or date, month value is outside expected range of 1-12",
        "2025-13-45T25:99:99", {"error": "month value is outside expected range of 1-12"})]),
    ("reviewer_ids=any&reviewer_ids=none", [
        error("int_parsing", ["query", "reviewer_ids", "list[int]", 0], INT_MSG, "any"),
        error("int_parsing", ["query", "reviewer_ids", "list[int]", 1], INT_MSG, "none"),
        error("literal_error", ["query", "reviewer_ids", "list[literal[<QueryValue.ANY: 'any'>]]",
                                1], "Input should be <QueryValue.ANY: 'any'>", "none",
              {"expected": "<QueryValue.ANY: 'any'>"}),
        error("literal_error",
              ["query", "reviewer_ids", "list[literal[<QueryValue.NONE: 'none'>]]", 0],
              "Input should be <QueryValue.NONE: 'none'>", "any",
              {"expected": "<QueryValue.NONE: 'none'>"})]),
])
def test_validation(api, path, query, detail):
    r = api.get(f"{path}?{query}")
    assert r.status_code == 422
    assert r.json() == {"detail": detail}


@pytest.mark.parametrize("query", ["issues=any&issues=none", "issues=1&issues=none",
                                   "issues=1&issues=any", "issues=any&issues=1",
                                   "issues=none&issues=1", "test_result_statuses=passed"])
def test_results_validation(api, query):
    r = api.get(f"/v1/test-results?{query}")
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], list)


def test_validation_errors_together_in_upstream_order(api):
    r = api.get("/v1/test-results?offset=x&limit=y&families=z&issues=q")
    assert [e["loc"][1] for e in r.json()["detail"]] == [
        "families", "issues", "issues", "issues", "limit", "offset"]


@pytest.mark.parametrize("item, detail", [
    ("nocolon", "Invalid execution metadata format: 'nocolon'. Expected base64 encoded "
                "'category:value'."),
    ("Y2F0:eA", "Invalid base64 encoding in execution metadata: 'Y2F0:eA'."),
    ("Y2F0:%2Fw%3D%3D", "Invalid base64 encoding in execution metadata: 'Y2F0:/w=='."),
    ("Y2F0:", "Invalid execution metadata format: 'Y2F0:'. Both category and value must be "
              "non-empty."),
    (base64.b64encode(b"invalid-format").decode(),
     "Invalid execution metadata format: 'aW52YWxpZC1mb3JtYXQ='. Expected base64 encoded "
     "'category:value'."),
])
@pytest.mark.parametrize("path", ["/v1/test-results", "/v1/test-executions"])
def test_metadata_format(api, path, item, detail):
    # upstream checks this before any other parameter
    r = api.get(f"{path}?limit=5000&execution_metadata={item}")
    assert r.status_code == 422
    assert r.json() == {"detail": detail}


@pytest.mark.parametrize("query", ["event_names=install&event_names=any",
                                   "event_names=none&event_names=install"])
def test_event_names_mixed(api, query):
    r = api.get(f"/v1/test-executions?{query}")
    assert r.status_code == 422
    assert r.json() == {"detail": "Cannot combine reserved values 'any'/'none' with specific "
                                  "filter values."}
    # the parameters' own errors come first
    r = api.get(f"/v1/test-executions?{query}&limit=x")
    assert r.json()["detail"][0]["loc"] == ["query", "limit"]


def test_strings_are_taken_as_they_are(api, scenario):
    # quotes, backslashes, braces and commas reach the database as text
    for value in ['a"b', "a\\b", "{x,y}", "a,b", "%", "é", ""]:
        q = urllib.parse.quote(value, safe="")
        assert result_ids(api, f"artefacts={q}&test_cases={q}&environments={q}") == []
    # invalid UTF-8 is read with U+FFFD, never a database error
    assert result_ids(api, "artefacts=%FF") == []
    r = api.get("/v1/test-results?families=%FF")
    assert r.json()["detail"][0]["input"] == "\ufffd"
    # a value holding NUL, from base64, is in no row
    assert result_ids(api, f"execution_metadata={urllib.parse.quote('YQ==:AA==')}") == []


# ---------------------------------------------------------------------------
# Permissions


@pytest.mark.parametrize("path", ["/v1/test-results", "/v1/test-executions"])
def test_permissions(client_with, anon, path):
    assert client_with("view_test").get(path).status_code == 200
    for client in (client_with(), client_with("view_artefact", "change_test"), anon):
        r = client.get(path)
        assert r.status_code == 403
        assert r.json() == {"detail": "Insufficient permissions"}
