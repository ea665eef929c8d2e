"""The fixture site, started and stopped around each audit test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .site import (
    FixtureSite,
)


@pytest.fixture()
def fixture_site() -> Iterator[FixtureSite]:
    served = FixtureSite()
    yield served
    served.close()
