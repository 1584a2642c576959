"""Users and what they may do: accounts, passphrases and keys (change, recovery, rotation), confirming the
signer, a draft's author, and who may see which child (caseloads, supervision pairs)."""
