"""Celery beat builds each periodic report once, stores it with its files, tells the reporters."""

import datetime as dt

from django.conf import settings

from notifications.models import Notification
from reports import periods, stored, tasks
from reports.models import StoredReport


def test_first_day_after_the_half_year_builds_the_table_once(users):
    first = stored.build_previous_period("mission_jeunes", today=dt.date(2026, 7, 1))
    again = stored.build_previous_period("mission_jeunes", today=dt.date(2026, 7, 1))
    assert first.pk == again.pk and StoredReport.objects.count() == 1
    assert first.period_code == "2026-H1"
    # 3 young people in the country (test_mission_jeunes): every figure hidden, nobody refused.
    assert first.payload["privacy"]["suppressed_all"] is True
    assert first.payload["tables"][0]["totals"]["hours"] == "s"
    assert first.xlsx.read(2) == b"PK" and first.pdf.read(4) == b"%PDF"
    notices = Notification.objects.filter(recipient=users.cpne)
    assert notices.count() == 1 and "2026-H1" in notices.get().message
    assert not Notification.objects.filter(recipient=users.case_worker_a).exists()


def test_annual_cpne_report(users):
    report = stored.build_previous_period("cpne", today=dt.date(2027, 1, 1))
    assert report.period_code == "2026"
    dossiers = report.payload["tables"][0]
    assert report.payload["privacy"]["masked"] is True
    assert not report.payload["privacy"]["suppressed_all"]
    assert dossiers["rows"][0]["total"] == "s"  # 2 CPI; the total: see test_privacy_and_scope


def test_tasks_run_and_are_scheduled(users):
    pk = tasks.build_mission_jeunes.apply().get()
    assert tasks.build_mission_jeunes.apply().get() == pk
    assert tasks.build_cpne_annual.apply().get()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reports.build_mission_jeunes", "reports.build_cpne_annual"} <= scheduled


def test_stored_files_download_from_the_admin(client, users):
    report = stored.build_previous_period("cpne", today=dt.date(2027, 1, 1))
    url = f"/admin/reports/storedreport/{report.pk}/telecharger/pdf/"
    client.force_login(users.cpne)
    assert b"".join(client.get(url).streaming_content).startswith(b"%PDF")
    page = client.get("/admin/reports/storedreport/")
    assert url in page.content.decode()
    client.force_login(users.case_worker_a)
    assert client.get(url).status_code == 403


def test_a_second_run_notifies_nobody_even_after_the_notice_is_gone(users):
    stored.build_previous_period("mission_jeunes", today=dt.date(2026, 7, 1))
    Notification.objects.all().delete()  # read and deleted by the reporter
    stored.build_previous_period("mission_jeunes", today=dt.date(2026, 7, 1))
    assert not Notification.objects.exists()


def test_the_worker_that_loses_the_race_neither_stores_nor_notifies(users, monkeypatch):
    build = stored._build
    period = periods.half(2026, 1)

    def other_worker_stores_first(kind, period, as_of):
        report = build(kind, period, as_of)
        StoredReport.objects.create(
            kind=kind,
            period_code=period.code,
            period_start=period.start,
            period_end=period.end,
            payload=report,
        )
        return report

    monkeypatch.setattr(stored, "_build", other_worker_stores_first)
    report, created = stored.stored_report_build(
        kind="mission_jeunes", period=period, as_of=dt.date(2026, 7, 1)
    )
    assert not created and StoredReport.objects.get() == report
    assert not report.xlsx  # the winner's row, not the loser's files
    assert not Notification.objects.exists()  # the winner announces in its own transaction
