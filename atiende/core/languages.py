"""The two interface languages, from the short codes content is stored under."""


def interface_language(language: str) -> str:
    """The locale to speak a content language in ("es", "es-MX" → "es-mx"; "en-US" → "en"). Our
    Spanish catalogue is es_MX: a bare "es" would borrow its text from whatever the site's
    language is, English on an English-first install."""
    return "en" if (language or "").lower().startswith("en") else "es-mx"


def content_language(language: str) -> str:
    """The short code content is stored under ("es" or "en") for a locale such as "es-mx"."""
    return "en" if (language or "").lower().startswith("en") else "es"
