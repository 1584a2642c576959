-- The server's tables: who (staff, access, supervision), the records, and the logs. Run by
-- `behandlerklient-server init` as a superuser, one file per transaction; objects belong to bk_owner.
-- bk_owner (NOLOGIN) owns everything; bk_user (NOLOGIN) is the group every staff login role is in.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bk_owner') THEN
        CREATE ROLE bk_owner NOLOGIN CREATEROLE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bk_user') THEN
        CREATE ROLE bk_user NOLOGIN;
    END IF;
END $$;

CREATE SCHEMA bk AUTHORIZATION bk_owner;
REVOKE ALL ON SCHEMA bk FROM PUBLIC;
GRANT USAGE ON SCHEMA bk TO bk_user;
-- hmac() and gen_random_bytes() for the CPR look-up key; plpython3u for Ed25519 (no built-in exists).
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA bk;
CREATE EXTENSION IF NOT EXISTS plpython3u;

SET LOCAL ROLE bk_owner;

CREATE TABLE bk.staff (
    username       text PRIMARY KEY CHECK (username ~ '^[a-z][a-z0-9_]{1,30}$'),  -- = the login role
    role           text NOT NULL CHECK (role IN ('therapist', 'supervisor', 'coordinator')),
    full_name      text NOT NULL,
    signing_pubkey bytea NOT NULL CHECK (length(signing_pubkey) = 32),           -- raw Ed25519 public key
    added_by       text NOT NULL DEFAULT session_user,
    added_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    disabled_at    timestamptz
);

-- One counter for grant and supervision events, so bk.grants(cursor) pages both in one order.
CREATE SEQUENCE bk.grant_event_seq;

CREATE TABLE bk.access (
    id          bigserial PRIMARY KEY,
    child_uid   uuid NOT NULL,
    username    text NOT NULL REFERENCES bk.staff,
    basis       text NOT NULL CHECK (basis IN ('caseload', 'shared', 'coordinator')),
    granted_by  text NOT NULL,
    granted_at  timestamptz NOT NULL,
    granted_seq bigint NOT NULL,   -- bk.record's high-water mark at the grant: older history via child_history
    revoked_at  timestamptz,
    revoked_by  text,
    event_seq   bigint NOT NULL DEFAULT nextval('bk.grant_event_seq'),
    CHECK (revoked_at IS NULL OR revoked_at >= granted_at)
);
CREATE UNIQUE INDEX access_one_open ON bk.access (child_uid, username, basis) WHERE revoked_at IS NULL;
CREATE INDEX access_by_user ON bk.access (username, child_uid);
CREATE INDEX access_events ON bk.access (username, event_seq);

CREATE TABLE bk.supervision (
    id         bigserial PRIMARY KEY,
    supervisor text NOT NULL REFERENCES bk.staff,
    therapist  text NOT NULL REFERENCES bk.staff,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    ended_at   timestamptz,
    added_by   text NOT NULL DEFAULT session_user,
    event_seq  bigint NOT NULL DEFAULT nextval('bk.grant_event_seq'),
    CHECK (supervisor <> therapist)
);
CREATE UNIQUE INDEX supervision_one_open ON bk.supervision (supervisor, therapist) WHERE ended_at IS NULL;

-- Installation-wide switches the policies read (the laptop's setting of the same name becomes this).
CREATE TABLE bk.policy (
    name   text PRIMARY KEY CHECK (name IN ('supervisor_sees_clinical_text')),
    value  boolean NOT NULL,
    set_by text NOT NULL DEFAULT session_user,
    set_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
INSERT INTO bk.policy (name, value) VALUES ('supervisor_sees_clinical_text', false);

-- CPR look-up: a keyed HMAC, never the CPR. The key never leaves the server (owner-only table).
CREATE TABLE bk.hmac_key (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    key       bytea NOT NULL CHECK (length(key) = 32)
);
INSERT INTO bk.hmac_key (key) VALUES (bk.gen_random_bytes(32));

CREATE TABLE bk.child_identity (
    cpr_hmac      bytea PRIMARY KEY,
    child_uid     uuid NOT NULL UNIQUE,
    registered_by text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- A second uid for a known CPR (registered offline on another laptop): kept until a coordinator merges.
CREATE TABLE bk.child_alias (
    alias_uid     uuid PRIMARY KEY,
    child_uid     uuid NOT NULL REFERENCES bk.child_identity (child_uid),
    registered_by text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    merged_at     timestamptz,
    merged_by     text
);
-- Every register_child call (who, when, outcome; never the CPR): the answer tells whether a CPR exists.
CREATE TABLE bk.register_log (
    id        bigserial PRIMARY KEY,
    username  text NOT NULL,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    child_uid uuid,
    result    text NOT NULL
);
CREATE INDEX register_log_rate ON bk.register_log (username, at);

CREATE SEQUENCE bk.record_seq;
CREATE TABLE bk.record (
    seq            bigint NOT NULL UNIQUE,
    uid            uuid PRIMARY KEY,
    kind           text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    child_uid      uuid,
    author         text NOT NULL DEFAULT current_user,
    device         uuid NOT NULL,
    signed_at      timestamptz NOT NULL,
    schema_version int NOT NULL,
    payload        jsonb NOT NULL,
    content_hash   bytea NOT NULL CHECK (length(content_hash) = 32),
    signature      bytea NOT NULL CHECK (length(signature) = 64),
    received_at    timestamptz NOT NULL
);
CREATE INDEX record_child ON bk.record (child_uid, seq);
CREATE INDEX record_author ON bk.record (author, seq);

-- Record versions the server accepts (a laptop newer than the server is quarantined, not misread).
CREATE TABLE bk.schema_version (version int PRIMARY KEY);
INSERT INTO bk.schema_version VALUES (1);

-- Each device's audit chain: the last accepted audit_log record's hash, so the next must continue it.
CREATE TABLE bk.device_chain (
    device    uuid PRIMARY KEY,
    head_hash text NOT NULL,
    head_seq  bigint NOT NULL
);

-- Refused records: kept whole until a person resolves them (released into bk.record, or rejected).
CREATE TABLE bk.quarantine (
    id          bigserial PRIMARY KEY,
    uid         uuid,
    pushed_by   text NOT NULL DEFAULT current_user,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    reason      text NOT NULL,
    item        jsonb NOT NULL,
    resolved_at timestamptz,
    resolved_by text,
    resolution  text CHECK (resolution IN ('released', 'rejected')),
    note        text
);
CREATE INDEX quarantine_uid ON bk.quarantine (uid);

-- Every read of other people's records through pull/child_history: who, when, device, child, how many.
CREATE TABLE bk.disclosure_log (
    id        bigserial PRIMARY KEY,
    username  text NOT NULL DEFAULT current_user,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    device    uuid,
    via       text NOT NULL,
    child_uid uuid,
    n         int NOT NULL
);
CREATE INDEX disclosure_child ON bk.disclosure_log (child_uid, at);

-- Every admin command (behandlerklient-server), with its arguments (never a password).
CREATE TABLE bk.admin_log (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor   text NOT NULL DEFAULT session_user,
    command text NOT NULL,
    args    jsonb NOT NULL
);
