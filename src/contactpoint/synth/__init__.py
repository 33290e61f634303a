"""Synthetic England: a seeded population, its source feeds, and the ground truth kept apart."""
