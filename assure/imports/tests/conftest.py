"""Fixtures for the import tests: the shared sample files and small files written on the
fly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assure.imports.framework import ImportResult
from assure.imports.services import import_execute

PROJECT_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def shared_data() -> Path:
    """`../shared/data` beside the project (in CI a copy of shared/ sits beside the clone)."""
    path = PROJECT_ROOT / ".." / "shared" / "data"
    assert path.is_dir(), f"the sample data is missing at {path}"
    return path


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a file: text (encoded as UTF-8, with an optional BOM and CRLF) or bytes."""

    def _write(name: str, content: str | bytes, *, bom: bool = False, crlf: bool = False) -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            if crlf:
                content = content.replace("\n", "\r\n")
            content = (b"\xef\xbb\xbf" if bom else b"") + content.encode("utf-8")
        path.write_bytes(content)
        return path

    return _write


@pytest.fixture
def run() -> Callable[..., ImportResult]:
    def _run(*paths: Path, **options: object) -> ImportResult:
        return import_execute(kind="ssda903", paths=list(paths), **options)  # type: ignore[arg-type]

    return _run


HEADER_COLUMNS = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODE_COLUMNS = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)
