"""What makes a record final and provable: the author's seal (Ed25519), the hash-chained audit log, the chain's
anchor outside the database, and the signed envelopes leaving for the sync server (outbox)."""
