"""Writes for the second factor (enrolment, verification, recovery codes, reset), the per-role
policy, signed-in sessions and the password change. Every code check goes through the sign-in
throttle (accounts/throttle.py, decision 0014) under its own identity (`_throttle_identity`).

Security events are recorded in the audit log (core/audit.py)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from atiende.accounts import throttle
from atiende.accounts.models import Role, Team, User, normalize_email
from atiende.accounts.services import agent_create
from atiende.core import clock
from atiende.core.audit import audit_record
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound, Unauthenticated

from . import oidc, totp
from .models import RecoveryCode, SignedInSession, TotpDevice, TwoFactorPolicy
from .oidc import SsoFailure
from .permissions import POLICY_FIELDS, can_manage_two_factor, uses_staff_sign_in
from .selectors import has_second_factor, role_requires_second_factor, session_store

RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


def _throttle_identity(user: User) -> str:
    """Codes count apart from passwords: proving the password trusts an address for the password,
    never for guessing codes, so a guesser who has the password still meets the account limit."""
    return f"second-factor:{user.pk}"


def _code_error() -> Invalid:
    return Invalid(_("That code is not correct or has expired."), code="otp_invalid",
                   fields={"code": _("That code is not correct or has expired.")})


# --- enrolment --------------------------------------------------------------------------------------

def totp_enrol_start(*, user: User) -> TotpDevice:
    """The user's not yet confirmed authenticator (a new secret the first time; the same one on
    a reload, so a QR code already scanned stays good). Conflict when one is confirmed."""
    if not uses_staff_sign_in(user):
        raise Forbidden()
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.confirmed:
            raise Conflict(_("Two-step verification is already on."), code="otp_already_on")
        if device is None:
            device = TotpDevice.objects.create(user=user, name="authenticator", confirmed=False, key=totp.new_key())
    return device


def totp_enrol_confirm(*, user: User, code: str, client_ip: str) -> list[str]:
    """Turn two-step verification on with the first code from the app; the new recovery codes
    (shown once). Invalid for a wrong code, LoginThrottled over the limits."""
    device = TotpDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise Conflict(_("Start again: there is no authenticator waiting to be confirmed."), code="otp_not_started")
    if not _totp_check(user, device, code, client_ip=client_ip):
        raise _code_error()
    with transaction.atomic():
        TotpDevice.objects.filter(pk=device.pk).update(confirmed=True, confirmed_at=clock.now())
        codes = _recovery_codes_replace(user)
        audit_record("auth.2fa_enabled", actor=user, target=user)
    return codes


# --- verification -----------------------------------------------------------------------------------

def second_factor_verify(*, user: User, code: str, client_ip: str) -> str:
    """Check a code from the app or a recovery code (each recovery code works once): "totp" or
    "recovery". Invalid when wrong; LoginThrottled over the limits."""
    device = TotpDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise Conflict(_("Two-step verification is off for this account."), code="otp_off")
    compact = "".join(code.split())
    if compact.isdigit():
        if _totp_check(user, device, compact, client_ip=client_ip):
            return "totp"
        raise _code_error()
    if _recovery_use(user, compact, client_ip=client_ip):
        audit_record("auth.recovery_code_used", actor=user, target=user)
        return "recovery"
    raise _code_error()


def _totp_check(user: User, device: TotpDevice, code: str, *, client_ip: str) -> bool:
    attempt = throttle.begin(email=_throttle_identity(user), client_ip=client_ip)
    step = totp.matching_step(device.key, code, timestamp=clock.now().timestamp(), after_step=device.last_t)
    # Conditional: of two requests with the same code at once, only one moves last_t.
    accepted = step is not None and TotpDevice.objects.filter(pk=device.pk, last_t__lt=step).update(last_t=step) == 1
    throttle.finish(attempt, succeeded=accepted)
    return accepted


def _recovery_use(user: User, code: str, *, client_ip: str) -> bool:
    attempt = throttle.begin(email=_throttle_identity(user), client_ip=client_ip)
    used = RecoveryCode.objects.filter(user=user, digest=_recovery_digest(code), used_at__isnull=True).update(
        used_at=clock.now()) == 1
    throttle.finish(attempt, succeeded=used)
    return used


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").lower().encode()).hexdigest()


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))  # 16 × log2(31) ≈ 79 bits
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _recovery_codes_replace(user: User) -> list[str]:
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, digest=_recovery_digest(c)) for c in codes])
    return codes


def recovery_codes_renew(*, user: User, code: str, client_ip: str) -> list[str]:
    """New recovery codes after a fresh code (the old ones stop working)."""
    second_factor_verify(user=user, code=code, client_ip=client_ip)
    with transaction.atomic():
        audit_record("auth.recovery_codes_renewed", actor=user, target=user)
        return _recovery_codes_replace(user)


def second_factor_for_token(*, user: User, code: str, client_ip: str) -> None:
    """Issuing an API token (POST /api/v1/auth/token/) proves as much as signing in, so it asks
    for the same second factor; requests made with the token then need none (decision 0040)."""
    if not uses_staff_sign_in(user):
        return
    if has_second_factor(user):
        if not code.strip():
            raise Unauthenticated(_("Enter the code from your authenticator app (field \"code\")."), code="otp_required")
        try:
            second_factor_verify(user=user, code=code, client_ip=client_ip)
        except Invalid:
            raise Unauthenticated(_("That code is not correct or has expired."), code="otp_invalid") from None
    elif role_requires_second_factor(user):
        raise Forbidden(_("Your role requires two-step verification: turn it on in the workspace first."),
                        code="otp_enrolment_required")


# --- turning it off ---------------------------------------------------------------------------------

def two_factor_disable(*, user: User, code: str, client_ip: str) -> None:
    """The user turns their own second factor off, after a fresh code. Conflict when their role
    requires it."""
    if role_requires_second_factor(user):
        raise Conflict(_("Your role requires two-step verification; it cannot be turned off."), code="otp_required")
    second_factor_verify(user=user, code=code, client_ip=client_ip)
    with transaction.atomic():
        _remove(user)
        audit_record("auth.2fa_disabled", actor=user, target=user)


def two_factor_reset(*, actor: User, user_id: int) -> None:
    """An administrator removes someone's second factor (a lost phone and no recovery codes);
    they enrol again at their next sign-in if their role requires it."""
    if not can_manage_two_factor(actor):
        raise Forbidden()
    user = User.objects.filter(pk=user_id).first()
    if user is None or not uses_staff_sign_in(user):
        raise NotFound()
    with transaction.atomic():
        _remove(user)
        audit_record("auth.2fa_reset", actor=actor, target=user)


def _remove(user: User) -> None:
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()


def policy_update(*, actor: User, required_roles: set[str]) -> TwoFactorPolicy:
    """Which roles must use two-step verification (administrators only)."""
    if not can_manage_two_factor(actor):
        raise Forbidden()
    unknown = set(required_roles) - set(POLICY_FIELDS)
    if unknown:
        raise Invalid(_("Unknown role."), fields={"roles": _("Unknown role.")})
    if actor.role in required_roles and not has_second_factor(actor):
        raise Conflict(_("Turn on two-step verification for yourself before requiring it for your role."),
                       code="otp_enrol_first")
    with transaction.atomic():
        policy, _created = TwoFactorPolicy.objects.select_for_update().get_or_create(pk=1)
        before = {role: getattr(policy, field) for role, field in POLICY_FIELDS.items()}
        newly = {role for role, field in POLICY_FIELDS.items() if role in required_roles and not getattr(policy, field)}
        for role, field in POLICY_FIELDS.items():
            setattr(policy, field, role in required_roles)
        policy.updated_at = clock.now()
        policy.save()
        audit_record("auth.2fa_policy_changed", actor=actor, before=before,
                     after={role: getattr(policy, field) for role, field in POLICY_FIELDS.items()})
        _sign_out_unenrolled(newly)
    return policy


def _sign_out_unenrolled(roles: set[str]) -> None:
    """Sessions of people whose role now requires a second factor they do not have end: at their
    next sign-in they enrol before anything else (accounts.steps)."""
    if not roles:
        return
    enrolled = TotpDevice.objects.filter(confirmed=True).values("user_id")
    for row in SignedInSession.objects.filter(user__role__in=roles, user__kind="agent").exclude(user_id__in=enrolled):
        end_session(row)
        audit_record("auth.session_revoked", target=row.user, after={"why": "two-factor policy"})


# --- sessions ---------------------------------------------------------------------------------------

TOUCH_SECONDS = 60


def session_seen(*, user: User, session_key: str, user_agent: str, ip: str) -> None:
    """Record that this session was used now (at most one write a minute per session)."""
    now = clock.now()
    updated = SignedInSession.objects.filter(session_key=session_key, user=user).update(
        last_seen_at=now, ip=ip[:64], user_agent=user_agent[:300])
    if not updated:
        # A key left over (another user's), and this user's rows of sessions that expired unseen.
        SignedInSession.objects.filter(session_key=session_key).delete()
        SignedInSession.objects.filter(user=user, last_seen_at__lt=now - timedelta(
            seconds=settings.SESSION_COOKIE_AGE)).delete()
        try:
            with transaction.atomic():
                SignedInSession.objects.create(user=user, session_key=session_key, ip=ip[:64],
                                               user_agent=user_agent[:300], created_at=now, last_seen_at=now)
        except IntegrityError:  # another request of this session, at the same moment, listed it first
            pass


def session_revoke(*, actor: User, session_id: int) -> None:
    """Sign one of the actor's own sessions out; NotFound for anyone else's."""
    row = SignedInSession.objects.filter(pk=session_id, user=actor).first()
    if row is None:
        raise NotFound()
    end_session(row)
    audit_record("auth.session_revoked", actor=actor, target=actor, after={"ip": row.ip, "browser": row.user_agent})


def sessions_revoke_others(*, actor: User, keep_session_key: str) -> int:
    """Sign out every session of the actor but this one; how many were ended."""
    rows = list(SignedInSession.objects.filter(user=actor).exclude(session_key=keep_session_key))
    for row in rows:
        end_session(row)
    if rows:
        audit_record("auth.session_revoked", actor=actor, target=actor, after={"sessions": len(rows)})
    return len(rows)


def end_session(row: SignedInSession) -> None:
    """End a session: its stored data goes (whatever SESSION_ENGINE keeps it), then its row."""
    session_store(row.session_key).delete(row.session_key)
    row.delete()


def session_forget(*, session_key: str) -> None:
    """The session signed out (its row is not needed any more)."""
    SignedInSession.objects.filter(session_key=session_key).delete()


# --- password -------------------------------------------------------------------------------------

def password_change(*, user: User, current: str, new: str, keep_session_key: str) -> None:
    """Change one's password: the current one must be right and the new one pass the validators.
    Every other session is signed out (their stored hash no longer matches, and their rows go);
    the caller keeps this one with update_session_auth_hash. API tokens die too (their stamp)."""
    if not user.check_password(current):
        raise Invalid(_("Your current password is not correct."), code="password_incorrect",
                      fields={"current": _("Your current password is not correct.")})
    try:
        password_validation.validate_password(new, user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), code="password_invalid", fields={"new": " ".join(exc.messages)}) from exc
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        others = list(SignedInSession.objects.filter(user=user).exclude(session_key=keep_session_key))
        for row in others:
            end_session(row)
        audit_record("auth.password_changed", actor=user, target=user, after={"sessions_ended": len(others)})


# --- single sign-on (OpenID Connect, decision 0049) -----------------------------------------------

# `amr` values (RFC 8176) that mean the provider asked for more than a password.
PROVIDER_MFA_METHODS = {"mfa", "otp", "hwk", "swk", "sms", "tel", "fpt", "face", "iris", "retina", "vbm", "sc", "pop"}


@dataclass(frozen=True)
class SsoResult:
    user: User
    next_url: str
    provider_mfa: bool  # the provider proved a second factor and OIDC_TRUST_PROVIDER_MFA lets it count


def sso_start(*, session: MutableMapping, redirect_uri: str, next_url: str) -> str:
    """Start a single sign-on: the provider's address for the browser; `SsoFailure` (recorded)
    when the provider cannot be reached or its discovery document is unusable."""
    try:
        return oidc.begin(session, redirect_uri=redirect_uri, next_url=next_url)
    except SsoFailure as exc:
        audit_record("auth.sso_sign_in_failed", after={"reason": exc.reason, "email": ""})
        raise


def sso_complete(*, session: MutableMapping, query: Mapping[str, str], redirect_uri: str) -> SsoResult:
    """Finish a single sign-on from the provider's redirect: the agent it names, recorded in the
    audit log; or `SsoFailure`, recorded too. The caller then signs in through the same steps as
    a password (accounts.steps.after_password), the second factor included."""
    try:
        claims, next_url = oidc.finish(session, query=query, redirect_uri=redirect_uri)
        user = _sso_agent(claims)
    except SsoFailure as exc:
        audit_record("auth.sso_sign_in_failed", after={"reason": exc.reason, "email": exc.email[:254]})
        raise
    amr = claims.get("amr") if isinstance(claims.get("amr"), list) else []
    trusted = settings.OIDC_TRUST_PROVIDER_MFA and bool(PROVIDER_MFA_METHODS & {str(m) for m in amr})
    return SsoResult(user=user, next_url=next_url, provider_mfa=trusted)


def _email_verified(claims: Mapping[str, Any]) -> bool:
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")  # some providers send a string


def _sso_agent(claims: Mapping[str, Any]) -> User:
    """The active agent for these verified claims (made just in time when allowed)."""
    email = normalize_email(str(claims.get("email") or ""))
    if not email or "@" not in email:
        raise SsoFailure("no_email")
    if settings.OIDC_REQUIRE_VERIFIED_EMAIL and not _email_verified(claims):
        raise SsoFailure("email_unverified", email=email)
    domains = settings.OIDC_ALLOWED_DOMAINS
    if domains and email.rsplit("@", 1)[1] not in domains:
        raise SsoFailure("domain", email=email)
    with transaction.atomic():
        user = User.objects.filter(email=email).first() or _sso_agent_create(email, str(claims.get("name") or ""))
        if not (user.is_active and uses_staff_sign_in(user)):  # customers keep the portal's sign-in
            raise SsoFailure("unknown_agent", email=email)
        audit_record("auth.sso_sign_in", actor=user, target=user,
                     after={"provider": settings.OIDC_PROVIDER_NAME, "subject": str(claims.get("sub", ""))[:255]})
    return user


def _sso_agent_create(email: str, name: str) -> User:
    """Just-in-time agents: only when switched on, and only for allowed domains (an empty list
    would let anyone the provider knows become an agent)."""
    if not (settings.OIDC_CREATE_AGENTS and settings.OIDC_ALLOWED_DOMAINS):
        raise SsoFailure("unknown_agent", email=email)
    teams = list(Team.objects.filter(name=settings.OIDC_DEFAULT_TEAM)) if settings.OIDC_DEFAULT_TEAM else []
    try:
        user = agent_create(email=email, name=name[:200], role=Role.AGENT, password=None, teams=teams)
    except Conflict:  # made by a sign-in running at the same time
        return User.objects.get(email=email)
    audit_record("agent.created", actor=user, target=user,
                 after={"role": user.role, "teams": [team.name for team in teams], "via": "single sign-on"})
    return user
