"""The SSDA903 (looked-after children) return importer."""
