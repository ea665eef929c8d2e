"""The Flask app and its test client, shared by the serve tests (the Checker comes from tests/conftest.py)."""

from __future__ import annotations

import pytest

from claimcheck.web import create_app


@pytest.fixture(scope="module")
def app(checker):
    return create_app(checker=checker)


@pytest.fixture()
def client(app):
    return app.test_client()
