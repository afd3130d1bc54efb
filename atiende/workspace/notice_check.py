"""The reply checker on a notice, as the composer shows it: the preview's text (the variables
filled in for the sample recipient, whose name and organization are then not misspellings)."""

from __future__ import annotations

from atiende.accounts.models import User
from atiende.notices.models import Notice
from atiende.notices.selectors import Preview
from atiende.replycheck import rules
from atiende.replycheck import selectors as checker
from atiende.replycheck.permissions import can_check_replies

from .reply_check_rows import FindingRow, finding_rows


def notice_findings(user: User, notice: Notice, preview: Preview) -> list[FindingRow]:
    if not can_check_replies(user):
        return []
    draft = checker.draft_for(user=user, text=preview.body, language=notice.language, ticket=None, attachments=0)
    if preview.sample is not None:
        draft.customer_name = preview.sample.name
        draft.names = [preview.sample.organization.name] if preview.sample.organization_id else []
    return finding_rows(preview.body, rules.check(draft), [])
