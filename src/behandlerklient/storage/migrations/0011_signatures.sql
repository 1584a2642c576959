-- Schema: Ed25519 signatures only the author can make (docs/signatures.md).
-- signing_keys: each user's public keys, who registered them and when, append-only.
-- seals, record_signatures, audit_signatures: what each user's signatures cover, append-only.
-- signature_epoch: the first id of each table written after signatures were introduced; older signed
-- rows carry no signature and verify counts them apart instead of calling them tampered.
-- signatures_pending: a work list the triggers below fill whenever a row becomes signed, so the signing
-- call that follows in the same transaction knows exactly what to sign.

CREATE TABLE signing_keys (
    id                      INTEGER PRIMARY KEY,
    user_id                 INTEGER NOT NULL REFERENCES users(id),
    public_key              TEXT NOT NULL UNIQUE,       -- base64 of the raw 32-byte Ed25519 public key
    registered_by           INTEGER NOT NULL REFERENCES users(id),
    registered_at           TEXT NOT NULL,
    registration_key_id     INTEGER REFERENCES signing_keys(id),  -- NULL: self-signed with this key
    registration_signature  TEXT NOT NULL
);
CREATE INDEX signing_keys_by_user ON signing_keys (user_id);

-- A seal is one Ed25519 signature by one key over everything its user signed or did in one transaction:
-- the canonical form of each record and the chain hash of each audit row, and the digest of the key's
-- previous seal, so the newest signature of a key vouches for all its earlier seals (docs/signatures.md).
CREATE TABLE seals (
    id         INTEGER PRIMARY KEY,
    key_id     INTEGER NOT NULL REFERENCES signing_keys(id),
    role       TEXT NOT NULL CHECK (role IN ('author', 'import')),  -- import: an administrator vouches for
                                                                    -- imported rows, not their author
    alg        TEXT NOT NULL CHECK (alg = 'ed25519'),
    version    INTEGER NOT NULL,
    signed_at  TEXT NOT NULL,
    prev       TEXT NOT NULL,   -- sha256 of this key's previous seal payload ('' for its first)
    digest     TEXT NOT NULL,   -- sha256 of this seal's payload (verify recomputes it)
    signature  TEXT NOT NULL
);
CREATE INDEX seals_by_key ON seals (key_id, id);

CREATE TABLE record_signatures (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,   -- the record's table
    record_id  INTEGER NOT NULL,
    seal_id    INTEGER NOT NULL REFERENCES seals(id),
    columns    TEXT NOT NULL,   -- the row's columns the signature covers, comma-separated, in order
    UNIQUE (kind, record_id)
);
CREATE INDEX record_signatures_by_seal ON record_signatures (seal_id);

CREATE TABLE audit_signatures (
    audit_id   INTEGER PRIMARY KEY,  -- no foreign key: a removed audit row is for verify to find
    seal_id    INTEGER NOT NULL REFERENCES seals(id)
);

CREATE TABLE signature_epoch (
    kind      TEXT PRIMARY KEY,
    first_id  INTEGER NOT NULL
);

CREATE TABLE signatures_pending (
    kind       TEXT NOT NULL,
    record_id  INTEGER NOT NULL,
    PRIMARY KEY (kind, record_id)
);

INSERT INTO signature_epoch (kind, first_id) SELECT 'audit_log', last_id + 1 FROM audit_head;

INSERT INTO signature_epoch (kind, first_id) SELECT 'journal_entries', coalesce(max(id), 0) + 1 FROM journal_entries;
INSERT INTO signature_epoch (kind, first_id) SELECT 'sessions', coalesce(max(id), 0) + 1 FROM sessions;
INSERT INTO signature_epoch (kind, first_id) SELECT 'contacts', coalesce(max(id), 0) + 1 FROM contacts;
INSERT INTO signature_epoch (kind, first_id) SELECT 'intakes', coalesce(max(id), 0) + 1 FROM intakes;
INSERT INTO signature_epoch (kind, first_id) SELECT 'screenings', coalesce(max(id), 0) + 1 FROM screenings;
INSERT INTO signature_epoch (kind, first_id) SELECT 'sdq_responses', coalesce(max(id), 0) + 1 FROM sdq_responses;
INSERT INTO signature_epoch (kind, first_id) SELECT 'questionnaire_responses', coalesce(max(id), 0) + 1 FROM questionnaire_responses;
INSERT INTO signature_epoch (kind, first_id) SELECT 'consents', coalesce(max(id), 0) + 1 FROM consents;
INSERT INTO signature_epoch (kind, first_id) SELECT 'coordination_entries', coalesce(max(id), 0) + 1 FROM coordination_entries;
INSERT INTO signature_epoch (kind, first_id) SELECT 'notifications', coalesce(max(id), 0) + 1 FROM notifications;
INSERT INTO signature_epoch (kind, first_id) SELECT 'closings', coalesce(max(id), 0) + 1 FROM closings;
INSERT INTO signature_epoch (kind, first_id) SELECT 'follow_ups', coalesce(max(id), 0) + 1 FROM follow_ups;
INSERT INTO signature_epoch (kind, first_id) SELECT 'group_sessions', coalesce(max(id), 0) + 1 FROM group_sessions;

CREATE TRIGGER seals_no_update BEFORE UPDATE ON seals
BEGIN SELECT RAISE(ABORT, 'seals is append-only'); END;
CREATE TRIGGER seals_no_delete BEFORE DELETE ON seals
BEGIN SELECT RAISE(ABORT, 'seals is append-only'); END;
CREATE TRIGGER signing_keys_no_update BEFORE UPDATE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing_keys is append-only'); END;
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing_keys is append-only'); END;
CREATE TRIGGER record_signatures_no_update BEFORE UPDATE ON record_signatures
BEGIN SELECT RAISE(ABORT, 'record_signatures is append-only'); END;
CREATE TRIGGER record_signatures_no_delete BEFORE DELETE ON record_signatures
BEGIN SELECT RAISE(ABORT, 'record_signatures is append-only'); END;
CREATE TRIGGER audit_signatures_no_update BEFORE UPDATE ON audit_signatures
BEGIN SELECT RAISE(ABORT, 'audit_signatures is append-only'); END;
CREATE TRIGGER audit_signatures_no_delete BEFORE DELETE ON audit_signatures
BEGIN SELECT RAISE(ABORT, 'audit_signatures is append-only'); END;
CREATE TRIGGER signature_epoch_no_update BEFORE UPDATE ON signature_epoch
BEGIN SELECT RAISE(ABORT, 'signature_epoch is append-only'); END;
CREATE TRIGGER signature_epoch_no_delete BEFORE DELETE ON signature_epoch
BEGIN SELECT RAISE(ABORT, 'signature_epoch is append-only'); END;

CREATE TRIGGER journal_entries_to_sign_on_insert AFTER INSERT ON journal_entries WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('journal_entries', NEW.id); END;
CREATE TRIGGER journal_entries_to_sign_on_update AFTER UPDATE ON journal_entries WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('journal_entries', NEW.id); END;
CREATE TRIGGER sessions_to_sign_on_insert AFTER INSERT ON sessions WHEN NEW.state = 'signed'
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('sessions', NEW.id); END;
CREATE TRIGGER sessions_to_sign_on_update AFTER UPDATE ON sessions WHEN OLD.state != 'signed' AND NEW.state = 'signed'
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('sessions', NEW.id); END;
CREATE TRIGGER contacts_to_sign_on_insert AFTER INSERT ON contacts WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('contacts', NEW.id); END;
CREATE TRIGGER contacts_to_sign_on_update AFTER UPDATE ON contacts WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('contacts', NEW.id); END;
CREATE TRIGGER intakes_to_sign_on_insert AFTER INSERT ON intakes WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('intakes', NEW.id); END;
CREATE TRIGGER intakes_to_sign_on_update AFTER UPDATE ON intakes WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('intakes', NEW.id); END;
CREATE TRIGGER screenings_to_sign_on_insert AFTER INSERT ON screenings WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('screenings', NEW.id); END;
CREATE TRIGGER screenings_to_sign_on_update AFTER UPDATE ON screenings WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('screenings', NEW.id); END;
CREATE TRIGGER sdq_responses_to_sign_on_insert AFTER INSERT ON sdq_responses WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('sdq_responses', NEW.id); END;
CREATE TRIGGER sdq_responses_to_sign_on_update AFTER UPDATE ON sdq_responses WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('sdq_responses', NEW.id); END;
CREATE TRIGGER questionnaire_responses_to_sign_on_insert AFTER INSERT ON questionnaire_responses WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('questionnaire_responses', NEW.id); END;
CREATE TRIGGER questionnaire_responses_to_sign_on_update AFTER UPDATE ON questionnaire_responses WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('questionnaire_responses', NEW.id); END;
CREATE TRIGGER consents_to_sign_on_insert AFTER INSERT ON consents WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('consents', NEW.id); END;
CREATE TRIGGER consents_to_sign_on_update AFTER UPDATE ON consents WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('consents', NEW.id); END;
CREATE TRIGGER coordination_entries_to_sign_on_insert AFTER INSERT ON coordination_entries WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('coordination_entries', NEW.id); END;
CREATE TRIGGER coordination_entries_to_sign_on_update AFTER UPDATE ON coordination_entries WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('coordination_entries', NEW.id); END;
CREATE TRIGGER notifications_to_sign_on_insert AFTER INSERT ON notifications WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('notifications', NEW.id); END;
CREATE TRIGGER notifications_to_sign_on_update AFTER UPDATE ON notifications WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('notifications', NEW.id); END;
CREATE TRIGGER closings_to_sign_on_insert AFTER INSERT ON closings WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('closings', NEW.id); END;
CREATE TRIGGER closings_to_sign_on_update AFTER UPDATE ON closings WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('closings', NEW.id); END;
CREATE TRIGGER follow_ups_to_sign_on_insert AFTER INSERT ON follow_ups WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('follow_ups', NEW.id); END;
CREATE TRIGGER follow_ups_to_sign_on_update AFTER UPDATE ON follow_ups WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('follow_ups', NEW.id); END;
CREATE TRIGGER group_sessions_to_sign_on_insert AFTER INSERT ON group_sessions WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('group_sessions', NEW.id); END;
CREATE TRIGGER group_sessions_to_sign_on_update AFTER UPDATE ON group_sessions WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('group_sessions', NEW.id); END;

-- A replacing INSERT deletes the row it collides with before any delete trigger can object when
-- recursive_triggers is off (0008_immutable): refuse the collision itself, on every key of each ledger.
CREATE TRIGGER seals_not_replaced BEFORE INSERT ON seals
WHEN EXISTS (SELECT 1 FROM seals WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'seals is append-only'); END;
CREATE TRIGGER signing_keys_not_replaced BEFORE INSERT ON signing_keys
WHEN EXISTS (SELECT 1 FROM signing_keys WHERE id = NEW.id OR public_key = NEW.public_key)
BEGIN SELECT RAISE(ABORT, 'signing_keys is append-only'); END;
CREATE TRIGGER record_signatures_not_replaced BEFORE INSERT ON record_signatures
WHEN EXISTS (SELECT 1 FROM record_signatures WHERE id = NEW.id OR (kind = NEW.kind AND record_id = NEW.record_id))
BEGIN SELECT RAISE(ABORT, 'record_signatures is append-only'); END;
CREATE TRIGGER audit_signatures_not_replaced BEFORE INSERT ON audit_signatures
WHEN EXISTS (SELECT 1 FROM audit_signatures WHERE audit_id = NEW.audit_id)
BEGIN SELECT RAISE(ABORT, 'audit_signatures is append-only'); END;
CREATE TRIGGER signature_epoch_not_replaced BEFORE INSERT ON signature_epoch
WHEN EXISTS (SELECT 1 FROM signature_epoch WHERE kind = NEW.kind)
BEGIN SELECT RAISE(ABORT, 'signature_epoch is append-only'); END;
