"""Email channel: parsing, reply splitting and automatic-mail detection (pure modules)."""
