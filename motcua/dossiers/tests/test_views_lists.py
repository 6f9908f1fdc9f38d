"""Dossier lists: search and filters, my queue, the unit queue, the return desk, the ledger; query counts."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup

pytestmark = pytest.mark.django_db
DAY_AFTER = "2025-03-04 09:00 +07:00"


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def processing(setup, n, *, assign=True, start_day=3):
    """Return `n` dossiers accepted on successive days, transferred and (optionally) assigned to the officer."""
    dossiers = []
    for i in range(n):
        dossier = accepted_dossier(setup, at=f"2025-03-{start_day:02d} {8 + i % 8:02d}:{i:02d} +07:00")
        with time_machine.travel(DAY_AFTER, tick=False):
            services.dossier_transfer(code=dossier.code, actor=setup["head"])
            if assign:
                services.dossier_assign(code=dossier.code, actor=setup["head"], assignee=setup["officer"])
        dossiers.append(dossier)
    return dossiers


def login(client, user):
    client.force_login(user)
    return client


# --- search ------------------------------------------------------------------------------------


def test_search_lists_visible_dossiers_with_filters(client, setup):
    # given
    first = accepted_dossier(setup)
    second = accepted_dossier(setup, at="2025-03-05 09:00 +07:00")
    login(client, setup["officer"])
    url = reverse("dossiers:list")
    # when / then
    assert [d.code for d in client.get(url).context["page"]] == [first.code, second.code]
    assert [d.code for d in client.get(url, {"q": second.code}).context["page"]] == [second.code]
    assert list(client.get(url, {"state": State.DONE}).context["page"]) == []
    response = client.get(url, {"due_from": "2025-03-19", "due_to": "2025-03-19"})
    assert [d.code for d in response.context["page"]] == [second.code]


def test_search_shows_the_due_status_in_words(client, setup):
    # given an open dossier whose appointment (17/3/2025) has passed
    accepted_dossier(setup)
    login(client, setup["officer"])
    # when
    html = client.get(reverse("dossiers:list")).content.decode()
    # then
    assert 'class="due due-overdue">Quá hạn<' in html


def test_search_answers_htmx_with_the_results_only(client, setup):
    # given
    accepted_dossier(setup)
    login(client, setup["officer"])
    # when
    response = client.get(reverse("dossiers:list"), {"q": "Lan"}, headers={"HX-Request": "true"})
    # then
    html = response.content.decode()
    assert "<html" not in html and "Tìm thấy 1 hồ sơ" in html
    assert "HX-Request" in response["Vary"]


def test_search_paginates_by_25_without_a_query_per_row(client, setup, django_assert_max_num_queries):
    # given 30 dossiers in process
    processing(setup, 30)
    login(client, setup["officer"])
    # when
    with django_assert_max_num_queries(15), time_machine.travel("2025-03-05 09:00 +07:00", tick=False):
        response = client.get(reverse("dossiers:list"))
    # then
    assert len(response.context["page"].object_list) == 25
    assert "Trang 1/2" in response.content.decode()
    assert len(client.get(reverse("dossiers:list"), {"page": 2}).context["page"].object_list) == 5


def test_search_hides_dossiers_of_other_units(client, setup):
    # given
    accepted_dossier(setup)
    stranger = MembershipFactory(role=Role.AGENCY_HEAD).user
    login(client, stranger)
    # when
    response = client.get(reverse("dossiers:list"))
    # then
    assert response.context["page"].paginator.count == 0


# --- my queue ---------------------------------------------------------------------------------


def test_my_queue_orders_by_step_due_time(client, setup):
    # given a dossier transferred later (its step is due later) and one transferred earlier
    later = processing(setup, 1)[0]
    earlier = accepted_dossier(setup)
    with time_machine.travel("2025-03-03 14:00 +07:00", tick=False):
        services.dossier_transfer(code=earlier.code, actor=setup["head"])
        services.dossier_assign(code=earlier.code, actor=setup["head"], assignee=setup["officer"])
    login(client, setup["officer"])
    # when
    with time_machine.travel("2025-03-05 09:00 +07:00", tick=False):
        response = client.get(reverse("dossiers:my_queue"))
    # then
    items = list(response.context["page"].object_list)
    assert [i.dossier.code for i in items] == [earlier.code, later.code]
    assert items[0].step.due_at < items[1].step.due_at


def test_my_queue_marks_with_words_and_classes(client, setup):
    # given one dossier; its step is due on 12/3 09:00
    processing(setup, 1)
    login(client, setup["officer"])
    # when / then: in time, due soon, overdue
    with time_machine.travel("2025-03-05 09:00 +07:00", tick=False):
        html = client.get(reverse("dossiers:my_queue")).content.decode()
    assert '<tr class="due-in-time">' in html and "Trong hạn" in html
    with time_machine.travel("2025-03-11 14:00 +07:00", tick=False):
        html = client.get(reverse("dossiers:my_queue")).content.decode()
    assert '<tr class="due-soon">' in html and "Sắp đến hạn" in html
    with time_machine.travel("2025-03-12 10:00 +07:00", tick=False):
        html = client.get(reverse("dossiers:my_queue")).content.decode()
    assert '<tr class="due-overdue">' in html and "Quá hạn" in html


def test_my_queue_of_30_dossiers_has_a_bounded_query_count(client, setup, django_assert_max_num_queries):
    # given
    processing(setup, 30)
    login(client, setup["officer"])
    # when
    with django_assert_max_num_queries(15), time_machine.travel("2025-03-05 09:00 +07:00", tick=False):
        response = client.get(reverse("dossiers:my_queue"))
    # then
    assert len(response.context["page"].object_list) == 25


# --- unit queue -------------------------------------------------------------------------------


def test_unit_queue_is_for_heads(client, setup):
    # when
    response = login(client, setup["officer"]).get(reverse("dossiers:unit_queue"))
    # then
    assert response.status_code == 403


def test_unit_queue_lists_unassigned_first_with_assign_and_transfer_forms(client, setup):
    # given one assigned, one unassigned, and one not yet transferred
    assigned = processing(setup, 1)[0]
    free = processing(setup, 1, assign=False, start_day=5)[0]
    waiting = accepted_dossier(setup, at="2025-03-06 09:00 +07:00")
    login(client, setup["head"])
    # when
    response = client.get(reverse("dossiers:unit_queue"))
    # then
    html = response.content.decode()
    codes = [row["item"].dossier.code for row in response.context["rows"]]
    assert codes == [free.code, waiting.code, assigned.code]
    assert reverse("dossiers:action", args=[waiting.code, "transfer"]) in html
    assert reverse("dossiers:action", args=[free.code, "assign"]) in html
    assert setup["officer"].full_name in html


def test_assigning_from_the_unit_queue_returns_to_it(client, setup):
    # given
    free = processing(setup, 1, assign=False)[0]
    login(client, setup["head"])
    queue = reverse("dossiers:unit_queue")
    # when
    with time_machine.travel(DAY_AFTER, tick=False):
        response = client.post(
            reverse("dossiers:action", args=[free.code, "assign"]),
            {"assign-assignee": setup["officer"].pk, "next": queue},
        )
    # then
    assert response.status_code == 302 and response.url == queue
    assert Dossier.objects.get(pk=free.pk).current_step.assignee == setup["officer"]


def test_an_unsafe_next_address_is_ignored(client, setup):
    # given
    free = processing(setup, 1, assign=False)[0]
    login(client, setup["head"])
    # when
    with time_machine.travel(DAY_AFTER, tick=False):
        response = client.post(
            reverse("dossiers:action", args=[free.code, "assign"]),
            {"assign-assignee": setup["officer"].pk, "next": "https://evil.example/"},
        )
    # then
    assert response.url == reverse("dossiers:detail", args=[free.code])


def test_unit_queue_of_30_dossiers_has_a_bounded_query_count(client, setup, django_assert_max_num_queries):
    # given
    processing(setup, 30, assign=False)
    login(client, setup["head"])
    # when
    with django_assert_max_num_queries(20), time_machine.travel("2025-03-05 09:00 +07:00", tick=False):
        response = client.get(reverse("dossiers:unit_queue"))
    # then
    assert len(response.context["rows"]) == 25


# --- return desk ------------------------------------------------------------------------------


def test_return_desk_lists_done_dossiers_and_delivers(client, setup):
    # given
    done = processing(setup, 1)[0]
    with time_machine.travel("2025-03-07 09:00 +07:00", tick=False):
        services.dossier_decide(code=done.code, actor=setup["officer"], outcome="approved", summary="Cấp phép")
    open_one = processing(setup, 1, start_day=5)[0]
    login(client, setup["reception"])
    desk = reverse("dossiers:return_desk")
    # when
    html = client.get(desk).content.decode()
    # then
    assert done.code in html and open_one.code not in html
    # when
    with time_machine.travel("2025-03-07 10:00 +07:00", tick=False):
        response = client.post(
            reverse("dossiers:action", args=[done.code, "deliver"]), {"deliver-method": "counter", "next": desk}
        )
    # then
    assert response.url == desk
    assert Dossier.objects.get(pk=done.pk).state == State.DELIVERED
    assert done.code not in client.get(desk).content.decode()


def test_return_desk_of_30_results_has_a_bounded_query_count(client, setup, django_assert_max_num_queries):
    # given
    for dossier in processing(setup, 30):
        with time_machine.travel("2025-03-07 09:00 +07:00", tick=False):
            services.dossier_decide(code=dossier.code, actor=setup["officer"], outcome="approved", summary="Cấp")
    login(client, setup["reception"])
    # when
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dossiers:return_desk"))
    # then
    assert len(response.context["rows"]) == 25


# --- ledger -----------------------------------------------------------------------------------


def test_ledger_shows_the_period_and_downloads_as_xlsx(client, setup):
    # given
    dossier = accepted_dossier(setup)
    login(client, setup["reception"])
    # when
    response = client.get(reverse("dossiers:ledger"), {"from": "2025-03-01", "to": "2025-03-31"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert dossier.code in html and "Nguyễn Thị Lan" in html and "Từ ngày 01/03/2025 đến ngày 31/03/2025" in html
    # when
    download = client.get(reverse("dossiers:ledger_xlsx"), {"from": "2025-03-01", "to": "2025-03-31"})
    # then
    assert download["Content-Disposition"] == 'attachment; filename="so-theo-doi-20250301-20250331.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert any(dossier.code in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def test_ledger_excludes_other_periods(client, setup):
    # given
    dossier = accepted_dossier(setup)
    login(client, setup["reception"])
    # when
    html = client.get(reverse("dossiers:ledger"), {"from": "2025-04-01", "to": "2025-04-30"}).content.decode()
    # then
    assert dossier.code not in html


def test_ledger_is_refused_to_a_processing_officer(client, setup):
    # when
    response = login(client, setup["officer"]).get(reverse("dossiers:ledger"))
    # then
    assert response.status_code == 403


def test_unit_queue_links_a_drafted_apology_to_its_approval(client, setup):
    # given
    dossier = processing(setup, 1)[0]
    with time_machine.travel(DAY_AFTER, tick=False):
        services.dossier_draft_apology(
            code=dossier.code,
            actor=setup["officer"],
            cause="workload",
            reason="Nhiều hồ sơ",
            responsible_unit=setup["commune"],
            new_appointment_at=dossier.current_appointment_at + timedelta(days=7),
        )
    login(client, setup["head"])
    # when
    html = client.get(reverse("dossiers:unit_queue")).content.decode()
    # then
    assert "Duyệt văn bản xin lỗi" in html
    assert f"{reverse('dossiers:detail', args=[dossier.code])}?thao_tac=approve_apology" in html
