"""These tests read messages and pages as their English msgids: the viewer's language is English
here (es-MX, the default, is covered by the catalogue test and the browser tests)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
