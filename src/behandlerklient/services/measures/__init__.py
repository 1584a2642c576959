"""SDQ responses and scores, and the municipality's symptom-specific questionnaires."""
