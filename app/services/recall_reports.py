"""The recall reports of the catalogue: the recall / drill report, notification letters, the consignee list.

Each builder reads one case through the recall service (`load_recall`: the frozen scope, worklist,
signatures and KPIs) and returns the sections the framework renders (app/reports), so the letters and
lists carry the same report number, fingerprint and audit record as every other report. Wording comes
from the bilingual report words; DESIGN §4 (Recall), 医疗器械召回管理办法, 21 CFR 7.42 and 806.10.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import text

from app.db.uow import UnitOfWork
from app.errors import InvalidInput, NotFound
from app.reports.document import (
    ALERT,
    DATETIME,
    FLAG,
    INT,
    Cell,
    Chart,
    Column,
    Facts,
    Note,
    PageBreak,
    Retitled,
    Section,
    Table,
    format_datetime,
)
from app.reports.words import KIND_WORDS, vocabulary, word
from app.services.company import Company
from app.services.recalls import RecallCase, RecallKpis, drill_kpi_trend, load_recall

Words = Callable[..., str]
MEANINGS = {"initiated": ("Recall initiated", "召回启动"), "closed": ("Recall closed", "召回关闭")}
METHOD_WORDS = {"phone": ("phone", "电话"), "email": ("e-mail", "电子邮件"), "letter": ("letter", "信函"),
                "fax": ("fax", "传真"), "visit": ("visit", "上门"), "": ("", "")}
TREND_DRILLS = 12
MARK_OK, MARK_BAD = "✓", "✗"


def _words(language: str) -> Words:
    return lambda key, **values: word(language, key, **values)


def _case(uow: UnitOfWork, values: Mapping[str, object]) -> RecallCase:
    number = int(values["recall"])  # type: ignore[call-overload]
    try:
        return load_recall(uow, number)
    except NotFound:
        raise NotFound.of("recall.report_not_found", recall_id=number) from None


def _who_when(who: str | None, when: dt.datetime | None, zone: dt.tzinfo) -> str:
    if when is None:
        return ""
    return f"{who or ''} · {format_datetime(when, zone)}"


def _duration(seconds: float | None, w: Words) -> str:
    if seconds is None:
        return w("rc_not_yet")
    if seconds < 120:
        return w("rc_seconds", value=f"{seconds:.1f}")
    if seconds < 7200:
        return w("rc_minutes", value=f"{seconds / 60:.1f}")
    return w("rc_hours", value=f"{seconds / 3600:.1f}")


def _percent(value: float | None, w: Words) -> str:
    return w("rc_not_applicable") if value is None else f"{value:.1f} %"


# -- 1. the recall / drill report ---------------------------------------------------------------------


def recall_report(uow: UnitOfWork, values: Mapping[str, object], *, language: str, zone: dt.tzinfo,
                  **_context: object) -> Retitled:
    w = _words(language)
    case = _case(uow, values)
    drill = case.kind == "drill"
    sections: list[Section] = [_case_facts(case, w, zone)]
    if drill:
        sections.append(Note(w("rc_drill_hold_note")))
    sections.append(_deadlines(case, w))
    sections.append(Table(w("signatures"), (
        Column(w("meaning"), width=1.4), Column(w("printed_name"), width=1.6), Column(w("signer"), width=1.3),
        Column(w("signed_at"), DATETIME, 1.7)),
        [(MEANINGS.get(s.meaning, (s.meaning, s.meaning))[language == "zh_CN"], s.printed_name, s.signer,
          s.signed_at.astimezone(zone)) for s in case.signatures],
        count=len(case.signatures), empty=w("rc_signatures_none"), sheet=w("signatures")))
    lot_rows = [(lot.di, lot.lot_no, lot.product, {"start": w("rel_start"), "finished": w("rel_finished")}.get(
        lot.relation, lot.relation), lot.made, lot.on_hand, lot.shipped, lot.returned, lot.consumed, lot.scrapped,
        MARK_OK if lot.reconciled else MARK_BAD) for lot in case.lots]
    sections.append(Table(w("rc_lots"), (
        Column(w("di"), width=1.35), Column(w("lot_no"), width=0.9), Column(w("product_name"), width=1.9),
        Column(w("relation"), width=0.6), Column(w("rc_made"), INT, 0.6), Column(w("on_hand"), INT, 0.6),
        Column(w("shipped"), INT, 0.6), Column(w("returned"), INT, 0.6), Column(w("rc_consumed"), INT, 0.6),
        Column(w("rc_scrapped"), INT, 0.6), Column(w("rc_reconciled"), FLAG, 0.55, calm=(MARK_OK,))),
        lot_rows, count=len(lot_rows), sheet=w("rc_lots_list")))
    sections.append(Note(w("rc_balance_note")))
    if not case.consignees:
        sections.append(Note(w("rc_no_shipments"), ALERT))
    sections.append(_consignee_table(case, w, language, zone))
    sections.append(_containment(case, w))
    sections.append(Table(w("rc_checks"), (
        Column(w("rc_rank"), INT, 0.4), Column(w("party"), width=0.9), Column(w("name"), width=2),
        Column(w("rc_check_result"), FLAG, 1, calm=(w("rc_check_effective"), w("rc_check_pending"))),
        Column(w("rc_note"), width=1.6), Column(w("rc_checked"), width=2)),
        [(c.rank, c.party, c.name, w(f"rc_check_{c.result}") if c.result else w("rc_check_pending"), c.note,
          _who_when(c.checked_by, c.checked_at, zone)) for c in case.checks],
        count=len(case.checks), empty=w("rc_checks_none"), sheet=w("rc_checks").split(" (")[0].split("（")[0]))
    gaps = case.kpis.shown_gaps(language)
    sections.append(_kpi_facts(case.kpis, len(gaps), w))
    sections.append(Table(w("rc_gaps"), (Column(w("rc_gap"), width=1),), [(gap,) for gap in gaps],
                          count=len(gaps), empty=w("rc_gaps_none"), sheet=w("rc_gaps")))
    if case.outstanding and case.state != "closed":
        sections.append(Note(w("rc_outstanding", what=case.shown_outstanding(language)), ALERT))
    if drill:
        sections.extend(_trend(uow, w, zone))
    return Retitled(w("rc_title_drill" if drill else "rc_title_recall"), tuple(sections))


def _case_facts(case: RecallCase, w: Words, zone: dt.tzinfo) -> Facts:
    trigger = case.trigger
    items: list[tuple[str, Cell]] = [
        (w("rc_number"), str(case.id)),
        (w("rc_kind"), w("rc_kind_drill" if case.kind == "drill" else "rc_kind_recall")),
        (w("rc_level"), w("rc_level_value", cn=case.level_cn, fda=case.fda_class)),
        (w("rc_state"), w(f"rc_state_{case.state}") if case.state in ("open", "closed") else case.state),
        (w("rc_trigger"), w("rc_trigger_value", lot=trigger.get("lot", ""), di=trigger.get("di", ""))),
        (w("rc_reason"), case.reason),
        (w("rc_hazard"), case.health_hazard or "—"),
        (w("rc_opened"), _who_when(case.opened_by, case.opened_at, zone)),
    ]
    if case.closed_at is not None:
        items.append((w("rc_closed"), _who_when(case.closed_by, case.closed_at, zone)))
    if case.effectiveness_level:
        items.append((w("rc_effectiveness_level"), case.effectiveness_level))
    return Facts(w("rc_case"), tuple(items))


def _deadlines(case: RecallCase, w: Words) -> Table:
    today = case.now.date()
    closed = case.state == "closed"
    all_notified = bool(case.consignees) and case.notified == len(case.consignees)

    def status(overdue: bool, met: bool) -> str:
        return w("rc_met") if met else w("rc_overdue") if overdue else w("rc_pending")

    notify = status(case.notify_overdue, all_notified or not case.consignees)
    drill = case.kind == "drill"
    plan = w("rc_drill_deadline") if drill else status(not closed and today > case.plan_deadline, closed)
    fda = w("rc_drill_deadline") if drill else status(not closed and today > case.fda_report_deadline, closed)
    return Table(w("rc_deadlines"), (
        Column(w("rc_deadline"), width=1.6), Column(w("rc_basis"), width=2.2), Column(w("rc_due"), DATETIME, 1.4),
        Column(w("rc_deadline_status"), FLAG, 1, calm=(w("rc_met"), w("rc_pending"), w("rc_drill_deadline")))), (
        (w("rc_notify_all"), w("rc_basis_notify"), case.notify_deadline, notify),
        (w("rc_plan"), w("rc_basis_plan"), case.plan_deadline, plan),
        (w("rc_fda"), w("rc_basis_fda"), case.fda_report_deadline, fda),
    ), count=3, sheet=w("rc_deadlines"))


def _lots_of(case: RecallCase) -> dict[str, list[tuple[str, str, int]]]:
    by_party: dict[str, list[tuple[str, str, int]]] = {}
    for line in case.lines:
        by_party.setdefault(line.party, []).append((line.di, line.lot_no, line.shipped))
    return by_party


def _consignee_table(case: RecallCase, w: Words, language: str, zone: dt.tzinfo) -> Table:
    shipped = {party: sum(q for _di, _lot, q in lots) for party, lots in _lots_of(case).items()}
    rows = [(c.tier, c.party, c.name, vocabulary(KIND_WORDS, language, c.kind), shipped.get(c.party, 0),
             _notified(c.notified_at, c.method, zone, language), _who_when(None, c.acknowledged_at, zone).lstrip(" ·"),
             c.returned_in_case, c.remaining) for c in case.consignees]
    return Table(w("rc_consignees"), (
        Column(w("tier"), INT, 0.4), Column(w("party"), width=0.9), Column(w("name"), width=2),
        Column(w("kind"), width=0.8), Column(w("shipped"), INT, 0.6), Column(w("rc_notified"), width=1.7),
        Column(w("rc_acknowledged"), width=1.5), Column(w("rc_returned_case"), INT, 0.6),
        Column(w("rc_remaining"), INT, 0.6)),
        rows, count=len(rows), empty=w("rc_no_shipments"), sheet=w("rc_sheet_consignees"))


def _notified(at: dt.datetime | None, method: str | None, zone: dt.tzinfo, language: str) -> str:
    if at is None:
        return ""
    return f"{format_datetime(at, zone)} ({vocabulary(METHOD_WORDS, language, method or '')})"


def _containment(case: RecallCase, w: Words) -> Table:
    drill = case.kind == "drill"
    return Table(w("rc_would_hold" if drill else "rc_contained"), (
        Column(w("di"), width=1.4), Column(w("lot_no"), width=1), Column(w("rc_site"), width=1.2),
        Column(w("rc_held"), INT, 0.8)),
        [(c.di, c.lot_no, c.site, c.quantity) for c in case.contained], count=len(case.contained),
        empty=w("rc_nothing_held"), sheet=w("rc_would_hold" if drill else "rc_contained").split("：")[0][:31])


def _kpi_facts(kpis: RecallKpis, gaps: int, w: Words) -> Facts:
    return Facts(w("rc_kpis"), (
        (w("rc_kpi_identify"), _duration(kpis.time_to_identify_s, w)),
        (w("rc_kpi_contain"), _duration(kpis.time_to_contain_s, w)),
        (w("rc_kpi_notify"), _duration(kpis.time_to_notify_all_s, w)),
        (w("rc_kpi_reconciled"), _percent(kpis.quantity_reconciled_pct, w)),
        (w("rc_kpi_acknowledged"), _percent(kpis.consignees_acknowledged_pct, w)),
        (w("rc_kpi_gaps"), gaps),
    ))


def _trend(uow: UnitOfWork, w: Words, zone: dt.tzinfo) -> tuple[Chart, Chart, Table]:
    """The latest drills' KPIs: two charts (shares, times) over the drills in order, then the figures."""
    trend = drill_kpi_trend(uow, limit=TREND_DRILLS)
    rows = [(str(drill_id), opened.astimezone(zone), _seconds(k.time_to_identify_s), _seconds(k.time_to_contain_s),
             _seconds(k.time_to_notify_all_s), _percent(k.quantity_reconciled_pct, w),
             _percent(k.consignees_acknowledged_pct, w), len(k.data_gaps)) for drill_id, opened, k in trend]
    drills = tuple(f"#{drill_id} {opened.astimezone(zone):%m-%d}" for drill_id, opened, _ in trend)

    def minutes(value: float | None) -> float | None:
        return None if value is None else round(value / 60, 2)

    shares = Chart(w("rc_trend_shares"), drills, (
        (w("rc_reconciled_pct"), tuple(k.quantity_reconciled_pct for _, _, k in trend)),
        (w("rc_acknowledged_pct"), tuple(k.consignees_acknowledged_pct for _, _, k in trend))),
        category_title=w("rc_drill"), unit="%", value_max=100, sheet=w("rc_trend_shares")[:31])
    times = Chart(w("rc_trend_times"), drills, (
        (w("rc_identify_min"), tuple(minutes(k.time_to_identify_s) for _, _, k in trend)),
        (w("rc_contain_min"), tuple(minutes(k.time_to_contain_s) for _, _, k in trend)),
        (w("rc_notify_min"), tuple(minutes(k.time_to_notify_all_s) for _, _, k in trend))),
        category_title=w("rc_drill"), unit=w("rc_minutes_unit"), sheet=w("rc_trend_times")[:31])
    table = Table(w("rc_trend"), (
        Column(w("rc_drill"), width=0.6), Column(w("rc_opened_at"), DATETIME, 1.6),
        Column(w("rc_identify_s"), width=0.9), Column(w("rc_contain_s"), width=0.9),
        Column(w("rc_notify_s"), width=0.9), Column(w("rc_reconciled_pct"), width=0.9),
        Column(w("rc_acknowledged_pct"), width=0.9), Column(w("rc_gap_count"), INT, 0.7)),
        rows, count=len(rows), sheet=w("rc_trend")[:31])
    return shares, times, table


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


# -- 2. notification letters ----------------------------------------------------------------------------


def recall_letters(uow: UnitOfWork, values: Mapping[str, object], *, language: str, zone: dt.tzinfo,
                   company: str, profile: Company | None = None, **_context: object) -> tuple[Section, ...]:
    """One letter per consignee, each starting on a new page; `party` narrows them to one."""
    from app.services.reports import NothingToReport  # the framework's refusal (it imports this module)

    w = _words(language)
    case = _case(uow, values)
    wanted = str(values.get("party") or "").strip()
    consignees = [c for c in case.consignees if not wanted or c.party == wanted]
    if wanted and not consignees:
        raise InvalidInput.of("recall.party_not_consignee", party=wanted, recall_id=case.id)
    if not consignees:
        raise NothingToReport.of("recall.no_consignees", recall_id=case.id)
    ours = _our_contact(uow, case, company, profile, language, w)
    products = {lot.di: lot.product for lot in case.lots}
    level = w("rc_level_value", cn=case.level_cn, fda=case.fda_class)
    reply_by = format_datetime(case.notify_deadline, zone)
    lots_of = _lots_of(case)
    sections: list[Section] = []
    for index, consignee in enumerate(consignees):
        if index:
            sections.append(PageBreak())
        if case.kind == "drill":
            sections.append(Note(w("rl_drill_note"), ALERT))
        sections.append(Facts(w("rl_letter"), (
            (w("rl_to"), f"{consignee.name} ({consignee.party})"),
            (w("rc_address"), consignee.address or "—"),
            (w("rl_attention"), " · ".join(x for x in (consignee.contact, consignee.phone) if x) or "—"),
            (w("rc_number"), str(case.id)),
            (w("rc_level"), level),
        )))
        sections.append(Note(w("rl_opening", level=level)))
        shipped = [(products.get(di, ""), di, lot_no, quantity) for di, lot_no, quantity in lots_of[consignee.party]]
        sections.append(Table(w("rl_products"), (
            Column(w("product_name"), width=2.2), Column(w("di"), width=1.4), Column(w("lot_no"), width=1),
            Column(w("rl_shipped_to_you"), INT, 1)), shipped, count=len(shipped)))
        sections.append(Facts(w("rc_reason"), (
            (w("rc_reason"), case.reason), (w("rc_hazard"), case.health_hazard or "—"))))
        sections.append(Note(w("rl_action") + ": " + w("rl_action_text", deadline=reply_by), ALERT))
        sections.append(Facts(w("rl_contact"), ours))
        reply = [(di, lot_no, quantity, "", "") for di, lot_no, quantity in lots_of[consignee.party]]
        sections.append(Table(w("rl_reply", number=case.id), (
            Column(w("di"), width=1.4), Column(w("lot_no"), width=1), Column(w("rl_shipped_to_you"), INT, 1),
            Column(w("rl_on_hand_now"), width=1), Column(w("rl_returned_now"), width=1)), reply, count=len(reply)))
        sections.append(Facts(w("rl_reply_text"), (
            (w("rl_to"), f"{consignee.name} ({consignee.party})"),
            (w("rl_signature"), w("rl_blank")), (w("rl_date"), w("rl_blank")), (w("rl_stamp"), w("rl_blank")))))
    return tuple(sections)


def _our_contact(uow: UnitOfWork, case: RecallCase, company: str, profile: Company | None, language: str,
                 w: Words) -> tuple[tuple[str, Cell], ...]:
    """Who writes: the company profile's legal name (both languages), address, licence no. and registrant,
    the manufacturer site's contact, and the person who signed the opening of the case."""
    person = next((s.printed_name for s in case.signatures if s.meaning == "initiated"), case.opened_by)
    with uow:
        site = uow.session.execute(text(
            "SELECT contact, phone, address FROM party WHERE kind = 'manufacturer' ORDER BY id LIMIT 1")).first()
    contact, phone, address = site if site is not None else ("", "", "")
    if profile is None:
        return ((w("rl_company"), company), (w("rl_person"), person), (w("rc_contact"), contact or "—"),
                (w("rc_phone"), phone or "—"), (w("rc_address"), address or "—"))
    other = profile.other_name(language)
    return ((w("rl_company"), profile.name(language) + (f" ({other})" if other else "")),
            (w("rc_address"), profile.address or address or "—"),
            (word(language, "licence_no"), profile.licence_no or "—"),
            (word(language, "registrant"), profile.registrant or "—"),
            (w("rl_person"), person), (w("rc_contact"), contact or "—"), (w("rc_phone"), phone or "—"))


# -- 3. the consignee list for mail merge ------------------------------------------------------------------


def recall_consignee_list(uow: UnitOfWork, values: Mapping[str, object], *, language: str, zone: dt.tzinfo,
                          **_context: object) -> tuple[Section, ...]:
    w = _words(language)
    case = _case(uow, values)
    lots_of = _lots_of(case)
    rows: list[Sequence[Cell]] = []
    for c in case.consignees:
        lots = lots_of.get(c.party, [])
        rows.append((c.party, c.name, vocabulary(KIND_WORDS, language, c.kind), c.tier, c.contact, c.phone, c.address,
                     "; ".join(f"{lot_no} ({di})" for di, lot_no, _q in lots), sum(q for _d, _l, q in lots),
                     c.on_hand, _local(c.notified_at, zone), _local(c.acknowledged_at, zone), c.returned_in_case,
                     c.remaining))
    facts = Facts(w("rc_case"), (
        (w("rc_number"), str(case.id)),
        (w("rc_kind"), w("rc_kind_drill" if case.kind == "drill" else "rc_kind_recall")),
        (w("rc_level"), w("rc_level_value", cn=case.level_cn, fda=case.fda_class)),
        (w("rc_reason"), case.reason)))
    notes: tuple[Section, ...] = () if rows else (Note(w("rc_no_shipments"), ALERT),)
    return (facts, *notes, Table(w("rc_consignees"), (
        Column(w("party"), width=0.9), Column(w("name"), width=2), Column(w("kind"), width=0.8),
        Column(w("tier"), INT, 0.4), Column(w("rc_contact"), width=1), Column(w("rc_phone"), width=1),
        Column(w("rc_address"), width=2.4), Column(w("rc_lots_list"), width=2), Column(w("shipped"), INT, 0.6),
        Column(w("on_hand"), INT, 0.6), Column(w("rc_notified"), DATETIME, 1.5),
        Column(w("rc_acknowledged"), DATETIME, 1.5), Column(w("rc_returned_case"), INT, 0.6),
        Column(w("rc_remaining"), INT, 0.6)),
        rows, count=len(rows), empty=w("rc_no_shipments"), sheet=w("rc_sheet_consignees")))


def _local(moment: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(zone)


BUILDERS: dict[str, Callable[..., Any]] = {
    "recall": recall_report,
    "recall-letters": recall_letters,
    "recall-consignees": recall_consignee_list,
}
