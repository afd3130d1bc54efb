"""The reply checker holds no customer's personal data (atiende/core/personal_data.py): its
coaching records name the agent and the message by id, never the text."""

from atiende.core.personal_data import register

register("replycheck", exempt={
    "replycheck.CheckerSettings": "Word lists of the company.",
    "replycheck.SentReply": "Which agent's reply was checked, by message id; no text.",
    "replycheck.SentFinding": "Finding codes of a checked reply.",
})
