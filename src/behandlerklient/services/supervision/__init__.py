"""Supervision: fidelity ratings, the review queue and its decisions, supervision meetings."""
