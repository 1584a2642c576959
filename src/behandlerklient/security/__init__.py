"""Keys: passphrase derivation, wrapping of the data key, the OS credential store."""
