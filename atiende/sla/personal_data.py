"""The SLA app holds no personal data (atiende/core/personal_data.py)."""

from atiende.core.personal_data import register

register("sla", exempt={"sla.Calendar": "Opening hours.", "sla.Policy": "Service targets.",
                        "sla.Target": "Service targets.", "sla.Clock": "Timers by ticket id, no text."})
