"""The pathway from contact to closing: contacts and courses, the signed pathway records (contact, intake,
screening, consent, coordination, notification, closing, follow-up; one module per kind in pathway_records/),
consent rules, the next step, the documentation checklist and the timeline."""
