"""Helpers for asserting what a page does not show."""

import re


def normalised(html: str) -> str:
    """The page without its per-request nonce and CSRF token (random text that could hold any
    short string by chance)."""
    html = re.sub(r'nonce="[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
