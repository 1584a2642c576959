-- The user's profession (faggruppe), asked when a user is created: a MedCom CareCommunication names its author's
-- role (MedCom's PractitionerRole, invariant medcom-careCommunication-7), and the national monitoring data set
-- asks which profession delivers the offer. A code of core/vocab.py's PROFESSIONS; '' for users made before.
ALTER TABLE users ADD COLUMN profession TEXT NOT NULL DEFAULT '';
