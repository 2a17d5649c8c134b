-- revision: eba1d1c92dba
-- down_revision: (none)
-- message: upstream schema at eba1d1c92dba
--
-- The whole Test Observer schema as upstream's alembic leaves it at
-- revision eba1d1c92dba.  Names of constraints and indexes follow upstream
-- exactly (including the hashed suffixes of the long ones), so a database
-- migrated by upstream can be adopted as it is.

-- Enumerations

CREATE TYPE artefactstatus AS ENUM (
    'APPROVED',
    'MARKED_AS_FAILED',
    'UNDECIDED'
);

CREATE TYPE artefactbuildenvironmentreviewdecision AS ENUM (
    'REJECTED',
    'APPROVED_INCONSISTENT_TEST',
    'APPROVED_UNSTABLE_PHYSICAL_INFRA',
    'APPROVED_CUSTOMER_PREREQUISITE_FAIL',
    'APPROVED_FAULTY_HARDWARE',
    'APPROVED_ALL_TESTS_PASS'
);

CREATE TYPE familyname AS ENUM (
    'snap',
    'deb',
    'charm',
    'image',
    'solution'
);

CREATE TYPE issuesource AS ENUM (
    'JIRA',
    'GITHUB',
    'LAUNCHPAD'
);

CREATE TYPE issuestatus AS ENUM (
    'UNKNOWN',
    'OPEN',
    'CLOSED'
);

CREATE TYPE notificationtype AS ENUM (
    'USER_ASSIGNED_ARTEFACT_REVIEW',
    'USER_ASSIGNED_ENVIRONMENT_REVIEW'
);

CREATE TYPE permission AS ENUM (
    'add_application',
    'change_application',
    'change_artefact',
    'change_attachment_rule',
    'change_auto_rerun',
    'change_environment_reported_issue',
    'change_environment_review',
    'change_issue',
    'change_issue_attachment',
    'change_issue_attachment_bulk',
    'change_notification',
    'change_rerun',
    'change_rerun_bulk',
    'change_team',
    'change_test',
    'change_test_case_reported_issue',
    'change_user',
    'view_application',
    'view_artefact',
    'view_environment_reported_issue',
    'view_environment_review',
    'view_issue',
    'view_notification',
    'view_permission',
    'view_report',
    'view_rerun',
    'view_sentry_debug',
    'view_team',
    'view_test',
    'view_test_case_reported_issue',
    'view_user'
);

CREATE TYPE testexecutionstatus AS ENUM (
    'NOT_STARTED',
    'IN_PROGRESS',
    'PASSED',
    'FAILED',
    'NOT_TESTED',
    'ENDED_PREMATURELY'
);

CREATE TYPE testresultstatus AS ENUM (
    'PASSED',
    'FAILED',
    'SKIPPED'
);

-- Applied revision, one row (the migrator keeps it up to date)

CREATE TABLE alembic_version (
    version_num varchar(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Users, teams, sessions, API applications, notifications

-- The table was once called "user": its sequence and primary key kept
-- that name.
CREATE SEQUENCE user_id_seq AS integer;

CREATE TABLE app_user (
    email varchar NOT NULL,
    launchpad_handle varchar,
    name varchar NOT NULL,
    id integer NOT NULL DEFAULT nextval('user_id_seq'),
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    is_admin boolean NOT NULL DEFAULT false,
    CONSTRAINT user_pkey PRIMARY KEY (id),
    CONSTRAINT app_user_email_key UNIQUE (email)
);

ALTER SEQUENCE user_id_seq OWNED BY app_user.id;

CREATE TABLE user_session (
    expires_at timestamp NOT NULL,
    user_id integer NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT user_session_pkey PRIMARY KEY (id),
    CONSTRAINT user_session_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES app_user (id) ON DELETE CASCADE
);

CREATE INDEX user_session_user_id_ix ON user_session (user_id);

CREATE TABLE team (
    name varchar NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    permissions permission[] NOT NULL DEFAULT '{}',
    CONSTRAINT team_pkey PRIMARY KEY (id),
    CONSTRAINT team_name_key UNIQUE (name)
);

CREATE TABLE team_users_association (
    user_id integer NOT NULL,
    team_id integer NOT NULL,
    CONSTRAINT team_users_association_pkey PRIMARY KEY (user_id, team_id),
    CONSTRAINT team_users_association_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES app_user (id),
    CONSTRAINT team_users_association_team_id_fkey FOREIGN KEY (team_id)
        REFERENCES team (id)
);

CREATE TABLE application (
    name varchar NOT NULL,
    permissions permission[] NOT NULL,
    api_key varchar NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT application_pkey PRIMARY KEY (id),
    CONSTRAINT application_name_key UNIQUE (name),
    CONSTRAINT application_api_key_key UNIQUE (api_key)
);

CREATE TABLE notification (
    user_id integer NOT NULL,
    notification_type notificationtype NOT NULL,
    target_url varchar,
    dismissed_at timestamp,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT notification_pkey PRIMARY KEY (id),
    CONSTRAINT notification_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES app_user (id) ON DELETE CASCADE
);

CREATE INDEX notification_user_id_ix ON notification (user_id);

-- Artefacts, their builds, environments and reviews

CREATE TABLE artefact (
    name varchar(200) NOT NULL,
    version varchar NOT NULL,
    due_date date,
    status artefactstatus NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    track varchar NOT NULL,
    store varchar NOT NULL,
    series varchar NOT NULL,
    repo varchar NOT NULL,
    bug_link varchar NOT NULL DEFAULT '',
    stage varchar(100) NOT NULL,
    family familyname NOT NULL,
    os varchar(200) NOT NULL,
    release varchar(200) NOT NULL,
    sha256 varchar(200) NOT NULL,
    owner varchar(200) NOT NULL,
    image_url varchar(200) NOT NULL,
    archived boolean NOT NULL DEFAULT false,
    branch varchar(200) NOT NULL,
    comment varchar NOT NULL,
    source varchar(200) NOT NULL,
    jira_issue varchar,
    bundled_builds_hash varchar(64),
    CONSTRAINT artefact_pkey PRIMARY KEY (id)
);

CREATE INDEX artefact_archived_ix ON artefact (archived);
CREATE INDEX artefact_name_ix ON artefact (name);

-- One artefact per identity, where identity depends on the family.
CREATE UNIQUE INDEX unique_snap ON artefact (name, version, track, branch)
    WHERE family = 'snap';
CREATE UNIQUE INDEX unique_deb ON artefact (name, version, series, repo, source)
    WHERE family = 'deb';
CREATE UNIQUE INDEX unique_charm ON artefact (name, version, track, branch)
    WHERE family = 'charm';
CREATE UNIQUE INDEX unique_image ON artefact (sha256)
    WHERE family = 'image';
CREATE UNIQUE INDEX unique_solution
    ON artefact (name, source, version, track, stage, bundled_builds_hash)
    WHERE family = 'solution';

CREATE TABLE artefact_build (
    architecture varchar(100) NOT NULL,
    revision integer,
    artefact_id integer NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT artefact_build_pkey PRIMARY KEY (id),
    CONSTRAINT artefact_build_artefact_id_fkey FOREIGN KEY (artefact_id)
        REFERENCES artefact (id) ON DELETE CASCADE
);

CREATE INDEX artefact_build_architecture_ix ON artefact_build (architecture);
CREATE INDEX artefact_build_artefact_id_ix ON artefact_build (artefact_id);
CREATE UNIQUE INDEX artefact_build_artefact_id_architecture_ix
    ON artefact_build (artefact_id, architecture)
    WHERE revision IS NULL;
CREATE UNIQUE INDEX artefact_build_artefact_id_architecture_revision_ix
    ON artefact_build (artefact_id, architecture, revision)
    WHERE revision IS NOT NULL;

CREATE TABLE artefact_bundled_builds_association (
    artefact_id integer NOT NULL,
    artefact_build_id integer NOT NULL,
    CONSTRAINT artefact_bundled_builds_association_pkey
        PRIMARY KEY (artefact_id, artefact_build_id),
    CONSTRAINT artefact_bundled_builds_artefact_id_fkey FOREIGN KEY (artefact_id)
        REFERENCES artefact (id) ON DELETE CASCADE,
    CONSTRAINT artefact_bundled_builds_association_id_fkey
        FOREIGN KEY (artefact_build_id)
        REFERENCES artefact_build (id) ON DELETE CASCADE
);

CREATE TABLE artefact_reviewers_association (
    artefact_id integer NOT NULL,
    user_id integer NOT NULL,
    CONSTRAINT artefact_reviewers_association_pkey
        PRIMARY KEY (artefact_id, user_id),
    CONSTRAINT artefact_reviewers_association_artefact_id_fkey
        FOREIGN KEY (artefact_id) REFERENCES artefact (id) ON DELETE CASCADE,
    CONSTRAINT artefact_reviewers_association_user_id_fkey
        FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
);

CREATE TABLE environment (
    name varchar(200) NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    architecture varchar(100) NOT NULL,
    CONSTRAINT environment_pkey PRIMARY KEY (id),
    CONSTRAINT environment_name_architecture_key UNIQUE (name, architecture)
);

CREATE INDEX environment_architecture_ix ON environment (architecture);
CREATE INDEX environment_name_ix ON environment (name);

CREATE TABLE artefact_build_environment_review (
    review_decision artefactbuildenvironmentreviewdecision[] NOT NULL,
    review_comment varchar NOT NULL,
    environment_id integer NOT NULL,
    artefact_build_id integer NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT artefact_build_environment_review_pkey PRIMARY KEY (id),
    CONSTRAINT artefact_build_environment_review_artefact_build_id_env_c519
        UNIQUE (artefact_build_id, environment_id),
    CONSTRAINT artefact_build_environment_review_artefact_build_id_fkey
        FOREIGN KEY (artefact_build_id)
        REFERENCES artefact_build (id) ON DELETE CASCADE,
    CONSTRAINT artefact_build_environment_review_environment_id_fkey
        FOREIGN KEY (environment_id)
        REFERENCES environment (id) ON DELETE CASCADE
);

CREATE INDEX artefact_build_environment_review_artefact_build_id_ix
    ON artefact_build_environment_review (artefact_build_id);
CREATE INDEX artefact_build_environment_review_environment_id_ix
    ON artefact_build_environment_review (environment_id);

CREATE TABLE environment_review_reviewers_association (
    environment_review_id integer NOT NULL,
    user_id integer NOT NULL,
    CONSTRAINT environment_review_reviewers_association_pkey
        PRIMARY KEY (environment_review_id, user_id),
    CONSTRAINT environment_review_reviewers_association_environment_re_9b18
        FOREIGN KEY (environment_review_id)
        REFERENCES artefact_build_environment_review (id) ON DELETE CASCADE,
    CONSTRAINT environment_review_reviewers_association_user_id_fkey
        FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
);

-- Rules that grant teams access to matching artefacts

CREATE TABLE artefact_matching_rule (
    family familyname NOT NULL,
    stage varchar(100) NOT NULL DEFAULT '',
    track varchar(200) NOT NULL DEFAULT '',
    branch varchar(200) NOT NULL DEFAULT '',
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    name varchar(200) NOT NULL DEFAULT '',
    grant_permissions permission[] NOT NULL DEFAULT '{}',
    store varchar(200) NOT NULL DEFAULT '',
    series varchar(200) NOT NULL DEFAULT '',
    os varchar(200) NOT NULL DEFAULT '',
    release varchar(200) NOT NULL DEFAULT '',
    owner varchar(200) NOT NULL DEFAULT '',
    CONSTRAINT artefact_matching_rule_pkey PRIMARY KEY (id),
    CONSTRAINT artefact_matching_rule_fields_from_artefact
        UNIQUE (name, family, stage, track, branch, store, series, os,
                release, owner)
);

CREATE TABLE artefact_matching_rule_team_association (
    artefact_matching_rule_id integer NOT NULL,
    team_id integer NOT NULL,
    CONSTRAINT artefact_matching_rule_team_association_pkey
        PRIMARY KEY (artefact_matching_rule_id, team_id),
    CONSTRAINT artefact_matching_rule_team_association_artefact_matchi_be42
        FOREIGN KEY (artefact_matching_rule_id)
        REFERENCES artefact_matching_rule (id) ON DELETE CASCADE,
    CONSTRAINT artefact_matching_rule_team_association_team_id_fkey
        FOREIGN KEY (team_id) REFERENCES team (id)
);

-- Test plans, cases, executions and their results

CREATE TABLE test_plan (
    id serial NOT NULL,
    name varchar(200) NOT NULL,
    created_at timestamp NOT NULL DEFAULT now(),
    updated_at timestamp NOT NULL DEFAULT now(),
    CONSTRAINT test_plan_pkey PRIMARY KEY (id)
);

CREATE UNIQUE INDEX test_plan_name_ix ON test_plan (name);

CREATE TABLE test_case (
    name varchar NOT NULL,
    category varchar NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    template_id varchar NOT NULL DEFAULT '',
    CONSTRAINT test_case_pkey PRIMARY KEY (id),
    CONSTRAINT test_case_name_key UNIQUE (name)
);

CREATE INDEX test_case_category_ix ON test_case (category);
CREATE INDEX test_case_template_id_ix ON test_case (template_id);

CREATE TABLE test_execution (
    ci_link varchar(200),
    c3_link varchar(200),
    artefact_build_id integer NOT NULL,
    environment_id integer NOT NULL,
    status testexecutionstatus NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    checkbox_version varchar(200),
    resource_url varchar NOT NULL DEFAULT '',
    test_plan_id integer NOT NULL,
    CONSTRAINT test_execution_pkey PRIMARY KEY (id),
    CONSTRAINT test_execution_ci_link_key UNIQUE (ci_link),
    CONSTRAINT test_execution_artefact_build_id_fkey FOREIGN KEY (artefact_build_id)
        REFERENCES artefact_build (id) ON DELETE CASCADE,
    CONSTRAINT test_execution_environment_id_fkey FOREIGN KEY (environment_id)
        REFERENCES environment (id),
    CONSTRAINT fk_test_execution_test_plan_id FOREIGN KEY (test_plan_id)
        REFERENCES test_plan (id) ON DELETE CASCADE
);

CREATE INDEX test_execution_artefact_build_id_ix
    ON test_execution (artefact_build_id);
CREATE INDEX test_execution_environment_id_ix ON test_execution (environment_id);
CREATE INDEX test_execution_test_plan_id_ix ON test_execution (test_plan_id);
CREATE INDEX test_execution_updated_at_ix ON test_execution (updated_at);

CREATE TABLE test_execution_metadata (
    category varchar(200) NOT NULL,
    value varchar(200) NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT test_execution_metadata_pkey PRIMARY KEY (id),
    CONSTRAINT test_execution_metadata_category_value_key UNIQUE (category, value)
);

CREATE TABLE test_execution_metadata_association_table (
    test_execution_id integer NOT NULL,
    test_execution_metadata_id integer NOT NULL,
    CONSTRAINT test_execution_metadata_association_table_pkey
        PRIMARY KEY (test_execution_id, test_execution_metadata_id),
    CONSTRAINT test_execution_metadata_association_table_test_executio_5224
        FOREIGN KEY (test_execution_id) REFERENCES test_execution (id),
    CONSTRAINT test_execution_metadata_association_table_test_executio_a944
        FOREIGN KEY (test_execution_metadata_id)
        REFERENCES test_execution_metadata (id)
);

CREATE TABLE test_event (
    event_name varchar NOT NULL,
    "timestamp" timestamp NOT NULL,
    detail varchar NOT NULL,
    test_execution_id integer NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT test_event_pkey PRIMARY KEY (id),
    CONSTRAINT test_event_test_execution_id_fkey FOREIGN KEY (test_execution_id)
        REFERENCES test_execution (id) ON DELETE CASCADE
);

CREATE INDEX test_event_test_execution_id_ix ON test_event (test_execution_id);

CREATE TABLE test_execution_relevant_link (
    id serial NOT NULL,
    test_execution_id integer NOT NULL,
    label varchar NOT NULL,
    url varchar NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT test_execution_relevant_link_pkey PRIMARY KEY (id),
    CONSTRAINT test_execution_relevant_link_test_execution_id_fkey
        FOREIGN KEY (test_execution_id)
        REFERENCES test_execution (id) ON DELETE CASCADE
);

CREATE INDEX test_execution_relevant_link_test_execution_id_ix
    ON test_execution_relevant_link (test_execution_id);

CREATE TABLE test_execution_rerun_request (
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    test_plan_id integer NOT NULL,
    artefact_build_id integer NOT NULL,
    environment_id integer NOT NULL,
    priority integer NOT NULL DEFAULT 0,
    CONSTRAINT test_execution_rerun_request_pkey PRIMARY KEY (id),
    CONSTRAINT uq_rerun_request_group
        UNIQUE (test_plan_id, artefact_build_id, environment_id),
    CONSTRAINT fk_rerun_request_test_plan FOREIGN KEY (test_plan_id)
        REFERENCES test_plan (id) ON DELETE CASCADE,
    CONSTRAINT fk_rerun_request_artefact_build FOREIGN KEY (artefact_build_id)
        REFERENCES artefact_build (id) ON DELETE CASCADE,
    CONSTRAINT fk_rerun_request_environment FOREIGN KEY (environment_id)
        REFERENCES environment (id) ON DELETE CASCADE
);

CREATE INDEX test_execution_rerun_request_artefact_build_id_ix
    ON test_execution_rerun_request (artefact_build_id);
CREATE INDEX test_execution_rerun_request_environment_id_ix
    ON test_execution_rerun_request (environment_id);
CREATE INDEX test_execution_rerun_request_test_plan_id_ix
    ON test_execution_rerun_request (test_plan_id);
CREATE INDEX idx_rerun_request_priority_created_at
    ON test_execution_rerun_request (priority DESC, created_at);

CREATE TABLE test_result (
    status testresultstatus NOT NULL,
    comment varchar NOT NULL,
    io_log varchar NOT NULL,
    test_execution_id integer NOT NULL,
    test_case_id integer NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT test_result_pkey PRIMARY KEY (id),
    CONSTRAINT test_result_test_execution_id_fkey FOREIGN KEY (test_execution_id)
        REFERENCES test_execution (id) ON DELETE CASCADE,
    CONSTRAINT test_result_test_case_id_fkey FOREIGN KEY (test_case_id)
        REFERENCES test_case (id) ON DELETE CASCADE
);

CREATE INDEX test_result_created_at_ix ON test_result (created_at);
CREATE INDEX test_result_test_case_id_ix ON test_result (test_case_id);
CREATE INDEX test_result_test_execution_id_ix ON test_result (test_execution_id);

-- Issues and what they are attached to

CREATE TABLE issue (
    source issuesource NOT NULL,
    project varchar(200) NOT NULL,
    key varchar(200) NOT NULL,
    title varchar NOT NULL,
    status issuestatus NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    last_synced_at timestamp,
    labels varchar[],
    auto_rerun_enabled boolean NOT NULL DEFAULT false,
    CONSTRAINT issue_pkey PRIMARY KEY (id),
    CONSTRAINT issue_project_source_key_key UNIQUE (project, source, key)
);

CREATE INDEX idx_issue_status_last_synced ON issue (status, last_synced_at);

CREATE TABLE environment_issue (
    environment_name varchar NOT NULL,
    url varchar,
    description varchar NOT NULL,
    is_confirmed boolean NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT environment_issue_pkey PRIMARY KEY (id)
);

CREATE TABLE test_case_issue (
    template_id varchar NOT NULL,
    case_name varchar NOT NULL,
    url varchar NOT NULL,
    description varchar NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT test_case_issue_pkey PRIMARY KEY (id)
);

CREATE INDEX test_case_issue_case_name_ix ON test_case_issue (case_name);
CREATE INDEX test_case_issue_template_id_ix ON test_case_issue (template_id);

CREATE TABLE issue_test_result_attachment_rule (
    issue_id integer NOT NULL,
    enabled boolean NOT NULL,
    families familyname[] NOT NULL,
    environment_names varchar[] NOT NULL,
    test_case_names varchar[] NOT NULL,
    template_ids varchar[] NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    test_result_statuses testresultstatus[] NOT NULL,
    artefacts varchar[] NOT NULL DEFAULT '{}',
    artefact_versions varchar[] NOT NULL DEFAULT '{}',
    artefact_stages varchar[] NOT NULL DEFAULT '{}',
    artefact_tracks varchar[] NOT NULL DEFAULT '{}',
    CONSTRAINT issue_test_result_attachment_rule_pkey PRIMARY KEY (id),
    CONSTRAINT issue_test_result_attachment_rule_issue_id_fkey
        FOREIGN KEY (issue_id) REFERENCES issue (id) ON DELETE CASCADE
);

CREATE INDEX issue_test_result_attachment_rule_enabled_ix
    ON issue_test_result_attachment_rule (enabled);
CREATE INDEX issue_test_result_attachment_rule_issue_id_ix
    ON issue_test_result_attachment_rule (issue_id);

CREATE TABLE issue_test_result_attachment_rule_execution_metadata (
    attachment_rule_id integer NOT NULL,
    category varchar(200) NOT NULL,
    value varchar(200) NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT issue_test_result_attachment_rule_execution_metadata_pkey
        PRIMARY KEY (id),
    CONSTRAINT issue_test_result_attachment_rule_execution_metadata_at_76b8
        UNIQUE (attachment_rule_id, category, value),
    CONSTRAINT issue_test_result_attachment_rule_execution_metadata_at_15a6
        FOREIGN KEY (attachment_rule_id)
        REFERENCES issue_test_result_attachment_rule (id) ON DELETE CASCADE
);

CREATE TABLE issue_test_result_attachment (
    issue_id integer NOT NULL,
    test_result_id integer NOT NULL,
    id serial NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    attachment_rule_id integer,
    CONSTRAINT issue_test_result_attachment_pkey PRIMARY KEY (id),
    CONSTRAINT issue_test_result_attachment_issue_id_test_result_id_key
        UNIQUE (issue_id, test_result_id),
    CONSTRAINT issue_test_result_attachment_issue_id_fkey FOREIGN KEY (issue_id)
        REFERENCES issue (id) ON DELETE CASCADE,
    CONSTRAINT issue_test_result_attachment_test_result_id_fkey
        FOREIGN KEY (test_result_id)
        REFERENCES test_result (id) ON DELETE CASCADE,
    CONSTRAINT issue_test_result_attachment_attachment_rule_id_fkey
        FOREIGN KEY (attachment_rule_id)
        REFERENCES issue_test_result_attachment_rule (id) ON DELETE SET NULL
);

CREATE INDEX issue_test_result_attachment_attachment_rule_id_ix
    ON issue_test_result_attachment (attachment_rule_id);
CREATE INDEX issue_test_result_attachment_issue_id_ix
    ON issue_test_result_attachment (issue_id);
CREATE INDEX issue_test_result_attachment_test_result_id_ix
    ON issue_test_result_attachment (test_result_id);
