"""Which privacy-notice versions the person was shown and accepted, and when
(atiende/core/personal_data.py). Erasure deletes those records: the notice itself is the
company's text."""

from __future__ import annotations

from atiende.core.personal_data import Export, Subject, register

from .models import NoticeAcceptance


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("privacy_notice_acceptances", NoticeAcceptance.objects.filter(user_id__in=subject.user_ids),
                 ["notice__version", "moment", "accepted_at"])


def _erase(subject: Subject) -> None:
    NoticeAcceptance.objects.filter(user_id__in=subject.user_ids).delete()


register(
    "privacy",
    covers=["privacy.NoticeAcceptance"],
    exempt={"privacy.PrivacyNotice": "The company's privacy notice and who published it (an agent).",
            "privacy.RetentionRule": "How long each kind of data is kept."},
    export=_export, erase=_erase,
)
