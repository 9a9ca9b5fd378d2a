"""The browser harness lives in harness.py, loaded for the whole project by the root
conftest.py (`pytest_plugins`)."""
