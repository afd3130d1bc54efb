"""The workspace holds no personal data of customers (atiende/core/personal_data.py)."""

from atiende.core.personal_data import register

register("workspace", exempt={"workspace.SavedView": "Agents' own saved ticket filters."})
