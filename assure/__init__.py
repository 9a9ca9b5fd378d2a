"""Assure: assurance of decisions for children leaving care."""
