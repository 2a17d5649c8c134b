"""Test results (POST/GET), GET and PATCH of a test execution (reference
exchanges 03-results-and-executions.txt)."""

import threading

import pytest

from sqlcount import counting_server, statements  # noqa: F401 (fixture)
from helpers import (
    CHARM, ENV_LXD, ENV_RPI4, EXEC_NOT_FOUND, JSON, SNAP, SOLUTION,
    count, env_id, execution_shape, is_ts, link_ids, mask_ts, post_results, start, validation,
)

BOOT = {"name": "gc-tc-boot", "status": "PASSED", "template_id": "boot/{device}", "category": "Boot",
        "comment": "booted fine", "io_log": "line 1\nline 2\n"}
WIFI = {"name": "gc-tc-wifi", "status": "FAILED", "template_id": "wireless/{iface}", "category": "Wireless",
        "comment": "no carrier", "io_log": "ERROR: timeout"}
AUDIO = {"name": "gc-tc-audio", "status": "SKIPPED"}

SNAP2 = dict(version="1.0.1", revision=102, ci_link="https://jenkins.example.com/job/t/snap-2", relevant_links=[])


def results_path(te):
    return f"/v1/test-executions/{te}/test-results"


def get_results(client, te):
    r = client.get(results_path(te))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == JSON
    return r.json()


def result_ids(pg, te):
    out = pg.psql("SELECT r.id FROM test_result r WHERE r.test_execution_id = %d ORDER BY r.id" % te)
    return [int(x) for x in out.split()] if out else []


def artefact_of(pg, te):
    return int(pg.psql("SELECT b.artefact_id FROM test_execution t JOIN artefact_build b"
                       f" ON b.id = t.artefact_build_id WHERE t.id = {te}"))


def result_shape(id_, name, status, category="", template_id="", comment="", io_log="", previous=()):
    return {"id": id_, "name": name, "created_at": "<datetime>", "category": category,
            "template_id": template_id, "status": status, "comment": comment, "io_log": io_log,
            "previous_results": list(previous), "issues": []}


def previous(status, version, artefact_id, te, res):
    return {"status": status, "version": version, "artefact_id": artefact_id, "test_execution_id": te,
            "test_result_id": res}


# --- POST / GET test results --------------------------------------------------------

def test_post_results_answers_null(api, server):
    te = start(api, SNAP)
    r = api.post(results_path(te), json=[BOOT, WIFI, AUDIO])
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    assert r.text == "null"
    assert count(server.pg, "test_result") == 3
    assert count(server.pg, "test_case") == 3


def test_get_results_shape(api, server):
    te = start(api, SNAP)
    post_results(api, te, [BOOT, WIFI, AUDIO])
    boot, wifi, audio = result_ids(server.pg, te)
    assert mask_ts(get_results(api, te)) == [
        result_shape(boot, "gc-tc-boot", "PASSED", "Boot", "boot/{device}", "booted fine", "line 1\nline 2\n"),
        result_shape(wifi, "gc-tc-wifi", "FAILED", "Wireless", "wireless/{iface}", "no carrier", "ERROR: timeout"),
        result_shape(audio, "gc-tc-audio", "SKIPPED"),
    ]


def test_get_results_of_execution_without_results(api):
    te = start(api, SNAP)
    assert get_results(api, te) == []


def test_same_case_posted_again_replaces_and_previous_results(api, server):
    pg = server.pg
    te1 = start(api, SNAP)
    post_results(api, te1, [BOOT, WIFI, AUDIO])
    res1_boot, res1_wifi, _ = result_ids(pg, te1)
    te2 = start(api, SNAP, **SNAP2)
    post_results(api, te2, [BOOT, dict(WIFI, status="PASSED", comment="fixed", io_log="ok")])
    post_results(api, te2, [dict(WIFI, comment="flaky again")])
    assert count(pg, "test_result", f"test_execution_id = {te2}") == 2
    boot2, wifi2 = result_ids(pg, te2)
    assert wifi2 > boot2
    a1 = artefact_of(pg, te1)
    assert mask_ts(get_results(api, te2)) == [
        result_shape(boot2, "gc-tc-boot", "PASSED", "Boot", "boot/{device}", "booted fine", "line 1\nline 2\n",
                     [previous("PASSED", "1.0.0", a1, te1, res1_boot)]),
        result_shape(wifi2, "gc-tc-wifi", "FAILED", "Wireless", "wireless/{iface}", "flaky again",
                     "ERROR: timeout", [previous("FAILED", "1.0.0", a1, te1, res1_wifi)]),
    ]
    # the older execution sees nothing of the newer version
    assert [r["previous_results"] for r in get_results(api, te1)] == [[], [], []]


def test_test_case_fields_first_writer_wins(api):
    te1 = start(api, SNAP)
    post_results(api, te1, [BOOT])
    te2 = start(api, SNAP, **SNAP2)
    post_results(api, te2, [dict(BOOT, category="Other", template_id="other/{x}")])
    got = get_results(api, te2)[0]
    assert (got["category"], got["template_id"]) == ("Boot", "boot/{device}")


def test_previous_results_capped_at_ten_newest_first(api, server):
    pg = server.pg
    executions = []
    for i in range(12):
        te = start(api, SNAP, version=f"1.0.{i}", revision=100 + i, ci_link=f"https://jenkins.example.com/job/v{i}",
                   relevant_links=[])
        post_results(api, te, [dict(BOOT, status="FAILED" if i % 2 else "PASSED")])
        executions.append(te)
    last = get_results(api, executions[-1])
    assert len(last) == 1
    prev = last[0]["previous_results"]
    assert len(prev) == 10
    expected = []
    for i in range(10, 0, -1):
        te = executions[i]
        expected.append(previous("FAILED" if i % 2 else "PASSED", f"1.0.{i}", artefact_of(pg, te), te,
                                 result_ids(pg, te)[0]))
    assert prev == expected


def test_previous_results_long_history_one_statement(api, server, counting_server):
    """A long history with gaps: each case's ten newest earlier results (by
    artefact, then result), whatever executions lack it; the answer costs
    the same statements with 1 or 14 earlier executions."""
    pg = server.pg
    cases = [dict(name=f"gc-tc-long-{k:02d}", status="PASSED") for k in range(12)]
    history = []  # (execution, its results by case name)
    for i in range(15):
        # two executions of some versions; each execution misses some cases
        version = f"3.0.{i // 2}"
        te = start(api, SNAP, version=version, revision=300 + i // 2,
                   ci_link=f"https://jenkins.example.com/job/long-{i}", relevant_links=[])
        posted = [dict(c, status=("FAILED", "PASSED", "SKIPPED")[(i + k) % 3])
                  for k, c in enumerate(cases) if (i * 7 + k) % 4]
        post_results(api, te, posted)
        by_name = {c["name"]: c["status"] for c in posted}
        rows = pg.psql("SELECT c.name, r.id FROM test_result r JOIN test_case c ON c.id = r.test_case_id"
                       f" WHERE r.test_execution_id = {te}")
        ids = {name: int(rid) for name, rid in (line.split("|") for line in rows.split())}
        history.append((te, artefact_of(pg, te), version, {n: (by_name[n], ids[n]) for n in by_name}))
    client = counting_server.client(counting_server.admin_key)
    last_te = history[-1][0]
    r, n_long = statements(counting_server, lambda: client.get(results_path(last_te)))
    assert r.status_code == 200
    got = {res["name"]: res["previous_results"] for res in r.json()}
    assert set(got) == set(history[-1][3])
    for name in got:
        earlier = [previous(res[0], version, art, te, res[1])
                   for te, art, version, results in history[:-1]
                   for res in [results.get(name)] if res]
        earlier.sort(key=lambda p: (p["artefact_id"], p["test_result_id"]), reverse=True)
        assert got[name] == earlier[:10], name
    assert any(len(p) == 10 for p in got.values())
    r, n_short = statements(counting_server, lambda: client.get(results_path(history[1][0])))
    assert r.status_code == 200
    assert n_long == n_short <= 2, (n_long, n_short)


def test_previous_results_same_environment_and_plan_only(api, server):
    pg = server.pg
    te_other_env = start(api, SNAP, environment=ENV_LXD, ci_link="https://jenkins.example.com/job/lxd")
    post_results(api, te_other_env, [BOOT])
    te1 = start(api, SNAP)
    post_results(api, te1, [BOOT])
    te2 = start(api, SNAP, **SNAP2)
    post_results(api, te2, [BOOT])
    prev = get_results(api, te2)[0]["previous_results"]
    assert [p["test_execution_id"] for p in prev] == [te1]
    assert env_id(pg, ENV_LXD) != env_id(pg, ENV_RPI4)


def test_previous_results_same_architecture_and_track_only(api, server):
    te_arm = start(api, SNAP, arch="arm64", ci_link="https://jenkins.example.com/job/arm")
    post_results(api, te_arm, [BOOT])
    te_track = start(api, SNAP, track="2.x", ci_link="https://jenkins.example.com/job/track")
    post_results(api, te_track, [BOOT])
    te_name = start(api, SNAP, name="gc-other-snap", ci_link="https://jenkins.example.com/job/name")
    post_results(api, te_name, [BOOT])
    te1 = start(api, SNAP)
    post_results(api, te1, [BOOT])
    te2 = start(api, SNAP, **SNAP2)
    post_results(api, te2, [BOOT])
    assert [p["test_execution_id"] for p in get_results(api, te2)[0]["previous_results"]] == [te1]


def test_previous_results_include_earlier_execution_of_same_artefact(api, server):
    te1 = start(api, SNAP)
    post_results(api, te1, [BOOT])
    te2 = start(api, SNAP, ci_link="https://jenkins.example.com/job/t/snap-1-again")
    post_results(api, te2, [dict(BOOT, status="FAILED")])
    prev = get_results(api, te2)[0]["previous_results"]
    assert prev == [previous("PASSED", "1.0.0", artefact_of(server.pg, te1), te1, result_ids(server.pg, te1)[0])]
    assert get_results(api, te1)[0]["previous_results"] == []


def test_post_results_unknown_execution(api):
    r = api.post(results_path(999999999), json=[BOOT])
    assert r.status_code == 404
    assert r.headers["content-type"] == JSON
    assert r.json() == EXEC_NOT_FOUND


def test_get_results_unknown_execution(api):
    r = api.get(results_path(999999999))
    assert r.status_code == 404
    assert r.json() == EXEC_NOT_FOUND


def test_post_results_bad_status(api, server):
    te = start(api, SNAP)
    r = api.post(results_path(te), json=[{"name": "x", "status": "PASS"}])
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "enum", ["body", 0, "status"], "Input should be 'PASSED', 'FAILED' or 'SKIPPED'", "PASS",
        {"expected": "'PASSED', 'FAILED' or 'SKIPPED'"})]}


def test_post_results_body_must_be_a_list(api):
    te = start(api, SNAP)
    r = api.post(results_path(te), json=BOOT)
    assert r.status_code == 422
    assert r.json() == {"detail": [validation("list_type", ["body"], "Input should be a valid list", BOOT)]}


def test_post_results_missing_name(api):
    te = start(api, SNAP)
    r = api.post(results_path(te), json=[{"status": "PASSED"}])
    assert r.status_code == 422
    assert r.json() == {"detail": [validation("missing", ["body", 0, "name"], "Field required",
                                              {"status": "PASSED"})]}


def test_post_empty_batch(api, server):
    te = start(api, SNAP)
    post_results(api, te, [])
    assert count(server.pg, "test_result") == 0


def test_invalid_item_writes_nothing(api, server):
    pg = server.pg
    te = start(api, SNAP)
    post_results(api, te, [BOOT])
    before = (count(pg, "test_result"), count(pg, "test_case"))
    r = api.post(results_path(te), json=[dict(BOOT, comment="changed"), WIFI, {"name": "x", "status": "PASS"}])
    assert r.status_code == 422
    assert (count(pg, "test_result"), count(pg, "test_case")) == before
    assert get_results(api, te)[0]["comment"] == "booted fine"


def test_nul_character_is_refused_not_truncated(api, server):
    pg = server.pg
    te = start(api, SNAP)
    r = api.post(results_path(te), json=[BOOT, dict(WIFI, comment="a\u0000b")])
    assert r.status_code == 422, r.text
    assert count(pg, "test_result") == 0


def test_batch_of_ten_thousand(api, server):
    te = start(api, SNAP)
    statuses = ("PASSED", "FAILED", "SKIPPED")
    batch = [{"name": f"gc-bulk-{i:05d}", "status": statuses[i % 3], "comment": f"c{i}", "io_log": "x" * 20}
             for i in range(10000)]
    post_results(api, te, batch)  # speed is make bench's business, not a test's
    pg = server.pg
    assert count(pg, "test_result", f"test_execution_id = {te}") == 10000
    assert count(pg, "test_case") == 10000
    assert count(pg, "test_result", "status = 'FAILED'") == 3333
    assert pg.psql("SELECT r.comment FROM test_result r JOIN test_case c ON c.id = r.test_case_id"
                   " WHERE c.name = 'gc-bulk-09999'") == "c9999"


def race(server, jobs):
    """Runs each (method, path, json) from its own thread and connection at once."""
    barrier = threading.Barrier(len(jobs))
    answers = [None] * len(jobs)

    def worker(i):
        client = server.client(server.admin_key)
        barrier.wait()
        method, path, payload = jobs[i]
        answers[i] = client.request(method, path, json=payload)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


def test_concurrent_posts_of_same_cases_leave_one_result_each(api, server):
    te = start(api, SNAP)
    batch = [{"name": f"gc-race-{i}", "status": "PASSED"} for i in range(50)]
    answers = race(server, [("POST", results_path(te), batch)] * 8)
    assert [r.status_code for r in answers] == [200] * 8, [r.text for r in answers]
    assert count(server.pg, "test_result") == 50
    assert count(server.pg, "test_case") == 50


def test_concurrent_new_cases_in_several_executions(api, server):
    executions = [start(api, SNAP, ci_link=f"https://jenkins.example.com/job/race/{i}") for i in range(8)]
    batch = [{"name": f"gc-new-{i}", "status": "FAILED"} for i in range(50)]
    answers = race(server, [("POST", results_path(te), batch) for te in executions])
    assert [r.status_code for r in answers] == [200] * 8, [r.text for r in answers]
    assert count(server.pg, "test_case") == 50
    assert count(server.pg, "test_result") == 400


def test_concurrent_patches_of_metadata(api, server):
    te = start(api, SNAP)
    jobs = [("PATCH", f"/v1/test-executions/{te}", {"execution_metadata": {"k": [f"v{i}", "shared"]}})
            for i in range(8)]
    answers = race(server, jobs)
    assert [r.status_code for r in answers] == [200] * 8, [r.text for r in answers]
    got = api.get(f"/v1/test-executions/{te}").json()["execution_metadata"]
    assert sorted(got["k"]) == sorted([f"v{i}" for i in range(8)] + ["shared"])


# --- GET execution ----------------------------------------------------------

def rpi4(pg):
    return {"id": env_id(pg, ENV_RPI4), "name": ENV_RPI4, "architecture": "amd64"}


def lxd(pg):
    return {"id": env_id(pg, ENV_LXD), "name": ENV_LXD, "architecture": "amd64"}


def snap_links(pg, te):
    return [{"label": "Build log", "url": "https://example.com/build/r8", "id": i} for i in link_ids(pg, te)]


def test_get_execution_shape(api, server):
    pg = server.pg
    te = start(api, SNAP)
    start(api, SNAP)
    post_results(api, te, [BOOT, WIFI, AUDIO])
    r = api.get(f"/v1/test-executions/{te}")
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    data = r.json()
    assert is_ts(data["created_at"])
    assert len(link_ids(pg, te)) == 2
    assert mask_ts(data) == execution_shape(
        id=te, ci_link=SNAP["ci_link"], relevant_links=snap_links(pg, te), environment=rpi4(pg),
        status="IN_PROGRESS", is_triaged=False)


def test_execution_without_failures_is_triaged(api):
    te = start(api, SNAP)
    assert api.get(f"/v1/test-executions/{te}").json()["is_triaged"] is True
    post_results(api, te, [BOOT])
    assert api.get(f"/v1/test-executions/{te}").json()["is_triaged"] is True
    post_results(api, te, [AUDIO])
    assert api.get(f"/v1/test-executions/{te}").json()["is_triaged"] is False


def test_get_execution_rerun_flags(api, server):
    pg = server.pg
    te = start(api, SNAP)
    pg.psql("INSERT INTO test_execution_rerun_request (created_at, updated_at, test_plan_id, artefact_build_id,"
            " environment_id, priority) SELECT now(), now(), test_plan_id, artefact_build_id, environment_id, 7"
            f" FROM test_execution WHERE id = {te}")
    data = api.get(f"/v1/test-executions/{te}").json()
    assert (data["is_rerun_requested"], data["rerun_priority"]) == (True, 7)


@pytest.mark.parametrize("stored,shown", [("2026-01-02 03:04:05", "2026-01-02T03:04:05"),
                                          ("2026-01-02 03:04:05.5", "2026-01-02T03:04:05.500000"),
                                          ("2026-12-31 23:59:59.000001", "2026-12-31T23:59:59.000001")])
def test_timestamps_naive_iso_fraction_dropped_when_zero(api, server, stored, shown):
    te = start(api, SNAP)
    post_results(api, te, [BOOT])
    server.pg.psql(f"UPDATE test_execution SET created_at = '{stored}'; UPDATE test_result SET created_at = '{stored}'")
    assert api.get(f"/v1/test-executions/{te}").json()["created_at"] == shown
    assert get_results(api, te)[0]["created_at"] == shown


def test_get_execution_unknown(api):
    r = api.get("/v1/test-executions/999999999")
    assert r.status_code == 404
    assert r.json() == EXEC_NOT_FOUND


# --- PATCH execution --------------------------------------------------------

def patch(client, te, payload):
    r = client.patch(f"/v1/test-executions/{te}", json=payload)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == JSON
    return r.json()


def test_patch_completed_with_a_failure_is_failed(api, server):
    pg = server.pg
    te = start(api, SNAP)
    start(api, SNAP)
    post_results(api, te, [BOOT, WIFI, AUDIO])
    data = patch(api, te, {"status": "COMPLETED"})
    assert mask_ts(data) == execution_shape(
        id=te, ci_link=SNAP["ci_link"], relevant_links=snap_links(pg, te), environment=rpi4(pg),
        status="FAILED", is_triaged=False)
    assert pg.psql(f"SELECT status FROM test_execution WHERE id = {te}") == "FAILED"


def test_patch_completed_without_results_ended_prematurely(api, server):
    pg = server.pg
    te = start(api, CHARM)
    data = patch(api, te, {"status": "COMPLETED"})
    assert mask_ts(data) == execution_shape(
        id=te, ci_link=CHARM["ci_link"], environment=lxd(pg), status="ENDED_PREMATURELY", is_triaged=True)


def test_patch_completed_with_passes_and_skips_is_passed(api):
    te = start(api, SNAP)
    post_results(api, te, [BOOT, AUDIO])
    assert patch(api, te, {"status": "COMPLETED"})["status"] == "PASSED"


@pytest.mark.parametrize("status", ["NOT_STARTED", "IN_PROGRESS", "PASSED", "FAILED", "NOT_TESTED",
                                    "ENDED_PREMATURELY"])
def test_patch_explicit_status(api, server, status):
    te = start(api, SNAP)
    post_results(api, te, [WIFI])
    assert patch(api, te, {"status": status})["status"] == status
    assert server.pg.psql(f"SELECT status FROM test_execution WHERE id = {te}") == status


def test_patch_every_field_and_metadata_accumulates(api, server):
    pg = server.pg
    te = start(api, SOLUTION)
    links = [{"label": "Spec", "url": "https://example.com/spec", "id": i} for i in link_ids(pg, te)]
    data = patch(api, te, {
        "c3_link": "https://certification.canonical.com/hardware/r8/",
        "ci_link": "https://jenkins.example.com/job/t/solution-1-rerun",
        "status": "PASSED",
        "execution_metadata": {"gc-meta-charm": ["postgresql-k8s", "mysql-k8s"], "gc-meta-rev": ["495"]},
    })
    assert mask_ts(data) == execution_shape(
        id=te, ci_link="https://jenkins.example.com/job/t/solution-1-rerun",
        c3_link="https://certification.canonical.com/hardware/r8/", relevant_links=links, environment=rpi4(pg),
        status="PASSED",
        execution_metadata={"gc-meta-charm": ["postgresql-k8s", "mysql-k8s"], "gc-meta-rev": ["495"]})
    data = patch(api, te, {"execution_metadata": {"gc-meta-charm": ["redis-k8s"]}})
    assert mask_ts(data) == execution_shape(
        id=te, ci_link="https://jenkins.example.com/job/t/solution-1-rerun",
        c3_link="https://certification.canonical.com/hardware/r8/", relevant_links=links, environment=rpi4(pg),
        status="PASSED",
        execution_metadata={"gc-meta-charm": ["postgresql-k8s", "mysql-k8s", "redis-k8s"],
                            "gc-meta-rev": ["495"]})
    # a value given again is not duplicated
    data = patch(api, te, {"execution_metadata": {"gc-meta-rev": ["495"]}})
    assert data["execution_metadata"]["gc-meta-rev"] == ["495"]
    assert api.get(f"/v1/test-executions/{te}").json() == data
    assert pg.psql(f"SELECT ci_link, c3_link FROM test_execution WHERE id = {te}").split("|") == [
        "https://jenkins.example.com/job/t/solution-1-rerun", "https://certification.canonical.com/hardware/r8/"]


def test_metadata_values_shared_between_executions(api, server):
    te1 = start(api, SNAP)
    te2 = start(api, SNAP, ci_link="https://jenkins.example.com/job/t/other")
    patch(api, te1, {"execution_metadata": {"k": ["v"]}})
    assert patch(api, te2, {"execution_metadata": {"k": ["v", "w"]}})["execution_metadata"] == {"k": ["v", "w"]}
    assert api.get(f"/v1/test-executions/{te1}").json()["execution_metadata"] == {"k": ["v"]}
    assert count(server.pg, "test_execution_metadata") == 2


def test_patch_empty_body_changes_nothing(api):
    te = start(api, SNAP)
    before = api.get(f"/v1/test-executions/{te}").json()
    assert patch(api, te, {}) == before


def test_patch_nulls_change_nothing(api):
    te = start(api, SNAP)
    before = api.get(f"/v1/test-executions/{te}").json()
    assert patch(api, te, {"ci_link": None, "c3_link": None, "status": None, "execution_metadata": None}) == before


def test_patch_bad_status(api):
    te = start(api, SOLUTION)
    r = api.patch(f"/v1/test-executions/{te}", json={"status": "DONE"})
    assert r.status_code == 422
    expected = "'NOT_STARTED', 'IN_PROGRESS', 'PASSED', 'FAILED', 'NOT_TESTED' or 'ENDED_PREMATURELY'"
    assert r.json() == {"detail": [
        validation("enum", ["body", "status", "str-enum[TestExecutionStatus]"], f"Input should be {expected}",
                   "DONE", {"expected": expected}),
        validation("literal_error", ["body", "status", "literal['COMPLETED']"], "Input should be 'COMPLETED'",
                   "DONE", {"expected": "'COMPLETED'"}),
    ]}


def test_patch_bad_url(api):
    te = start(api, SNAP)
    r = api.patch(f"/v1/test-executions/{te}", json={"c3_link": "ftp//nope"})
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "url_parsing", ["body", "c3_link"], "Input should be a valid URL, relative URL without a base", "ftp//nope",
        {"error": "relative URL without a base"})]}


def test_patch_url_gets_a_path(api):
    # pydantic's HttpUrl adds the root path
    te = start(api, SNAP)
    assert patch(api, te, {"c3_link": "https://c3.example.com"})["c3_link"] == "https://c3.example.com/"


def test_patch_url_host_lowercased(api):
    # pydantic's HttpUrl lowercases the host
    te = start(api, SNAP)
    assert patch(api, te, {"ci_link": "https://Example.COM"})["ci_link"] == "https://example.com/"


URL_NORMALISED = [
    ("https://c3.example.com:443/x", "https://c3.example.com/x"),
    ("HTTPS://C3.Example.com/Path", "https://c3.example.com/Path"),
]
URL_ENCODED = [
    ("https://c3.example.com/a b", "https://c3.example.com/a%20b"),
    ("https://c3.example.com/p?q=\u00fc", "https://c3.example.com/p?q=%C3%BC"),
    ("http://c3.example.com/a/../b/./c", "http://c3.example.com/b/c"),
]


@pytest.mark.parametrize("sent,stored", URL_NORMALISED)
def test_patch_url_normalised_as_pydantic(api, sent, stored):
    te = start(api, SNAP)
    assert patch(api, te, {"c3_link": sent})["c3_link"] == stored


@pytest.mark.parametrize("sent,stored", URL_ENCODED)
def test_patch_url_encoded_as_pydantic(api, sent, stored):
    te = start(api, SNAP)
    assert patch(api, te, {"c3_link": sent})["c3_link"] == stored


def test_patch_link_longer_than_column_is_422(api):
    te = start(api, SNAP)
    r = api.patch(f"/v1/test-executions/{te}", json={"c3_link": "https://c3.example.com/" + "a" * 200})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "c3_link"]


def test_patch_ci_link_taken_by_another_execution(api):
    te1 = start(api, SNAP)
    te2 = start(api, SNAP, ci_link="https://jenkins.example.com/job/t/other")
    r = api.patch(f"/v1/test-executions/{te2}", json={"ci_link": SNAP["ci_link"]})
    # upstream: IntegrityError -> 500; ours must at least not be a 5xx
    assert r.status_code < 500
    assert api.get(f"/v1/test-executions/{te1}").json()["ci_link"] == SNAP["ci_link"]


@pytest.mark.parametrize("metadata,loc,type_", [
    ({"": ["x"]}, ["body", "execution_metadata", "", "[key]"], "string_too_short"),
    ({"a": [""]}, ["body", "execution_metadata", "a", 0], "string_too_short"),
    ({"a": ["v" * 201]}, ["body", "execution_metadata", "a", 0], "string_too_long"),
    ({"a": "v"}, ["body", "execution_metadata", "a"], "list_type"),
])
def test_patch_bad_metadata(api, server, metadata, loc, type_):
    te = start(api, SNAP)
    r = api.patch(f"/v1/test-executions/{te}", json={"execution_metadata": metadata})
    assert r.status_code == 422
    d = r.json()["detail"]
    assert (d[0]["type"], d[0]["loc"]) == (type_, loc)
    assert count(server.pg, "test_execution_metadata") == 0


def test_patch_unknown_execution(api):
    r = api.patch("/v1/test-executions/999999999", json={"status": "PASSED"})
    assert r.status_code == 404
    assert r.headers["content-type"] == JSON
    assert r.json() == EXEC_NOT_FOUND
