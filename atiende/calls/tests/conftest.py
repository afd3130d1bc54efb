"""Calls tests read the words they assert in English (the site's language, es-MX, is filled in by
the catalogues): new customers, who have no language of their own, get the site's."""

import pytest


@pytest.fixture(autouse=True)
def _english_site(settings):
    settings.LANGUAGE_CODE = "en"
