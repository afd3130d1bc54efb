"""Automation holds no personal data (atiende/core/personal_data.py)."""

from atiende.core.personal_data import register

register("automation", exempt={"automation.Trigger": "Rules written by admins.",
                               "automation.TimeRule": "Rules written by admins.",
                               "automation.RuleRun": "Which rule ran on which ticket id."})
