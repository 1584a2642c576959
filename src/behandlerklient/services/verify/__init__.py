"""`verify` and `--self-check`: the database's integrity, every signature, imported and received records against
their authors' proof, and that every part of the installed program loads."""
