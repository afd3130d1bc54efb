"""Automation: triggers and time rules over tickets (issue 14). See docs/decisions/0024-triggers-and-time-rules.md."""
