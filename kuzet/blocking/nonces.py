"""The receiver's memory of nonces: a signed message is accepted once, never replayed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from kuzet.accounts.models import Organisation
from kuzet.blocking.models import SeenNonce
from kuzet.blocking.signing import SIGNATURE_WINDOW_SECONDS


def nonce_first_use(*, organisation: Organisation, nonce: str, now: datetime | None = None) -> bool:
    """Remember ``nonce`` for ``organisation``; False if it was already seen (a replay).

    Kept for twice the signature window, so a message stamped at the window's far edge cannot
    outlive its nonce. Expired nonces are swept here, a partner's at a time, so the table stays
    the size of ten minutes of traffic without a separate job.
    """
    now = now or timezone.now()
    SeenNonce.objects.filter(organisation=organisation, expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            SeenNonce.objects.create(
                organisation=organisation,
                nonce=nonce,
                expires_at=now + timedelta(seconds=2 * SIGNATURE_WINDOW_SECONDS),
            )
    except IntegrityError:
        return False
    return True
