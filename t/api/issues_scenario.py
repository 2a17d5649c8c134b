"""The world of exchange 12-issues.txt, shared by the issue tests: a snap
in two versions and a deb on rpi4, with the results the exchange attaches
issues to, and helpers for issues and rules."""

import re
import uuid

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$")
ISSUE_KEYS = ["id", "source", "project", "key", "title", "status", "url", "labels",
              "auto_rerun_enabled", "attachment_rules"]
MINIMAL_KEYS = ["id", "source", "project", "key", "title", "status", "url", "labels",
                "test_executions_count"]
RULE_KEYS = ["id", "enabled", "families", "artefacts", "artefact_versions", "artefact_stages",
             "artefact_tracks", "environment_names", "test_case_names", "template_ids",
             "test_result_statuses", "execution_metadata"]
ISSUE_NOT_FOUND = {"detail": "Issue not found"}
RULE_NOT_FOUND = {"detail": "Attachment rule not found"}
OTHER_ISSUE = {"detail": "Attachment rule not attached to given issue"}
INSUFFICIENT = {"detail": "Insufficient permissions"}
NO_FILTER = {"detail": "At least one filter must be provided in test_results_filters"}


def ok(r):
    assert r.status_code == 200, r.text
    return r.json()


def start(api, **body):
    return ok(api.put("/v1/test-executions/start-test", json=body))["id"]


def snap(run, version, revision, ci, env="rpi4", **extra):
    return dict(family="snap", name=f"gc-snap-{run}", version=version, revision=revision,
                track="latest", store="ubuntu", branch="", arch="amd64", execution_stage="beta",
                environment=f"gc-env-{env}-{run}", ci_link=f"https://jenkins.example.com/job/{run}/{ci}",
                test_plan=f"gc-plan-{run}", initial_status="IN_PROGRESS", relevant_links=[],
                needs_assignment=False, **extra)


def deb(run, ci, env="rpi4", **extra):
    return dict(family="deb", name=f"gc-deb-{run}", version="2.0-1ubuntu1", arch="amd64",
                series="noble", repo="main", source="", execution_stage="updates",
                environment=f"gc-env-{env}-{run}", ci_link=f"https://jenkins.example.com/job/{run}/{ci}",
                test_plan=f"gc-plan-{run}", **extra)


def post_results(api, te, results):
    r = api.post(f"/v1/test-executions/{te}/test-results", json=results)
    assert r.status_code == 200, r.text
    assert r.content == b"null"


def results_by_name(api, te):
    return {r["name"]: r for r in ok(api.get(f"/v1/test-executions/{te}/test-results"))}


def put_issue(api, url, **fields):
    return ok(api.put("/v1/issues", json={"url": url, **fields}))


def issue_url(source, project, key):
    return {"github": f"https://github.com/{project}/issues/{key}",
            "jira": f"https://warthogs.atlassian.net/browse/{project}-{key}",
            "launchpad": f"https://bugs.launchpad.net/{project}/+bug/{key}"}[source]


def minimal(issue, count=0):
    """The MinimalIssueResponse of an IssueResponse."""
    out = {k: issue[k] for k in MINIMAL_KEYS[:-1]}
    out["test_executions_count"] = count
    return out


def rule_body(**fields):
    """A MinimalIssueTestResultAttachmentRuleResponse without its id, with defaults."""
    out = {"enabled": True, "families": [], "artefacts": [], "artefact_versions": [],
           "artefact_stages": [], "artefact_tracks": [], "environment_names": [],
           "test_case_names": [], "template_ids": [], "test_result_statuses": [],
           "execution_metadata": {}}
    out.update(fields)
    return out


def add_rule(api, issue_id, **fields):
    rule = ok(api.post(f"/v1/issues/{issue_id}/attachment-rules", json=fields))
    assert list(rule) == RULE_KEYS
    assert {k: v for k, v in rule.items() if k != "id"} == rule_body(**fields)
    return rule


def attached(pg, issue_id):
    """The result ids attached to an issue, with their rule ids."""
    rows = pg.psql(f"SELECT test_result_id, coalesce(attachment_rule_id, 0) FROM issue_test_result_attachment"
                   f" WHERE issue_id = {issue_id} ORDER BY 1")
    return [tuple(int(x) for x in line.split("|")) for line in rows.splitlines()]


class World:
    """te_snap1 (1.0.0: boot passed, wifi failed, audio skipped), te_deb
    (disk failed), te_snap2 (1.0.1: wifi failed), all on rpi4."""

    def __init__(self, api, pg):
        run = self.run = uuid.uuid4().hex[:8]
        self.api, self.pg = api, pg
        self.te_snap1 = start(api, **snap(run, "1.0.0", 101, "snap-1"))
        post_results(api, self.te_snap1, [
            {"name": f"gc-tc-boot-{run}", "status": "PASSED", "category": "Boot",
             "template_id": "boot/{device}", "comment": "booted fine", "io_log": "line 1\nline 2\n"},
            {"name": f"gc-tc-wifi-{run}", "status": "FAILED", "category": "Wireless",
             "template_id": "wireless/{iface}", "comment": "no carrier", "io_log": "ERROR: timeout"},
            {"name": f"gc-tc-audio-{run}", "status": "SKIPPED"}])
        self.te_deb = start(api, **deb(run, "deb-1"))
        post_results(api, self.te_deb, [
            {"name": f"gc-c3-disk-{run}", "status": "FAILED", "category": "Disk",
             "comment": "smart error", "io_log": "sda: fail"},
            {"name": f"gc-c3-cpu-{run}", "status": "PASSED", "category": "CPU"}])
        self.te_snap2 = start(api, **snap(run, "1.0.1", 102, "snap-2"))
        post_results(api, self.te_snap2, [{"name": f"gc-tc-wifi-{run}", "status": "FAILED"}])
        snap1 = results_by_name(api, self.te_snap1)
        self.res_snap1_boot = snap1[f"gc-tc-boot-{run}"]["id"]
        self.res_snap1_wifi = snap1[f"gc-tc-wifi-{run}"]["id"]
        self.res_snap1_audio = snap1[f"gc-tc-audio-{run}"]["id"]
        self.res_deb_disk = results_by_name(api, self.te_deb)[f"gc-c3-disk-{run}"]["id"]
        self.res_snap2_wifi = results_by_name(api, self.te_snap2)[f"gc-tc-wifi-{run}"]["id"]

    def name(self, kind):
        return f"gc-{kind}-{self.run}"
