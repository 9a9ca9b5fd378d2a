"""The real OpenID provider (tests/oidc), started once per test process and stopped at the
end, and Assure's settings pointed at it for a test."""

from collections.abc import Iterator

import pytest

from tests.oidc import provider as oidc


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[oidc.Provider]:
    running = oidc.start()
    yield running
    running.stop()


@pytest.fixture
def sso(oidc_provider: oidc.Provider, settings) -> Iterator[oidc.Provider]:  # type: ignore[no-untyped-def]
    """Single sign-on on, against the real provider (client_secret_post); a test changes
    `settings` further for another client or method. The provider behaves again after."""
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    yield oidc_provider
    oidc_provider.tamper("")
