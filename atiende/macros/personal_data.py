"""Macros hold no personal data (atiende/core/personal_data.py)."""

from atiende.core.personal_data import register

register("macros", exempt={"macros.Macro": "Canned replies written by agents."})
