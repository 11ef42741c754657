"""Where stolen tenge go: out of the victim's account, through one to four layers of droppers'
accounts (split, merged, a fee kept at each hop), and out at ATMs or crypto exchangers.

Conservation holds per incident and account: what an account forwards, keeps as a fee, cashes out
and still holds equals what it received, so the sum out of every account never exceeds the sum in.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from kuzet.simulation.formats import iso_utc
from kuzet.simulation.population import Account
from kuzet.simulation.rings import MuleAccount, Ring

__all__ = ["AccountFlow", "MoneyPath", "Payment", "simulate_money", "split_amount"]

MINUTE = 60
ATM_WITHDRAWAL_LIMIT = 150_000  # per withdrawal [judgement]; droppers take cash in several goes


@dataclass(slots=True)
class AccountFlow:
    """One account's part in one incident: received, forwarded, fee kept, cashed out, left."""

    iban: str
    bank: str
    layer: int
    received: int = 0
    forwarded: int = 0
    fee_kept: int = 0
    cashed_out: int = 0
    last_received_at: int = 0
    receipts: list[str] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        """Still in the account when the world ends: what a timely hold could have kept."""
        return self.received - self.forwarded - self.cashed_out


@dataclass(slots=True)
class Payment:
    """A victim's payment as the victim saw it: the identifier they paid to, amount, time."""

    via: str  # card | iban | phone | wallet
    value: str
    amount: int
    at: int
    mule: MuleAccount | None


@dataclass(slots=True)
class MoneyPath:
    """Everything the money of one incident did."""

    transfers: list[dict[str, object]]
    flows: list[AccountFlow]
    payments: list[Payment]
    layers: int
    background: list[dict[str, object]] = field(default_factory=list)
    cashed_out_atm: int = 0
    cashed_out_crypto: int = 0
    last_at: int = 0


def split_amount(rng: random.Random, amount: int, parts: int) -> list[int]:
    """``amount`` in ``parts`` positive pieces, round thousands where possible, summing exactly."""
    if parts <= 1 or amount < parts * 1_000:
        return [amount]
    weights = [0.5 + rng.random() for _ in range(parts)]
    total = sum(weights)
    pieces = [max(1_000, int(amount * weight / total) // 1_000 * 1_000) for weight in weights[:-1]]
    rest = amount - sum(pieces)
    if rest <= 0:
        return [amount]
    return [*pieces, rest]


class TransferNumbers:
    """The world-wide transfer counter (ids are sequential in generation order)."""

    __slots__ = ("next",)

    def __init__(self) -> None:
        self.next = 1

    def take(self) -> str:
        number = self.next
        self.next += 1
        return f"TRF-{number:08d}"


def simulate_money(
    rng: random.Random,
    numbers: TransferNumbers,
    *,
    incident_id: str,
    ring: Ring,
    victim: Account,
    loss: int,
    first_at: int,
    layers: int,
    is_loan: bool,
    payments_count: int,
    payment_gap_minutes: float,
    exchangers: list[Account],
    bystanders: list[Account],
) -> MoneyPath:
    """Simulate the money path of one incident (``layers`` ≥ 1)."""
    transfers: list[dict[str, object]] = []
    flows: dict[str, AccountFlow] = {}
    payments: list[Payment] = []
    path = MoneyPath(transfers, [], payments, layers)

    def add(
        kind: str,
        layer: int,
        at: int,
        amount: int,
        source: Account | None,
        source_name: str,
        target: Account | None,
        via: str,
        via_value: str,
        parents: list[str],
        terminal: str | None = None,
    ) -> str:
        transfer_id = numbers.take()
        transfers.append({
            "id": transfer_id, "incident": incident_id, "layer": layer, "kind": kind,
            "at": iso_utc(at), "amount_kzt": amount,
            "from_account": source.iban if source else None,
            "from_bank": source.bank_code if source else source_name,
            "to_account": target.iban if target else None,
            "to_bank": target.bank_code if target else None,
            "via": via, "via_value": via_value, "terminal": terminal, "parents": parents,
        })  # fmt: skip
        return transfer_id

    at = first_at
    parents: list[str] = []
    if is_loan:
        # The loan lands in the victim's account first, then leaves it: layer 0 both ways.
        parents = [
            add(
                "loan_disbursement",
                0,
                at - 5 * MINUTE,
                loss,
                None,
                victim.bank_code,
                victim,
                "credit",
                victim.iban,
                [],
            )
        ]
    first_layer = ring.layers[0]
    distinct_targets = 1 if payments_count == 1 or rng.random() < 0.5 else 2
    targets = [first_layer.pick(rng, at) for _ in range(distinct_targets)]
    for index, amount in enumerate(split_amount(rng, loss, payments_count)):
        mule = targets[index % len(targets)]
        draw = rng.random()
        if draw < 0.5:
            via, value, kind = "card", mule.account.card, "card_transfer"
        elif draw < 0.8:
            via, value, kind = "phone", mule.holder.phone, "phone_transfer"
        else:
            via, value, kind = "iban", mule.account.iban, "account_transfer"
        transfer_id = add(kind, 0, at, amount, victim, "", mule.account, via, value, parents)
        flow = flows.get(mule.account.iban)
        if flow is None:
            flow = flows[mule.account.iban] = AccountFlow(
                mule.account.iban, mule.account.bank_code, 1
            )
        flow.received += amount
        flow.last_received_at = at
        flow.receipts.append(transfer_id)
        payments.append(Payment(via, value, amount, at, mule))
        at += int((1 + rng.random() * payment_gap_minutes) * MINUTE)

    current = list(flows.values())
    median_delay = ring.forwarding_minutes
    for layer in range(1, layers + 1):
        next_flows: dict[str, AccountFlow] = {}
        for flow in current:
            fee = int(flow.received * rng.random() * 0.05)
            flow.fee_kept = fee
            available = flow.received - fee
            departure = flow.last_received_at + int(
                median_delay * math.exp(rng.gauss(0.0, 0.9)) * MINUTE
            )
            source = Account(flow.iban, "", flow.bank, "")
            if layer == layers:
                _cash_out(rng, add, path, flow, source, available, departure, ring, exchangers)
                continue
            pool = ring.layers[layer]
            pieces = split_amount(rng, available, 1 + int(rng.random() * 3))
            for amount in pieces:
                mule = pool.pick(rng, departure)
                via = "card" if rng.random() < 0.6 else "iban"
                value = mule.account.card if via == "card" else mule.account.iban
                kind = "card_transfer" if via == "card" else "account_transfer"
                transfer_id = add(
                    kind,
                    layer,
                    departure,
                    amount,
                    source,
                    "",
                    mule.account,
                    via,
                    value,
                    list(flow.receipts),
                )
                flow.forwarded += amount
                target = next_flows.get(mule.account.iban)
                if target is None:
                    target = next_flows[mule.account.iban] = AccountFlow(
                        mule.account.iban, mule.account.bank_code, layer + 1
                    )
                target.received += amount
                target.last_received_at = max(target.last_received_at, departure)
                target.receipts.append(transfer_id)
                departure += int((0.5 + rng.random() * 4) * MINUTE)
            path.last_at = max(path.last_at, departure)
        path.flows.extend(current)
        current = list(next_flows.values())
    _background(rng, numbers, path, bystanders)
    return path


def _background(
    rng: random.Random, numbers: TransferNumbers, path: MoneyPath, bystanders: list[Account]
) -> None:
    """Ordinary payments into droppers' accounts (wages, friends, shops): droppers are real
    people with real account activity, which a money-path tracer must not mistake for loot."""
    if not bystanders:
        return
    for flow in path.flows:
        for _ in range(int(rng.random() * 3.2)):
            source = bystanders[int(rng.random() * len(bystanders))]
            at = flow.last_received_at - int(rng.random() * 20 * 86_400)
            path.background.append({
                "id": numbers.take(), "incident": None, "layer": None, "kind": "ordinary_payment",
                "at": iso_utc(at), "amount_kzt": 1_000 * (2 + int(rng.random() * 60)),
                "from_account": source.iban, "from_bank": source.bank_code,
                "to_account": flow.iban, "to_bank": flow.bank, "via": "card",
                "via_value": "", "terminal": None, "parents": [],
            })  # fmt: skip


def _cash_out(
    rng: random.Random,
    add: Callable[..., str],
    path: MoneyPath,
    flow: AccountFlow,
    source: Account,
    available: int,
    departure: int,
    ring: Ring,
    exchangers: list[Account],
) -> None:
    """The last layer: cash at ATMs, USDT via a P2P exchanger, or (sometimes) still there."""
    if rng.random() < 0.12:
        path.last_at = max(path.last_at, departure)
        return  # not yet withdrawn: the money a hold can still catch
    if rng.random() < ring.atm_share:
        withdrawals = min(8, math.ceil(available / ATM_WITHDRAWAL_LIMIT))
        amounts = split_amount(rng, available, withdrawals)
        for amount in amounts:
            terminal = f"ATM-{flow.bank}-{int(rng.random() * 5000):04d}"
            add(
                "atm_withdrawal",
                flow.layer,
                departure,
                amount,
                source,
                "",
                None,
                "cash",
                "",
                list(flow.receipts),
                terminal,
            )
            flow.cashed_out += amount
            path.cashed_out_atm += amount
            departure += int((2 + rng.random() * 30) * MINUTE)
    else:
        exchanger = exchangers[int(rng.random() * len(exchangers))]
        wallet = ring.wallets[int(rng.random() * len(ring.wallets))].value
        add(
            "crypto_purchase",
            flow.layer,
            departure,
            available,
            source,
            "",
            exchanger,
            "wallet",
            wallet,
            list(flow.receipts),
        )
        flow.cashed_out += available
        path.cashed_out_crypto += available
    path.last_at = max(path.last_at, departure)
