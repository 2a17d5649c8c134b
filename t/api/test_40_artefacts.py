"""GET /v1/artefacts, GET /v1/artefacts/{id} and GET /v1/artefacts/{id}/builds
(reference exchanges 09-artefacts.txt: list, get, builds)."""

import pytest

from helpers import (
    CHARM, DEB, DEB_PPA, ENV_LXD, ENV_RPI4, IMAGE, JSON, SHA256, SNAP, SOLUTION,
    artefact_shape, env_id, execution_shape, link_ids, mask_ts, post_results, start,
)

SNAP_V2 = dict(version="1.0.1", revision=102, ci_link="https://jenkins.example.com/job/t/snap-2", relevant_links=[])


def artefact_id(pg, te):
    return int(pg.psql("SELECT b.artefact_id FROM test_execution t JOIN artefact_build b"
                       f" ON b.id = t.artefact_build_id WHERE t.id = {te}"))


def build_id(pg, te):
    return int(pg.psql(f"SELECT artefact_build_id FROM test_execution WHERE id = {te}"))


def listing(client, family=None):
    r = client.get("/v1/artefacts", params={"family": family} if family else None)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == JSON
    return r.json()


def names_versions(items):
    return [(a["name"], a["version"]) for a in items]


# --- list -------------------------------------------------------------------

def test_empty_list(api):
    assert listing(api) == []
    assert listing(api, "snap") == []


def test_snap_list_shows_only_latest_version(api, server):
    pg = server.pg
    start(api, SNAP)
    te2 = start(api, SNAP, **SNAP_V2)
    assert mask_ts(listing(api, "snap")) == [artefact_shape(
        id=artefact_id(pg, te2), name="gc-snap", version="1.0.1", track="latest", store="ubuntu", stage="beta",
        family="snap")]


def test_snap_list_other_track_other_branch_other_stage_all_shown(api):
    start(api, SNAP)
    start(api, SNAP, version="2.0", track="2.x", ci_link="https://jenkins.example.com/job/t/track")
    start(api, SNAP, version="3.0", branch="fix", ci_link="https://jenkins.example.com/job/t/branch")
    start(api, SNAP, version="4.0", execution_stage="edge", ci_link="https://jenkins.example.com/job/t/edge")
    got = listing(api, "snap")
    assert sorted(names_versions(got)) == [("gc-snap", "1.0.0"), ("gc-snap", "2.0"), ("gc-snap", "3.0"),
                                           ("gc-snap", "4.0")]


def test_snap_list_ordered_by_name(api):
    start(api, SNAP, name="zz-snap", ci_link="https://jenkins.example.com/job/t/z")
    start(api, SNAP, name="aa-snap", ci_link="https://jenkins.example.com/job/t/a")
    start(api, SNAP, name="mm-snap", ci_link="https://jenkins.example.com/job/t/m")
    assert [a["name"] for a in listing(api, "snap")] == ["aa-snap", "mm-snap", "zz-snap"]


def test_deb_list(api, server):
    pg = server.pg
    te_deb = start(api, DEB)
    start(api, DEB, environment=ENV_LXD, ci_link="https://jenkins.example.com/job/t/deb-2", relevant_links=[])
    te_ppa = start(api, DEB_PPA)
    assert mask_ts(listing(api, "deb")) == [
        artefact_shape(id=artefact_id(pg, te_deb), name="gc-deb", version="2.0-1ubuntu1", series="noble",
                       repo="main", stage="proposed", family="deb", all_environment_reviews_count=2),
        artefact_shape(id=artefact_id(pg, te_ppa), name="gc-deb-ppa", version="3.0~ppa1", series="jammy",
                       repo="ppa:team/ppa-name", source="hello", family="deb"),
    ]


def test_deb_list_latest_per_series(api):
    start(api, DEB)
    start(api, DEB, version="2.0-1ubuntu2", ci_link="https://jenkins.example.com/job/t/deb-new")
    start(api, DEB, series="jammy", version="1.0", ci_link="https://jenkins.example.com/job/t/deb-jammy")
    assert sorted((a["series"], a["version"]) for a in listing(api, "deb")) == [
        ("jammy", "1.0"), ("noble", "2.0-1ubuntu2")]


def test_charm_list_shows_every_version(api):
    start(api, CHARM)
    start(api, CHARM, version="14/edge-2", revision=556, ci_link="https://jenkins.example.com/job/t/charm-2")
    got = listing(api, "charm")
    assert sorted(names_versions(got)) == [("gc-charm", "14/edge"), ("gc-charm", "14/edge-2")]


def test_charm_shape(api, server):
    te = start(api, CHARM)
    assert mask_ts(listing(api, "charm")) == [artefact_shape(
        id=artefact_id(server.pg, te), name="gc-charm", version="14/edge", track="14", branch="fix-1",
        stage="edge", family="charm")]


def test_image_list(api, server):
    pg = server.pg
    te = start(api, IMAGE)
    start(api, {"family": "image", "sha256": SHA256, "environment": ENV_LXD, "test_plan": "gc-plan"})
    assert mask_ts(listing(api, "image")) == [artefact_shape(
        id=artefact_id(pg, te), name="gc-image", version="20260101", os="ubuntu", release="noble",
        owner="canonical", sha256=SHA256, image_url="https://cdimage.example.com/r8/noble.img.xz",
        stage="pending", family="image", all_environment_reviews_count=2)]


def test_image_list_latest_per_release(api):
    start(api, IMAGE)
    start(api, IMAGE, version="20260102", sha256="1" * 64, ci_link="https://jenkins.example.com/job/t/img2")
    start(api, IMAGE, version="20250101", release="jammy", sha256="2" * 64,
          ci_link="https://jenkins.example.com/job/t/img3")
    assert sorted((a["release"], a["version"]) for a in listing(api, "image")) == [
        ("jammy", "20250101"), ("noble", "20260102")]


def test_solution_list(api, server):
    te = start(api, SOLUTION)
    assert mask_ts(listing(api, "solution")) == [artefact_shape(
        id=artefact_id(server.pg, te), name="gc-solution", version="1.2", track="latest", source="custom-repo",
        stage="candidate", family="solution")]


def test_solution_list_latest_per_stage(api):
    start(api, SOLUTION)
    start(api, SOLUTION, version="1.3", ci_link="https://jenkins.example.com/job/t/sol-2")
    start(api, SOLUTION, version="1.1", execution_stage="stable", ci_link="https://jenkins.example.com/job/t/sol-3")
    assert sorted((a["stage"], a["version"]) for a in listing(api, "solution")) == [
        ("candidate", "1.3"), ("stable", "1.1")]


def test_all_families_ordering(api):
    start(api, SOLUTION, name="a-solution")
    start(api, IMAGE, name="a-image")
    start(api, CHARM, name="b-charm")
    start(api, CHARM, name="a-charm", ci_link="https://jenkins.example.com/job/t/charm-a")
    start(api, DEB_PPA, name="a-deb")
    start(api, DEB, name="z-deb")
    start(api, SNAP, name="z-snap")
    start(api, SNAP, name="b-snap", ci_link="https://jenkins.example.com/job/t/snap-b")
    got = listing(api)
    assert [(a["family"], a["name"]) for a in got] == [
        ("snap", "b-snap"), ("snap", "z-snap"), ("deb", "a-deb"), ("deb", "z-deb"),
        ("charm", "a-charm"), ("charm", "b-charm"), ("image", "a-image"), ("solution", "a-solution")]
    assert got[0] == listing(api, "snap")[0]


def test_archived_artefacts_hidden(api, server):
    pg = server.pg
    start(api, CHARM)
    start(api, DEB)
    pg.psql("UPDATE artefact SET archived = true")
    assert listing(api) == []
    assert listing(api, "charm") == []
    assert listing(api, "deb") == []


def test_archived_latest_lets_the_previous_version_show(api, server):
    # upstream picks the newest among the artefacts not archived
    pg = server.pg
    te1 = start(api, SNAP)
    te2 = start(api, SNAP, **SNAP_V2)
    pg.psql(f"UPDATE artefact SET archived = true WHERE id = {artefact_id(pg, te2)}")
    assert [a["id"] for a in listing(api, "snap")] == [artefact_id(pg, te1)]


def test_counts_use_latest_builds_and_decisions(api, server):
    pg = server.pg
    start(api, DEB)
    start(api, DEB, environment=ENV_LXD, ci_link="https://jenkins.example.com/job/t/deb-2")
    pg.psql("UPDATE artefact_build_environment_review SET review_decision = '{APPROVED_INCONSISTENT_TEST}'"
            f" WHERE environment_id = {env_id(pg, ENV_LXD)}")
    a = listing(api, "deb")[0]
    assert (a["all_environment_reviews_count"], a["completed_environment_reviews_count"]) == (2, 1)


def test_counts_ignore_older_builds(api):
    start(api, SNAP)
    start(api, SNAP, revision=102, environment=ENV_LXD, ci_link="https://jenkins.example.com/job/t/rev102")
    # the build of revision 101 is no longer the latest amd64 build
    assert listing(api, "snap")[0]["all_environment_reviews_count"] == 1


# --- get one ------------------------------------------------------------------

def test_get_artefact(api, server):
    pg = server.pg
    te = start(api, DEB)
    start(api, DEB, environment=ENV_LXD, ci_link="https://jenkins.example.com/job/t/deb-2")
    a = artefact_id(pg, te)
    r = api.get(f"/v1/artefacts/{a}")
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    assert mask_ts(r.json()) == artefact_shape(
        id=a, name="gc-deb", version="2.0-1ubuntu1", series="noble", repo="main", stage="proposed", family="deb",
        all_environment_reviews_count=2)
    assert r.json() == listing(api, "deb")[0]


def test_get_archived_artefact_still_answers(api, server):
    pg = server.pg
    a = artefact_id(pg, start(api, SNAP))
    pg.psql("UPDATE artefact SET archived = true")
    r = api.get(f"/v1/artefacts/{a}")
    assert r.status_code == 200
    assert r.json()["archived"] is True


@pytest.mark.parametrize("stored,shown", [("2026-01-02 03:04:05", "2026-01-02T03:04:05"),
                                          ("2026-01-02 03:04:05.123", "2026-01-02T03:04:05.123000")])
def test_artefact_created_at_format(api, server, stored, shown):
    a = artefact_id(server.pg, start(api, SNAP))
    server.pg.psql(f"UPDATE artefact SET created_at = '{stored}'")
    assert api.get(f"/v1/artefacts/{a}").json()["created_at"] == shown
    assert listing(api, "snap")[0]["created_at"] == shown


def test_get_artefact_unknown(api):
    r = api.get("/v1/artefacts/999999999")
    assert r.status_code == 404
    assert r.headers["content-type"] == JSON
    assert r.json() == {"detail": "Artefact with id 999999999 not found"}


def test_artefact_fields_from_sql(api, server):
    pg = server.pg
    a = artefact_id(pg, start(api, SNAP))
    pg.psql("UPDATE artefact SET comment = 'looks good', bug_link = 'https://bugs.example.com/1',"
            f" jira_issue = 'TO-1', status = 'APPROVED', due_date = '2027-01-31' WHERE id = {a}")
    data = api.get(f"/v1/artefacts/{a}").json()
    assert (data["comment"], data["bug_link"], data["jira_issue"], data["status"], data["due_date"]) == (
        "looks good", "https://bugs.example.com/1", "TO-1", "APPROVED", "2027-01-31")


# --- builds -------------------------------------------------------------------

def builds(client, a):
    r = client.get(f"/v1/artefacts/{a}/builds")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == JSON
    return r.json()


def test_builds_of_deb_exact(api, server):
    pg = server.pg
    te_deb = start(api, DEB)
    te_deb_b = start(api, DEB, environment=ENV_LXD, ci_link="https://jenkins.example.com/job/t/deb-2",
                     initial_status="IN_PROGRESS", relevant_links=[])
    start(api, DEB)  # links of te_deb appended again
    post_results(api, te_deb, [{"name": "gc-c3-disk", "status": "FAILED"}])
    api.patch(f"/v1/test-executions/{te_deb}", json={"status": "COMPLETED",
                                                     "c3_link": "https://certification.canonical.com/s/r8"})
    api.patch(f"/v1/test-executions/{te_deb_b}", json={"status": "COMPLETED"})
    a = artefact_id(pg, te_deb)
    changelog = [{"label": "Changelog", "url": "https://launchpad.net/ubuntu/+source/x", "id": i}
                 for i in link_ids(pg, te_deb)]
    assert len(changelog) == 2
    assert mask_ts(builds(api, a)) == [{
        "id": build_id(pg, te_deb),
        "architecture": "amd64",
        "revision": None,
        "test_executions": [
            execution_shape(id=te_deb_b, ci_link="https://jenkins.example.com/job/t/deb-2",
                            environment={"id": env_id(pg, ENV_LXD), "name": ENV_LXD, "architecture": "amd64"},
                            status="ENDED_PREMATURELY"),
            execution_shape(id=te_deb, ci_link=DEB["ci_link"], c3_link="https://certification.canonical.com/s/r8",
                            relevant_links=changelog,
                            environment={"id": env_id(pg, ENV_RPI4), "name": ENV_RPI4, "architecture": "amd64"},
                            status="FAILED", is_triaged=False),
        ],
        "bundled_in": [],
    }]


def test_builds_latest_per_architecture(api, server):
    pg = server.pg
    start(api, SNAP)  # amd64 revision 101
    te_103 = start(api, SNAP, revision=103, ci_link="https://jenkins.example.com/job/t/rev103")
    start(api, SNAP, revision=102, ci_link="https://jenkins.example.com/job/t/rev102")
    te_arm = start(api, SNAP, revision=50, arch="arm64", ci_link="https://jenkins.example.com/job/t/arm")
    a = artefact_id(pg, te_103)
    got = sorted(builds(api, a), key=lambda b: b["architecture"])
    assert [(b["architecture"], b["revision"], b["id"]) for b in got] == [
        ("amd64", 103, build_id(pg, te_103)), ("arm64", 50, build_id(pg, te_arm))]
    assert [[te["id"] for te in b["test_executions"]] for b in got] == [[te_103], [te_arm]]
    assert all(b["bundled_in"] == [] for b in got)


def test_builds_executions_sorted_by_environment_name(api, server):
    pg = server.pg
    ids = {}
    for env in ("zz-env", "aa-env", "mm-env"):
        ids[env] = start(api, DEB, environment=env, ci_link=f"https://jenkins.example.com/job/t/{env}")
    got = builds(api, artefact_id(pg, ids["zz-env"]))
    assert [te["environment"]["name"] for te in got[0]["test_executions"]] == ["aa-env", "mm-env", "zz-env"]
    assert [te["id"] for te in got[0]["test_executions"]] == [ids["aa-env"], ids["mm-env"], ids["zz-env"]]


def test_builds_rerun_flags(api, server):
    pg = server.pg
    te = start(api, SNAP)
    te_other = start(api, SNAP, environment=ENV_LXD, ci_link="https://jenkins.example.com/job/t/lxd")
    pg.psql("INSERT INTO test_execution_rerun_request (created_at, updated_at, test_plan_id, artefact_build_id,"
            " environment_id, priority) SELECT now(), now(), test_plan_id, artefact_build_id, environment_id, 0"
            f" FROM test_execution WHERE id = {te}")
    execs = {e["id"]: e for e in builds(api, artefact_id(pg, te))[0]["test_executions"]}
    assert (execs[te]["is_rerun_requested"], execs[te]["rerun_priority"]) == (True, 0)
    assert (execs[te_other]["is_rerun_requested"], execs[te_other]["rerun_priority"]) == (False, None)


def test_builds_show_links_and_metadata(api, server):
    pg = server.pg
    te = start(api, SOLUTION)
    api.patch(f"/v1/test-executions/{te}", json={"execution_metadata": {"charm": ["a", "b"]}})
    got = builds(api, artefact_id(pg, te))[0]["test_executions"][0]
    assert got["relevant_links"] == [{"label": "Spec", "url": "https://example.com/spec", "id": link_ids(pg, te)[0]}]
    assert got["execution_metadata"] == {"charm": ["a", "b"]}
    assert got == api.get(f"/v1/test-executions/{te}").json()


def test_builds_of_artefact_without_builds(api, server):
    pg = server.pg
    a = artefact_id(pg, start(api, SNAP))
    pg.psql("DELETE FROM artefact_build")
    assert builds(api, a) == []


def test_builds_unknown_artefact(api):
    r = api.get("/v1/artefacts/999999999/builds")
    assert r.status_code == 404
    assert r.json() == {"detail": "Artefact with id 999999999 not found"}


@pytest.mark.parametrize("path", ["/v1/artefacts/x/builds", "/v1/artefacts/1.5"])
def test_artefact_id_must_be_an_integer(api, path):
    r = api.get(path)
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "int_parsing"
    assert r.json()["detail"][0]["loc"] == ["path", "artefact_id"]
