"""Celery beat: the half-yearly Mission jeunes table and the annual CPNE report."""

from celery import shared_task

from notifications.tasks import RETRY
from reports import services
from reports.stored import build_previous_period


@shared_task(name="reports.build_mission_jeunes", acks_late=True, **RETRY)
def build_mission_jeunes() -> int:
    """1 January and 1 July: the table of the half-year that just ended (002 art. 2.1)."""
    return build_previous_period(services.MISSION_JEUNES).pk


@shared_task(name="reports.build_cpne_annual", acks_late=True, **RETRY)
def build_cpne_annual() -> int:
    """1 January: the CPNE follow-up report of the year that just ended (000/001 art. 10–11)."""
    return build_previous_period(services.CPNE).pk
