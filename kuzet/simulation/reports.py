"""Reports of the simulated world: victims' narratives, banks' and telecoms' structured reports,
noise, coordinated false reports, and partners' answers to hold requests.

:class:`ReportWriter` is the reporting half of the world generator; :mod:`kuzet.simulation.world`
holds the other half (population, rings, incidents) and inherits from it, so both share one state.
"""

from __future__ import annotations

import math
import random
from typing import Any

from kuzet import reference
from kuzet.simulation.calibration import (
    SCHEME_PROFILES,
    SIMULATED_PERIOD_END,
    SIMULATED_PERIOD_START,
    Scale,
)
from kuzet.simulation.formats import (
    amount_written,
    card_written,
    date_written,
    garble,
    handle_written,
    iban_written,
    iso_utc,
    phone_written,
    url_written,
    whatsapp_link,
)
from kuzet.simulation.money import MoneyPath
from kuzet.simulation.narratives import ITEMS, render_narrative
from kuzet.simulation.output import Sink
from kuzet.simulation.partners import PartnerProfile, answer_request
from kuzet.simulation.population import Catalogue, Person, PopulationFactory
from kuzet.simulation.rings import Ring
from kuzet.simulation.stats import WorldStatistics

__all__ = ["ReportWriter"]

DAY = 86_400
HOUR = 3_600
LATE_AFTER = 7 * DAY
Mention = dict[str, Any]
HUB_ROLES = frozenset({"bank_hotline", "marketplace_support", "payment_aggregator"})
UNRELATED_TEXTS = {
    "ru": ("Соседи шумят по ночам, примите меры.", "Потерял телефон в автобусе, прошу найти.",
           "Банк списал комиссию без предупреждения.", "Хочу узнать статус моего заявления.",
           "Мне приходит спам на почту.", "В подъезде сломан домофон."),
    "kk": ("Көршілер түнде шулайды.", "Автобуста телефонымды жоғалттым.",
           "Өтінішімнің мәртебесін білгім келеді."),
    "en": ("I lost my wallet in a taxi.", "I want to know the status of my application."),
}  # fmt: skip
FALSE_CAMPAIGN_TEXT = {
    "ru": "Этот человек мошенник, я перевела {amount} на счёт {iban} за товар, ничего не получила.",
    "kk": "Бұл адам алаяқ, мен {iban} шотына {amount} аудардым, тауар келмеді.",
    "en": "This person is a fraudster, I paid {amount} to {iban} and received nothing.",
}
RELATIONS = ("son", "daughter", "grandson", "granddaughter", "neighbour")


class ReportWriter:
    """Writes reports and partners' answers; the world generator supplies the state below."""

    sink: Sink
    scale: Scale
    catalogue: Catalogue
    population: PopulationFactory
    statistics: WorldStatistics
    rings: list[Ring]
    hotlines: dict[str, str]
    supports: dict[str, str]
    aggregators: list[str]
    innocents: list[Person]
    profiles: dict[str, PartnerProfile]
    report_count: int

    def person(self, person: Person, *, ring: str | None = None, role: str | None = None) -> None:
        """Write a person and their identifiers (implemented by the world generator)."""
        raise NotImplementedError

    def next_report_id(self) -> str:
        self.report_count += 1
        return f"RPT-{self.report_count:07d}"

    # Reports -------------------------------------------------------------------------------

    def victim_reports(
        self,
        rng: random.Random,
        incident_id: str,
        scheme: str,
        ring: Ring,
        victim: Person,
        contact_at: int,
        first_at: int,
        loss: int,
        path: MoneyPath | None,
        caller: str,
        mule_victim: Any,
    ) -> int | None:
        profile = SCHEME_PROFILES[scheme]
        if rng.random() >= profile.victim_report_rate:
            return None
        reporter = victim
        relation = "self"
        if victim.age >= 65 and rng.random() < 0.3:
            reporter = self.population.person(
                rng,
                kind="reporter",
                age=30 + int(rng.random() * 15),
                is_male=rng.random() < 0.5,
                region=victim.region,
            )
            self.person(reporter)
            relation = RELATIONS[int(rng.random() * len(RELATIONS))]
        if rng.random() < 0.09:
            delay = int((7 + rng.random() * 110) * DAY)
        else:
            delay = int(6 * HOUR * math.exp(rng.gauss(0.0, 1.6)))
        submitted_at = min(
            (path.payments[-1].at if path else first_at) + delay, SIMULATED_PERIOD_END - 1
        )
        statistics = self.statistics
        statistics.victim_reports += 1
        statistics.late_reports += delay > LATE_AFTER
        statistics.golden_hour_reports += delay <= HOUR
        report_id = self.report(
            rng,
            incident_id,
            scheme,
            ring,
            victim,
            reporter,
            relation,
            contact_at,
            loss,
            path,
            caller,
            mule_victim,
            submitted_at,
            None,
        )
        if rng.random() < 0.06:
            # The same person reports again (102 and e-Otinish, or a week later): a duplicate.
            statistics.victim_reports += 1
            again = min(
                submitted_at + int((1 + rng.random() * 120) * HOUR), SIMULATED_PERIOD_END - 1
            )
            self.report(
                rng,
                incident_id,
                scheme,
                ring,
                victim,
                reporter,
                relation,
                contact_at,
                loss,
                path,
                caller,
                mule_victim,
                again,
                report_id,
            )
        return submitted_at

    def mention(
        self,
        mentions: list[Mention],
        kind: str,
        value: str,
        written: str,
        role: str,
        ring: str | None,
        *,
        partial: bool = False,
        garbled: bool = False,
    ) -> None:
        mentions.append(
            {
                "type": kind,
                "value": value,
                "written": written,
                "role": role,
                "ring": ring,
                "partial": partial,
                "garbled": garbled,
            }
        )

    def report(
        self,
        rng: random.Random,
        incident_id: str,
        scheme: str,
        ring: Ring,
        victim: Person,
        reporter: Person,
        relation: str,
        contact_at: int,
        loss: int,
        path: MoneyPath | None,
        caller: str,
        mule_victim: Any,
        submitted_at: int,
        duplicate_of: str | None,
    ) -> str:
        report_id = self.next_report_id()
        language = reporter.language
        ring_id = ring.ring_id
        mentions: list[Mention] = []
        slots: dict[str, str] = {
            "date": date_written(rng, language, contact_at),
            "bank": self.catalogue.banks[victim.account.bank_code].brand,
            "item": ITEMS[language][int(rng.random() * len(ITEMS[language]))],
        }
        typo_rate = 0.0 if rng.random() < 0.4 else rng.random() * 0.08

        def add_phone(slot: str, value: str, role: str, owner: str | None) -> None:
            if rng.random() < 0.1:
                return  # "I do not remember the number"
            written = whatsapp_link(rng, value) if rng.random() < 0.1 else phone_written(rng, value)
            garbled = rng.random() < 0.05
            if garbled:
                written = garble(rng, written)
            slots[slot] = written
            self.mention(mentions, "phone", value, written, role, owner, garbled=garbled)

        if scheme == "sim_spoofing" and rng.random() < 0.6:
            hotline = self.hotlines[victim.account.bank_code]
            add_phone("hotline", hotline, "bank_hotline", None)
        add_phone("caller", caller, "caller_phone", ring_id)
        if scheme in ("fake_ad_prepayment", "investment_pyramid", "money_mule", "sextortion") or (
            rng.random() < 0.2
        ):
            handle = ring.handles.pick(rng, contact_at).value
            slots["handle"] = handle_written(rng, handle)
            self.mention(mentions, "messenger_handle", handle, slots["handle"], "handle", ring_id)
        if scheme in ("phishing", "investment_pyramid") or rng.random() < 0.05:
            domain = ring.domains.pick(rng, contact_at)
            path_text = ("login", "bonus", "pay", "verify", "egov/sign")[int(rng.random() * 5)]
            slots["url"] = url_written(rng, domain.written or domain.value, path_text)
            self.mention(mentions, "domain", domain.value, slots["url"], "phishing_domain", ring_id)
        if scheme == "messenger_takeover" and self.innocents:
            friend = self.innocents[int(rng.random() * len(self.innocents))]
            add_phone("friend", friend.phone, "hijacked_account_owner", None)
        if scheme == "org_attack":
            email = ring.emails[0].value
            wallet = ring.wallets[0].value
            slots["email"], slots["wallet"] = email, wallet
            self.mention(mentions, "email", email, email, "contact_email", ring_id)
            self.mention(mentions, "crypto_wallet", wallet, wallet, "cash_out_wallet", ring_id)
        platform = ("OLX", "KASPIKZ", "KRISHA", "KOLESA")[int(rng.random() * 4)]
        slots["platform"] = {"OLX": "OLX", "KASPIKZ": "Kaspi.kz", "KRISHA": "Krisha.kz",
                             "KOLESA": "Kolesa.kz"}[platform]  # fmt: skip
        extras: list[str] = []
        own_card_value = mule_victim.account.card if mule_victim else victim.account.card
        own_role = "mule_account" if mule_victim else "victim_own"
        if mule_victim or rng.random() < 0.45:
            written, partial = card_written(rng, own_card_value)
            slots["own_card"] = written
            self.mention(
                mentions,
                "card",
                own_card_value,
                written,
                own_role,
                ring_id if mule_victim else None,
                partial=partial,
            )
            if not mule_victim:
                extras.append("own_card")
        if scheme == "loan_in_victim_name" and rng.random() < 0.5 or rng.random() < 0.05:
            slots["iin"] = victim.iin
            self.mention(mentions, "iin", victim.iin, victim.iin, "victim_own", None)
            if scheme != "loan_in_victim_name":
                extras.append("own_iin")
        if scheme in ("fake_bank_security", "phishing", "sim_spoofing") and rng.random() < 0.35:
            hotline = self.hotlines[victim.account.bank_code]
            add_phone("hotline", hotline, "bank_hotline", None)
            if "hotline" in slots:
                extras.append("hotline")
        if scheme == "fake_ad_prepayment" and rng.random() < 0.3:
            support = self.supports[platform]
            add_phone("support", support, "marketplace_support", None)
            if "support" in slots:
                extras.append("support")
        if scheme == "fake_ad_prepayment" and rng.random() < 0.25:
            aggregator = self.aggregators[int(rng.random() * len(self.aggregators))]
            slots["aggregator"] = iban_written(rng, aggregator)
            self.mention(
                mentions, "iban", aggregator, slots["aggregator"], "payment_aggregator", None
            )
            extras.append("aggregator")
        if self.innocents and rng.random() < 0.03:
            # A detail named by mistake: an earlier, legitimate payment to a bystander.
            innocent = self.innocents[int(rng.random() * len(self.innocents))]
            if rng.random() < 0.5:
                written, partial = card_written(rng, innocent.account.card)
                kind, value = "card", innocent.account.card
            else:
                written, partial = iban_written(rng, innocent.account.iban), False
                kind, value = "iban", innocent.account.iban
            slots["innocent"] = written
            self.mention(
                mentions, kind, value, written, "innocent_named_by_mistake", None, partial=partial
            )
            extras.append("innocent")
        payments: list[tuple[str, dict[str, str]]] = []
        if path is not None:
            stated_total = loss
            seen: set[str] = set()
            for payment in path.payments[:3]:
                if payment.value in seen or rng.random() < 0.08:
                    continue
                seen.add(payment.value)
                amount = amount_written(rng, language, payment.amount)
                if payment.via == "card":
                    written, partial = card_written(rng, payment.value)
                elif payment.via == "iban":
                    written, partial = iban_written(rng, payment.value), False
                else:
                    written, partial = phone_written(rng, payment.value), False
                garbled = rng.random() < 0.04
                if garbled:
                    written = garble(rng, written)
                role = "mule_phone" if payment.via == "phone" else "mule_account"
                self.mention(
                    mentions,
                    payment.via,
                    payment.value,
                    written,
                    role,
                    ring_id,
                    partial=partial,
                    garbled=garbled,
                )
                payments.append((f"payment_{payment.via}", {"account": written, "amount": amount}))
            if len(path.payments) > 1 or not payments:
                if rng.random() < 0.2:
                    stated_total = round(loss, -4) or loss
                payments.append(
                    ("payment_vague", {"amount": amount_written(rng, language, stated_total)})
                )
        elif scheme == "money_mule":
            slots.setdefault("own_card", card_written(rng, own_card_value)[0])
        if rng.random() < 0.35:
            extras.append("screenshot")
        narrative = render_narrative(rng, language, scheme, slots, payments, extras, typo_rate)
        # A sentence pool may have no sentence with a given slot: keep only what was written.
        mentions = [mention for mention in mentions if mention["written"] in narrative]
        for mention in mentions:
            if mention["role"] in HUB_ROLES:
                self.statistics.note_hub(mention["value"], mention["role"], ring_id)

        chosen_scheme: str | None = scheme
        draw = rng.random()
        if draw < 0.12:
            chosen_scheme = None
        elif draw < 0.25:
            chosen_scheme = self.catalogue.scheme_choice(rng)
        statistics = self.statistics
        if chosen_scheme is not None:
            statistics.reporter_schemes_given += 1
            statistics.reporter_schemes_correct += chosen_scheme == scheme
        attachments = []
        if "screenshot" in extras:
            attachments.append(
                {
                    "kind": "screenshot",
                    "description": "переписка / чек перевода"
                    if language != "en"
                    else "chat / transfer receipt",
                }
            )
        kind = "duplicate" if duplicate_of else "fraud"
        self.emit_report(report_id, "victim", language, submitted_at, victim.region,
                         chosen_scheme, {
                             "person": reporter.person_id, "name": reporter.full_name,
                             "phone": reporter.phone, "email": reporter.email,
                             "relation": relation,
                             "on_behalf_of": victim.person_id if reporter is not victim else None,
                         }, narrative, {
                             "stated_loss_kzt": loss if loss and rng.random() < 0.8 else None,
                             "attachments": attachments,
                         }, {
                             "kind": kind, "incident": incident_id, "ring": ring_id,
                             "scheme": scheme, "duplicate_of": duplicate_of, "campaign": None,
                             "mentions": mentions,
                         })  # fmt: skip
        return report_id

    def emit_report(
        self,
        report_id: str,
        channel: str,
        language: str,
        submitted_at: int,
        region: str | None,
        scheme: str | None,
        reporter: dict[str, Any],
        narrative: str,
        extra: dict[str, Any],
        truth: dict[str, Any],
    ) -> None:
        self.sink.write("reports.jsonl", {
            "id": report_id, "channel": channel, "language": language,
            "submitted_at": iso_utc(submitted_at), "region": region, "scheme": scheme,
            "reporter": reporter, "narrative": narrative, **extra, "synthetic": True,
        })  # fmt: skip
        self.sink.write("ground_truth/reports.jsonl", {"report": report_id, **truth})
        statistics = self.statistics
        statistics.channels[channel] += 1
        statistics.languages[language] += 1
        statistics.report_kinds[truth["kind"]] += 1

    def bank_report(
        self,
        rng: random.Random,
        incident_id: str,
        scheme: str,
        ring: Ring,
        victim: Person,
        path: MoneyPath,
    ) -> int:
        """The victim's bank reports its client's outgoing payments (structured, fast)."""
        submitted_at = min(
            path.payments[0].at + int(HOUR * math.exp(rng.gauss(0.0, 1.2))),
            SIMULATED_PERIOD_END - 1,
        )
        report_id = self.next_report_id()
        transactions = []
        mentions: list[Mention] = [
            {
                "type": "iban",
                "value": victim.account.iban,
                "written": victim.account.iban,
                "role": "victim_own",
                "ring": None,
                "partial": False,
                "garbled": False,
            }
        ]
        outgoing = [
            t for t in path.transfers if t["layer"] == 0 and t["kind"] != "loan_disbursement"
        ]
        for transfer in outgoing:
            transactions.append({
                "reference": transfer["id"], "at": transfer["at"],
                "amount_kzt": transfer["amount_kzt"], "from_iban": victim.account.iban,
                "to_type": transfer["via"], "to_value": transfer["via_value"],
                "to_bank": transfer["to_bank"],
            })  # fmt: skip
            role = "mule_phone" if transfer["via"] == "phone" else "mule_account"
            mentions.append(
                {
                    "type": transfer["via"],
                    "value": transfer["via_value"],
                    "written": transfer["via_value"],
                    "role": role,
                    "ring": ring.ring_id,
                    "partial": False,
                    "garbled": False,
                }
            )
        detection = "client_complaint" if rng.random() < 0.7 else "antifraud_rule"
        self.emit_report(report_id, "bank", "ru", submitted_at, victim.region,
                         scheme if rng.random() < 0.5 else None,
                         {"organisation": victim.account.bank_code, "kind": "bank"},
                         "Клиент сообщил о мошеннических операциях." if detection ==
                         "client_complaint" else "Операции выявлены антифрод-системой банка.",
                         {"detection": detection,
                          "client": {"person": victim.person_id, "iin": victim.iin,
                                     "iban": victim.account.iban},
                          "transactions": transactions},
                         {"kind": "fraud", "incident": incident_id, "ring": ring.ring_id,
                          "scheme": scheme, "duplicate_of": None, "campaign": None,
                          "mentions": mentions})  # fmt: skip
        return submitted_at

    def unrelated_report(self, rng: random.Random) -> None:
        """Reports that are not about fraud at all (noise every intake receives)."""
        person = self.population.person(
            rng, kind="reporter", age=20 + int(rng.random() * 55), is_male=rng.random() < 0.5
        )
        self.person(person)
        texts = UNRELATED_TEXTS[person.language]
        submitted_at = SIMULATED_PERIOD_START + int(rng.random() * (365 * DAY - 1))
        self.emit_report(self.next_report_id(), "victim", person.language, submitted_at,
                         person.region, self.catalogue.scheme_choice(rng) if rng.random() < 0.3
                         else None,
                         {"person": person.person_id, "name": person.full_name,
                          "phone": person.phone, "email": person.email, "relation": "self",
                          "on_behalf_of": None},
                         texts[int(rng.random() * len(texts))],
                         {"stated_loss_kzt": None, "attachments": []},
                         {"kind": "unrelated", "incident": None, "ring": None, "scheme": None,
                          "duplicate_of": None, "campaign": None, "mentions": []})  # fmt: skip

    def partner_answer(
        self, rng: random.Random, incident_id: str, path: MoneyPath, reported_at: int
    ) -> None:
        """A hold request to the first mule account's bank, answered per the bank's profile.

        Whether money is "already gone" follows from the true money path at execution time.
        """
        flow = path.flows[0]
        profile = self.profiles.get(flow.bank)
        if profile is None:
            return
        requested_at = reported_at + int(HOUR * math.exp(rng.gauss(0.0, 1.0)))
        acknowledged_at, executed_at, rejected, duplicated, out_of_order = answer_request(
            rng, profile, requested_at
        )
        forwarded_before = 0
        for transfer in path.transfers:
            if transfer["from_account"] == flow.iban and str(transfer["at"]) <= iso_utc(
                executed_at
            ):
                forwarded_before += int(transfer["amount_kzt"])  # type: ignore[call-overload]
        available = max(0, flow.received - forwarded_before)
        if rejected:
            outcome, held = "rejected", 0
        elif available <= 0:
            outcome, held = "money_gone", 0
        else:
            outcome, held = "held", available
        self.statistics.partner_outcomes[outcome] += 1
        answer = {
            "kind": "answer", "partner": flow.bank, "incident": incident_id,
            "account": flow.iban, "requested_at": iso_utc(requested_at),
            "acknowledged_at": iso_utc(acknowledged_at), "executed_at": iso_utc(executed_at),
            "outcome": outcome, "held_kzt": held, "duplicate": False,
            "out_of_order": out_of_order,
        }  # fmt: skip
        self.sink.write("partner_behaviour.jsonl", answer)
        if duplicated:
            self.sink.write("partner_behaviour.jsonl", {**answer, "duplicate": True})

    # Ring-level and campaign reports --------------------------------------------------------

    def telecom_reports(self, rng: random.Random) -> None:
        """Operators report numbers with mass-calling patterns (SIM-boxes), once a month."""
        for ring in self.rings:
            month_start = ring.active_from
            while month_start < ring.active_to:
                if rng.random() < min(0.9, ring.expected_incidents / 60):
                    numbers = [
                        ring.phones.pick(rng, month_start + int(rng.random() * 30 * DAY))
                        for _ in range(1 + int(rng.random() * 4))
                    ]
                    prefix = numbers[0].value[2:5]
                    operator = reference.operator_by_prefix(prefix)
                    operator_code = operator.code if operator else "UNKNOWN"
                    submitted_at = min(
                        month_start + 30 * DAY + int(rng.random() * 5 * DAY),
                        SIMULATED_PERIOD_END - 1,
                    )
                    device = ring.devices[0].value if ring.devices else None
                    listed = sorted({tool.value for tool in numbers})
                    mentions: list[Mention] = [
                        {"type": "phone", "value": value, "written": value, "role": "caller_phone",
                         "ring": ring.ring_id, "partial": False, "garbled": False}
                        for value in listed]  # fmt: skip
                    if device:
                        mentions.append(
                            {
                                "type": "imei",
                                "value": device,
                                "written": device,
                                "role": "sim_box_device",
                                "ring": ring.ring_id,
                                "partial": False,
                                "garbled": False,
                            }
                        )
                    self.emit_report(
                        self.next_report_id(), "telecom", "ru", submitted_at, None,
                        "sim_spoofing" if device else None,
                        {"organisation": operator_code, "kind": "telecom"},
                        "Выявлены номера с признаками массовых мошеннических вызовов.",
                        {"numbers": [{
                            "phone": value, "calls": 50 + int(rng.random() * 3000),
                            "distinct_called": 20 + int(rng.random() * 1500), "imei": device,
                        } for value in listed]},
                        {"kind": "fraud", "incident": None, "ring": ring.ring_id,
                         "scheme": None, "duplicate_of": None, "campaign": None,
                         "mentions": mentions})  # fmt: skip
                month_start += 30 * DAY

    def false_campaigns(self, rng: random.Random) -> None:
        """Coordinated false reports that all name one innocent person's IBAN."""
        for number in range(1, self.scale.false_campaigns + 1):
            campaign_id = f"CMP-{number:03d}"
            target = self.innocents[int(rng.random() * len(self.innocents))]
            start = SIMULATED_PERIOD_START + int(rng.random() * 330 * DAY)
            report_ids = []
            language = "ru" if rng.random() < 0.8 else "kk"
            for _ in range(self.scale.false_reports_per_campaign):
                person = self.population.person(
                    rng,
                    kind="false_reporter",
                    age=20 + int(rng.random() * 40),
                    is_male=rng.random() < 0.5,
                )
                self.person(person)
                written = iban_written(rng, target.account.iban)
                amount = amount_written(rng, language, (5 + int(rng.random() * 40)) * 1_000)
                report_id = self.next_report_id()
                report_ids.append(report_id)
                self.emit_report(
                    report_id, "victim", language, start + int(rng.random() * 48 * HOUR),
                    person.region, "fake_ad_prepayment",
                    {"person": person.person_id, "name": person.full_name, "phone": person.phone,
                     "email": person.email, "relation": "self", "on_behalf_of": None},
                    FALSE_CAMPAIGN_TEXT[language].format(iban=written, amount=amount),
                    {"stated_loss_kzt": None, "attachments": []},
                    {"kind": "false_report", "incident": None, "ring": None, "scheme": None,
                     "duplicate_of": None, "campaign": campaign_id,
                     "mentions": [{"type": "iban", "value": target.account.iban,
                                   "written": written, "role": "false_campaign_target",
                                   "ring": None, "partial": False, "garbled": False}]})  # fmt: skip
            self.sink.write(
                "ground_truth/campaigns.jsonl",
                {
                    "campaign": campaign_id,
                    "target_person": target.person_id,
                    "target_iban": target.account.iban,
                    "reports": report_ids,
                    "started_at": iso_utc(start),
                },
            )
