"""Branding holds no personal data (atiende/core/personal_data.py)."""

from atiende.core.personal_data import register

register("branding", exempt={"branding.Branding": "The company's name, logo and colours."})
