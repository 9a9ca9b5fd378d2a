"""The shared browser harness (tests/browser/harness.py) is loaded for the whole project by
the root conftest.py: the `browser`, `page` and `pages` fixtures come from there."""
