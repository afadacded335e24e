"""Writes on accounts that security needs: token revocation and login unlocking."""

import logging

from axes.utils import reset
from rest_framework.authtoken.models import Token

logger = logging.getLogger(__name__)


def user_api_tokens_revoke(*, user, by) -> int:
    """Delete `user`'s API token: the next call with it answers 401. Return how many went.

    A new token is created only on purpose (`manage.py drf_create_token`), so a revoked key
    stays dead.
    """
    deleted, _ = Token.objects.filter(user=user).delete()
    logger.info("API token of %s revoked by %s", user, by)
    return deleted


def user_login_unlock(*, user, by) -> None:
    """Lift a login throttling lockout on `user`'s username before its cool-off ends."""
    reset(username=user.get_username())
    logger.info("login of %s unlocked by %s", user, by)
