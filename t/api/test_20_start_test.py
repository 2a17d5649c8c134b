"""PUT /v1/test-executions/start-test for every family (reference exchanges
02-start-test.txt), its side effects in the database, and concurrency."""

import json
import threading

import pytest

from helpers import (
    CHARM, DEB, DEB_PPA, ENV_LXD, ENV_RPI4, IMAGE, JSON, PLAN, SHA256, SNAP, SOLUTION,
    body, count, start, validation,
)

START = "/v1/test-executions/start-test"


def row(pg, sql):
    """The first row of a query, as a list of text fields."""
    return pg.psql(sql).split("|")


def te_row(pg, te_id):
    return row(pg, "SELECT e.name, e.architecture, b.architecture, coalesce(b.revision::text, 'NULL'),"
                   " a.name, a.version, p.name, t.status, coalesce(t.ci_link, 'NULL')"
                   " FROM test_execution t JOIN environment e ON e.id = t.environment_id"
                   " JOIN artefact_build b ON b.id = t.artefact_build_id JOIN artefact a ON a.id = b.artefact_id"
                   f" JOIN test_plan p ON p.id = t.test_plan_id WHERE t.id = {te_id}")


def links(pg, te_id):
    out = pg.psql(f"SELECT label, url FROM test_execution_relevant_link WHERE test_execution_id = {te_id} ORDER BY id")
    return [tuple(line.split("|")) for line in out.splitlines()] if out else []


# --- snap -------------------------------------------------------------------

def test_snap_every_field(api, server):
    pg = server.pg
    te = start(api, SNAP)
    assert te_row(pg, te) == [ENV_RPI4, "amd64", "amd64", "101", "gc-snap", "1.0.0", PLAN, "IN_PROGRESS",
                              SNAP["ci_link"]]
    assert row(pg, "SELECT name, version, track, store, branch, stage, family, status, series, repo, source,"
                   " os, release, owner, sha256, image_url, comment, bug_link, archived,"
                   " coalesce(due_date::text, 'NULL') FROM artefact") == [
        "gc-snap", "1.0.0", "latest", "ubuntu", "", "beta", "snap", "UNDECIDED", "", "", "", "", "", "", "", "",
        "", "", "f", "NULL"]
    assert links(pg, te) == [("Build log", "https://example.com/build/r8")]
    for table in ("artefact", "artefact_build", "environment", "test_plan", "test_execution",
                  "artefact_build_environment_review"):
        assert count(pg, table) == 1, table
    assert row(pg, "SELECT review_decision, review_comment FROM artefact_build_environment_review") == ["{}", ""]


def test_same_ci_link_returns_same_execution_and_appends_links(api, server):
    pg = server.pg
    first = start(api, SNAP)
    second = start(api, SNAP)
    assert second == first
    assert count(pg, "test_execution") == 1
    assert count(pg, "artefact") == 1
    assert count(pg, "artefact_build_environment_review") == 1
    # upstream appends the relevant links again on each call
    assert links(pg, first) == [("Build log", "https://example.com/build/r8")] * 2


def test_newer_snap_version_same_environment(api, server):
    pg = server.pg
    te1 = start(api, SNAP)
    te2 = start(api, SNAP, version="1.0.1", revision=102, ci_link="https://jenkins.example.com/job/t/snap-2",
                relevant_links=[])
    assert te2 != te1
    assert count(pg, "artefact") == 2
    assert count(pg, "artefact_build") == 2
    assert count(pg, "environment") == 1
    assert count(pg, "test_plan") == 1
    assert count(pg, "artefact_build_environment_review") == 2
    assert te_row(pg, te2)[2:6] == ["amd64", "102", "gc-snap", "1.0.1"]
    assert links(pg, te2) == []


def test_same_snap_other_stage_is_the_same_artefact(api, server):
    # the stage is not part of a snap's identity: the artefact keeps its first stage
    start(api, SNAP)
    start(api, SNAP, execution_stage="candidate", ci_link="https://jenkins.example.com/job/t/snap-c")
    assert count(server.pg, "artefact") == 1
    assert server.pg.psql("SELECT stage FROM artefact") == "beta"


def test_without_ci_link_every_call_creates_an_execution(api, server):
    a = start(api, SNAP, drop=("ci_link",))
    b = start(api, SNAP, drop=("ci_link",))
    assert a != b
    assert count(server.pg, "test_execution") == 2
    assert count(server.pg, "test_execution", "ci_link IS NULL") == 2
    assert count(server.pg, "artefact_build_environment_review") == 1


def test_defaults_of_optional_fields(api, server):
    te = start(api, SNAP, drop=("ci_link", "initial_status", "relevant_links", "needs_assignment", "branch"))
    assert te_row(server.pg, te)[7] == "IN_PROGRESS"
    assert server.pg.psql("SELECT branch FROM artefact") == ""


@pytest.mark.parametrize("status", ["NOT_STARTED", "IN_PROGRESS", "PASSED", "FAILED", "NOT_TESTED",
                                    "ENDED_PREMATURELY"])
def test_initial_status_is_stored(api, server, status):
    te = start(api, SNAP, initial_status=status)
    assert server.pg.psql(f"SELECT status FROM test_execution WHERE id = {te}") == status


# --- deb --------------------------------------------------------------------

def test_deb_archive_pocket(api, server):
    pg = server.pg
    te = start(api, DEB)
    assert te_row(pg, te) == [ENV_RPI4, "amd64", "amd64", "NULL", "gc-deb", "2.0-1ubuntu1", PLAN, "NOT_STARTED",
                              DEB["ci_link"]]
    assert row(pg, "SELECT series, repo, source, stage, family, track, store, branch FROM artefact") == [
        "noble", "main", "", "proposed", "deb", "", "", ""]
    assert links(pg, te) == [("Changelog", "https://launchpad.net/ubuntu/+source/x")]


def test_deb_second_environment(api, server):
    pg = server.pg
    te1 = start(api, DEB)
    te2 = start(api, DEB, environment=ENV_LXD, ci_link="https://jenkins.example.com/job/t/deb-2",
                initial_status="IN_PROGRESS", relevant_links=[])
    assert te1 != te2
    assert count(pg, "artefact") == 1
    assert count(pg, "artefact_build") == 1
    assert count(pg, "environment") == 2
    assert count(pg, "artefact_build_environment_review") == 2
    assert te_row(pg, te2)[0] == ENV_LXD
    assert te_row(pg, te2)[7] == "IN_PROGRESS"


def test_deb_ppa_minimal(api, server):
    pg = server.pg
    te = start(api, DEB_PPA)
    assert te_row(pg, te) == [ENV_LXD, "arm64", "arm64", "NULL", "gc-deb-ppa", "3.0~ppa1", PLAN, "IN_PROGRESS",
                              "NULL"]
    assert row(pg, "SELECT series, repo, source, stage FROM artefact") == [
        "jammy", "ppa:team/ppa-name", "hello", ""]


def test_deb_both_source_and_stage(api, server):
    sent = body(DEB_PPA, execution_stage="proposed")
    r = api.put(START, json=sent)
    assert r.status_code == 422
    assert r.headers["content-type"] == JSON
    assert r.json() == {"detail": [validation(
        "value_error", ["body", "deb"], "Value error, Received both source and execution_stage", sent,
        {"error": {}})]}
    assert count(server.pg, "artefact") == 0


def test_deb_neither_source_nor_stage(api, server):
    sent = body(DEB_PPA, source="")
    r = api.put(START, json=sent)
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "value_error", ["body", "deb"], "Value error, Received no source or execution_stage", sent,
        {"error": {}})]}
    assert count(server.pg, "artefact") == 0


def test_deb_stage_of_another_family(api):
    r = api.put(START, json=body(DEB, execution_stage="edge"))
    assert r.status_code == 422
    assert r.json() == {"detail": [
        validation("enum", ["body", "deb", "execution_stage", "str-enum[DebStage]"],
                   "Input should be 'proposed' or 'updates'", "edge", {"expected": "'proposed' or 'updates'"}),
        validation("literal_error", ["body", "deb", "execution_stage", "literal['']"], "Input should be ''", "edge",
                   {"expected": "''"}),
    ]}


def test_deb_stage_null(api):
    r = api.put(START, json=body(DEB, execution_stage=None))
    assert r.status_code == 422
    assert r.json() == {"detail": [
        validation("enum", ["body", "deb", "execution_stage", "str-enum[DebStage]"],
                   "Input should be 'proposed' or 'updates'", None, {"expected": "'proposed' or 'updates'"}),
        validation("literal_error", ["body", "deb", "execution_stage", "literal['']"], "Input should be ''", None,
                   {"expected": "''"}),
    ]}


@pytest.mark.parametrize("base,stage,expected", [
    (CHARM, "proposed", "'edge', 'beta', 'candidate' or 'stable'"),
    (SOLUTION, "pending", "'edge', 'beta', 'candidate' or 'stable'"),
    (IMAGE, "beta", "'pending' or 'current'"),
    (SNAP, "current", "'edge', 'beta', 'candidate' or 'stable'"),
], ids=lambda v: v["family"] if isinstance(v, dict) else None)
def test_stage_of_another_family(api, base, stage, expected):
    r = api.put(START, json=body(base, execution_stage=stage))
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "enum", ["body", base["family"], "execution_stage"], f"Input should be {expected}", stage,
        {"expected": expected})]}


def test_deb_other_source_is_another_artefact(api, server):
    start(api, DEB_PPA)
    start(api, DEB_PPA, source="hello2")
    assert count(server.pg, "artefact") == 2


# --- charm ------------------------------------------------------------------

def test_charm(api, server):
    pg = server.pg
    te = start(api, CHARM)
    assert te_row(pg, te) == [ENV_LXD, "amd64", "amd64", "555", "gc-charm", "14/edge", PLAN, "IN_PROGRESS",
                              CHARM["ci_link"]]
    assert row(pg, "SELECT track, branch, stage, family, store FROM artefact") == [
        "14", "fix-1", "edge", "charm", ""]


# --- image ------------------------------------------------------------------

def test_image_every_field(api, server):
    pg = server.pg
    te = start(api, IMAGE)
    assert te_row(pg, te) == [ENV_RPI4, "amd64", "amd64", "NULL", "gc-image", "20260101", PLAN, "IN_PROGRESS",
                              IMAGE["ci_link"]]
    assert row(pg, "SELECT os, release, owner, sha256, image_url, stage, family FROM artefact") == [
        "ubuntu", "noble", "canonical", SHA256, "https://cdimage.example.com/r8/noble.img.xz", "pending", "image"]


def test_image_without_content_type_is_read_as_json(api, server):
    # upstream refuses this with 422 model_attributes_type; ours reads it (older cdimage releases)
    raw = json.dumps(IMAGE).encode()
    r = api.put(START, data=raw)
    assert "content-type" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == JSON
    te = r.json()["id"]
    assert te_row(server.pg, te)[4:6] == ["gc-image", "20260101"]
    assert server.pg.psql("SELECT sha256 FROM artefact") == SHA256


def test_image_by_sha256_alone(api, server):
    pg = server.pg
    te1 = start(api, IMAGE)
    te2 = start(api, {"family": "image", "sha256": SHA256, "environment": ENV_LXD, "test_plan": PLAN})
    assert te2 != te1
    assert count(pg, "artefact") == 1
    assert count(pg, "artefact_build") == 1
    # the arch comes from the image's build
    assert te_row(pg, te2)[:3] == [ENV_LXD, "amd64", "amd64"]
    assert te_row(pg, te2)[7:] == ["IN_PROGRESS", "NULL"]


IMAGE_FIELDS = "SELECT name, version, os, release, owner, image_url, stage FROM artefact"
IMAGE_VALUES = ["gc-image", "20260101", "ubuntu", "noble", "canonical", "https://cdimage.example.com/r8/noble.img.xz",
                "pending"]


def test_image_by_sha256_alone_keeps_the_image(api, server):
    start(api, IMAGE)
    start(api, {"family": "image", "sha256": SHA256, "environment": ENV_LXD, "test_plan": PLAN})
    assert row(server.pg, IMAGE_FIELDS) == IMAGE_VALUES


def test_existing_image_is_not_modified_by_other_details(api, server):
    # upstream's get_or_create only uses the details to create a new image
    start(api, IMAGE)
    start(api, IMAGE, name="renamed", version="v2", os="core", release="jammy", owner="someone",
          image_url="https://cdimage.example.com/other.img", execution_stage="current",
          ci_link="https://jenkins.example.com/job/t/image-2")
    assert count(server.pg, "artefact") == 1
    assert row(server.pg, IMAGE_FIELDS) == IMAGE_VALUES


def test_image_by_sha256_alone_with_matching_arch(api, server):
    start(api, IMAGE)
    start(api, {"family": "image", "sha256": SHA256, "arch": "amd64", "environment": ENV_LXD, "test_plan": PLAN})
    assert count(server.pg, "artefact_build") == 1


def test_image_unknown_sha256_without_details(api, server):
    r = api.put(START, json={"family": "image", "sha256": "0" * 64 + "r8", "environment": ENV_LXD,
                             "test_plan": PLAN})
    assert r.status_code == 422
    assert r.headers["content-type"] == JSON
    assert r.json() == {
        "detail": "No image with this sha256 exists yet; provide the full image details to create it."}
    assert count(server.pg, "artefact") == 0
    assert count(server.pg, "environment") == 0


def test_image_unknown_sha256_partial_details(api, server):
    r = api.put(START, json=body(IMAGE, drop=("owner",)))
    assert r.status_code == 422
    assert r.json() == {
        "detail": "No image with this sha256 exists yet; provide the full image details to create it."}


def test_image_arch_mismatch(api, server):
    start(api, IMAGE)
    r = api.put(START, json={"family": "image", "sha256": SHA256, "arch": "arm64", "environment": ENV_LXD,
                             "test_plan": PLAN})
    assert r.status_code == 422
    assert r.json() == {"detail": "'arch' must match the existing image build architecture."}
    assert count(server.pg, "test_execution") == 1
    assert count(server.pg, "artefact_build") == 1


def test_image_family_is_the_default_tag_is_not(api):
    # the family tag is still required by the discriminated union
    sent = body(IMAGE, drop=("family",))
    r = api.put(START, json=sent)
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "union_tag_not_found"


def test_image_url_validated(api):
    r = api.put(START, json=body(IMAGE, image_url="not a url"))
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "url_parsing", ["body", "image", "image_url"], "Input should be a valid URL, relative URL without a base",
        "not a url", {"error": "relative URL without a base"})]}


def test_image_url_longer_than_column(api, server):
    url = "https://cdimage.example.com/" + "a" * 200
    r = api.put(START, json=body(IMAGE, image_url=url))
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail[0]["loc"] == ["body", "image", "image_url"]
    assert detail[0]["type"] in ("string_too_long", "url_too_long")


# --- solution -----------------------------------------------------------------

def test_solution(api, server):
    pg = server.pg
    te = start(api, SOLUTION)
    assert te_row(pg, te) == [ENV_RPI4, "amd64", "amd64", "NULL", "gc-solution", "1.2", PLAN, "IN_PROGRESS",
                              SOLUTION["ci_link"]]
    assert row(pg, "SELECT track, source, stage, family FROM artefact") == [
        "latest", "custom-repo", "candidate", "solution"]
    assert links(pg, te) == [("Spec", "https://example.com/spec")]


def test_solution_other_stage_is_another_artefact(api, server):
    start(api, SOLUTION)
    start(api, SOLUTION, execution_stage="stable", ci_link="https://jenkins.example.com/job/t/solution-2")
    assert count(server.pg, "artefact") == 2
    assert sorted(server.pg.psql("SELECT stage FROM artefact").split()) == ["candidate", "stable"]


def test_solution_same_stage_is_the_same_artefact(api, server):
    start(api, SOLUTION)
    start(api, SOLUTION, ci_link="https://jenkins.example.com/job/t/solution-2")
    assert count(server.pg, "artefact") == 1


# --- refused bodies -----------------------------------------------------------

@pytest.mark.parametrize("version", ["null", ""])
def test_version_refused(api, server, version):
    sent = body(SNAP, version=version, ci_link="https://jenkins.example.com/job/t/bad")
    r = api.put(START, json=sent)
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "value_error", ["body", "snap", "version"], f"Value error, Invalid version value '{version}'", version,
        {"error": {}})]}
    assert count(server.pg, "artefact") == 0


def test_test_plan_too_long(api):
    plan = "p" * 201
    r = api.put(START, json=body(SNAP, test_plan=plan, ci_link="https://jenkins.example.com/job/t/bad2"))
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "string_too_long", ["body", "snap", "test_plan"], "String should have at most 200 characters", plan,
        {"max_length": 200})]}


def test_test_plan_of_200_accepted(api, server):
    start(api, SNAP, test_plan="p" * 200)
    assert server.pg.psql("SELECT length(name) FROM test_plan") == "200"


def test_ci_link_not_a_url_accepted(api, server):
    te = start(api, SNAP, ci_link="not a url")
    assert server.pg.psql(f"SELECT ci_link FROM test_execution WHERE id = {te}") == "not a url"


@pytest.mark.parametrize("family_body", [SNAP, DEB, CHARM, IMAGE, SOLUTION], ids=lambda b: b["family"])
def test_ci_link_too_long_is_422(api, server, family_body):
    # upstream answers 500 (the INSERT fails); ours a 422
    link = "https://jenkins.example.com/" + "a" * 173
    assert len(link) == 201
    r = api.put(START, json=body(family_body, ci_link=link))
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "string_too_long", ["body", family_body["family"], "ci_link"], "String should have at most 200 characters",
        link, {"max_length": 200})]}
    assert count(server.pg, "test_execution") == 0


def test_ci_link_of_200_accepted(api):
    start(api, SNAP, ci_link="https://jenkins.example.com/" + "a" * 172)


@pytest.mark.parametrize("field,limit", [("name", 200), ("environment", 200), ("arch", 100), ("branch", 200)])
def test_names_longer_than_their_column_are_422(api, server, field, limit):
    value = "x" * (limit + 1)
    r = api.put(START, json=body(SNAP, **{field: value}))
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "string_too_long", ["body", "snap", field], f"String should have at most {limit} characters", value,
        {"max_length": limit})]}
    assert count(server.pg, "artefact") == 0


@pytest.mark.parametrize("field", ["os", "release", "owner", "sha256"])
def test_image_fields_longer_than_their_column_are_422(api, field):
    r = api.put(START, json=body(IMAGE, **{field: "x" * 201}))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "image", field]
    assert r.json()["detail"][0]["type"] == "string_too_long"


def test_nul_character_in_name(api, server):
    r = api.put(START, json=body(SNAP, name="gc\u0000snap"))
    assert r.status_code == 422, r.text
    assert count(server.pg, "artefact") == 0


def test_revision_past_32_bits_is_422(api, server):
    r = api.put(START, json=body(SNAP, revision=2 ** 31))
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail[0]["type"] == "less_than_equal"
    assert detail[0]["loc"] == ["body", "snap", "revision"]
    assert count(server.pg, "artefact") == 0


def test_relevant_link_url_validated(api, server):
    r = api.put(START, json=body(SNAP, relevant_links=[{"label": "x", "url": "ftp//nope"}]))
    assert r.status_code == 422
    assert r.json() == {"detail": [validation(
        "url_parsing", ["body", "snap", "relevant_links", 0, "url"],
        "Input should be a valid URL, relative URL without a base", "ftp//nope",
        {"error": "relative URL without a base"})]}
    assert count(server.pg, "test_execution") == 0


def test_relevant_link_url_normalised(api, server):
    # upstream stores str(HttpUrl): lowercase host, root path added (see exchange 05)
    te = start(api, SNAP, relevant_links=[{"label": "Logs", "url": "https://Logs.Example.com"}])
    assert links(server.pg, te) == [("Logs", "https://logs.example.com/")]


def test_urls_percent_encoded_as_pydantic(api, server):
    te = start(api, IMAGE, image_url="https://cdimage.example.com/x y.img",
               relevant_links=[{"label": "L", "url": "https://logs.example.com/q?x=\u00fc"}])
    assert links(server.pg, te) == [("L", "https://logs.example.com/q?x=%C3%BC")]
    assert server.pg.psql("SELECT image_url FROM artefact") == "https://cdimage.example.com/x%20y.img"


def test_bad_initial_status(api):
    r = api.put(START, json=body(SNAP, initial_status="DONE"))
    assert r.status_code == 422
    d = r.json()["detail"]
    assert len(d) == 1
    assert d[0]["type"] == "enum"
    assert d[0]["loc"] == ["body", "snap", "initial_status"]


def test_body_not_an_object(api):
    r = api.put(START, json=[SNAP])
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body"]


# --- reruns -------------------------------------------------------------------

def insert_rerun(pg, te_id, priority=0):
    pg.psql("INSERT INTO test_execution_rerun_request (created_at, updated_at, test_plan_id, artefact_build_id,"
            f" environment_id, priority) SELECT now(), now(), test_plan_id, artefact_build_id, environment_id,"
            f" {priority} FROM test_execution WHERE id = {te_id}")


def test_start_test_deletes_matching_rerun_request(api, server):
    pg = server.pg
    te = start(api, SNAP)
    insert_rerun(pg, te)
    assert count(pg, "test_execution_rerun_request") == 1
    assert start(api, SNAP) == te
    assert count(pg, "test_execution_rerun_request") == 0


def test_new_execution_of_same_group_deletes_rerun_request(api, server):
    pg = server.pg
    te = start(api, SNAP)
    insert_rerun(pg, te)
    te2 = start(api, SNAP, ci_link="https://jenkins.example.com/job/t/snap-rerun")
    assert te2 != te
    assert count(pg, "test_execution_rerun_request") == 0


def test_other_group_keeps_its_rerun_request(api, server):
    pg = server.pg
    te = start(api, SNAP)
    insert_rerun(pg, te)
    start(api, SNAP, environment=ENV_LXD, ci_link="https://jenkins.example.com/job/t/snap-lxd")
    start(api, SNAP, test_plan="other-plan", ci_link="https://jenkins.example.com/job/t/snap-plan")
    assert count(pg, "test_execution_rerun_request") == 1


# --- concurrency --------------------------------------------------------------

def race(server, bodies):
    """Sends each body from its own thread and connection, all at once."""
    barrier = threading.Barrier(len(bodies))
    answers = [None] * len(bodies)

    def worker(i):
        client = server.client(server.admin_key)
        barrier.wait()
        answers[i] = client.put(START, json=bodies[i])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


def test_concurrent_same_start_test_for_new_artefact(server):
    pg = server.pg
    sent = body(SNAP, name="gc-race", environment="gc-env-race", test_plan="gc-plan-race")
    answers = race(server, [sent] * 16)
    assert [r.status_code for r in answers] == [200] * 16, [r.text for r in answers if r.status_code != 200]
    ids = {r.json()["id"] for r in answers}
    assert len(ids) == 1
    for table in ("artefact", "artefact_build", "environment", "test_plan", "artefact_build_environment_review",
                  "test_execution"):
        assert count(pg, table) == 1, table


def test_concurrent_start_tests_distinct_ci_links(server):
    pg = server.pg
    bodies = [body(DEB, name="gc-race", environment="gc-env-race", test_plan="gc-plan-race",
                   ci_link=f"https://jenkins.example.com/job/race/{i}") for i in range(16)]
    answers = race(server, bodies)
    assert [r.status_code for r in answers] == [200] * 16, [r.text for r in answers if r.status_code != 200]
    assert len({r.json()["id"] for r in answers}) == 16
    assert count(pg, "test_execution") == 16
    for table in ("artefact", "artefact_build", "environment", "test_plan", "artefact_build_environment_review"):
        assert count(pg, table) == 1, table


def test_concurrent_new_artefacts_sharing_an_environment(server):
    # upstream: five of six such requests answered 500
    pg = server.pg
    bodies = [body(SNAP, name=f"gc-race-{i}", ci_link=f"https://jenkins.example.com/job/race/{i}")
              for i in range(16)]
    answers = race(server, bodies)
    assert [r.status_code for r in answers] == [200] * 16, [r.text for r in answers if r.status_code != 200]
    assert count(pg, "artefact") == 16
    assert count(pg, "environment") == 1
    assert count(pg, "test_plan") == 1
