-- Imported records keep their author's proof (docs/signatures.md, "Imported records").
-- An export carries its database's signing keys and, for each signed row, the seal its author signed. An import
-- checks each signed row of the file against that seal and keeps the proof here, so `verify` can recheck it
-- later: the author's key as the file gave it, the seal as signed, and for each imported row its ids in the
-- file (the payload was signed with the file's ids) next to the ids it got here.

-- A key that signed imported rows. registration = '' : the key is on record here for that user (signing_keys);
-- otherwise the file's registration payload, verified with registrar_key (base64 public key) at import.
CREATE TABLE imported_keys (
    id                      INTEGER PRIMARY KEY,
    user_id                 INTEGER NOT NULL REFERENCES users(id),
    public_key              TEXT NOT NULL,
    registration            TEXT NOT NULL,
    registrar_key           TEXT NOT NULL,
    registration_signature  TEXT NOT NULL
);

-- An author's seal as it stood in the file: the canonical payload that was signed, and the signature.
CREATE TABLE imported_seals (
    id         INTEGER PRIMARY KEY,
    key_id     INTEGER NOT NULL REFERENCES imported_keys(id),
    payload    TEXT NOT NULL,
    signature  TEXT NOT NULL
);

-- One row per imported signed record. seal_id NULL: imported without proof (the file declared the record as
-- signed before its database had signatures). ids: JSON {column: [id here, id in the file]} for the row's id
-- and every reference; columns: the columns the author's signature covers.
CREATE TABLE imported_signatures (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    record_id  INTEGER NOT NULL,
    seal_id    INTEGER REFERENCES imported_seals(id),
    ids        TEXT NOT NULL,
    columns    TEXT NOT NULL,
    UNIQUE (kind, record_id)
);
CREATE INDEX imported_signatures_by_seal ON imported_signatures (seal_id);

-- The export reads each seal's audit rows by seal.
CREATE INDEX audit_signatures_by_seal ON audit_signatures (seal_id, audit_id);

-- Import seals from here on must have a proof row (or an unproven one) for every record they cover.
INSERT INTO signature_epoch (kind, first_id) SELECT 'import_proofs', coalesce(max(id), 0) + 1 FROM seals;

CREATE TRIGGER imported_keys_no_update BEFORE UPDATE ON imported_keys
BEGIN SELECT RAISE(ABORT, 'imported_keys is append-only'); END;
CREATE TRIGGER imported_keys_no_delete BEFORE DELETE ON imported_keys
BEGIN SELECT RAISE(ABORT, 'imported_keys is append-only'); END;
CREATE TRIGGER imported_seals_no_update BEFORE UPDATE ON imported_seals
BEGIN SELECT RAISE(ABORT, 'imported_seals is append-only'); END;
CREATE TRIGGER imported_seals_no_delete BEFORE DELETE ON imported_seals
BEGIN SELECT RAISE(ABORT, 'imported_seals is append-only'); END;
CREATE TRIGGER imported_signatures_no_update BEFORE UPDATE ON imported_signatures
BEGIN SELECT RAISE(ABORT, 'imported_signatures is append-only'); END;
CREATE TRIGGER imported_signatures_no_delete BEFORE DELETE ON imported_signatures
BEGIN SELECT RAISE(ABORT, 'imported_signatures is append-only'); END;

-- A replacing INSERT deletes the row it collides with before any delete trigger can object (0011).
CREATE TRIGGER imported_keys_not_replaced BEFORE INSERT ON imported_keys
WHEN EXISTS (SELECT 1 FROM imported_keys WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'imported_keys is append-only'); END;
CREATE TRIGGER imported_seals_not_replaced BEFORE INSERT ON imported_seals
WHEN EXISTS (SELECT 1 FROM imported_seals WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'imported_seals is append-only'); END;
CREATE TRIGGER imported_signatures_not_replaced BEFORE INSERT ON imported_signatures
WHEN EXISTS (SELECT 1 FROM imported_signatures WHERE id = NEW.id OR (kind = NEW.kind AND record_id = NEW.record_id))
BEGIN SELECT RAISE(ABORT, 'imported_signatures is append-only'); END;
