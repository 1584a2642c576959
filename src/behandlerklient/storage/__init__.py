"""The encrypted store: the only package that imports the SQLCipher driver."""
