"""Statistics of a simulated world, to check at a glance that it looks like Kazakhstan's."""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kuzet import reference

__all__ = ["WorldStatistics", "stats_markdown", "stats_table"]

ELDERLY_AGE = 60


@dataclass(slots=True)
class WorldStatistics:
    """Running counters, filled while the world is generated (no second pass over the files)."""

    seed: int = 0
    scale: str = ""
    schemes: Counter[str] = field(default_factory=Counter)
    reporter_schemes_correct: int = 0
    reporter_schemes_given: int = 0
    victim_regions: Counter[str] = field(default_factory=Counter)
    losses: array[int] = field(default_factory=lambda: array("q"))
    layers: Counter[int] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    report_kinds: Counter[str] = field(default_factory=Counter)
    victims: int = 0
    elderly_victims: int = 0
    young_victims: int = 0
    late_reports: int = 0
    golden_hour_reports: int = 0
    victim_reports: int = 0
    transfers: int = 0
    cashed_out_atm: int = 0
    cashed_out_crypto: int = 0
    remaining: int = 0
    partner_outcomes: Counter[str] = field(default_factory=Counter)
    hub_reports: Counter[str] = field(default_factory=Counter)
    hub_rings: dict[str, set[str]] = field(default_factory=dict)
    hub_roles: dict[str, str] = field(default_factory=dict)

    def note_hub(self, value: str, role: str, ring: str | None) -> None:
        """A report mentioned hub identifier ``value`` (in an incident of ``ring``, if any)."""
        self.hub_reports[value] += 1
        self.hub_roles[value] = role
        rings = self.hub_rings.setdefault(value, set())
        if ring is not None:
            rings.add(ring)

    def document(self) -> dict[str, Any]:
        """A JSON-able summary (written as stats.json, printed by ``--stats``)."""
        losses = sorted(self.losses)
        total_reports = sum(self.channels.values())
        incidents = sum(self.schemes.values())

        def quantile(share: float) -> int:
            return losses[min(len(losses) - 1, int(share * len(losses)))] if losses else 0

        def shares(counter: Counter[Any], total: int) -> dict[str, float]:
            ordered = sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))
            return {str(key): round(100 * count / max(total, 1), 1) for key, count in ordered}

        hubs = sorted(self.hub_reports, key=lambda value: (-self.hub_reports[value], value))
        victim_region_total = sum(self.victim_regions.values())
        return {
            "seed": self.seed,
            "scale": self.scale,
            "incidents": incidents,
            "reports": total_reports,
            "transfers": self.transfers,
            "scheme_mix_percent": shares(self.schemes, incidents),
            "reporter_scheme_accuracy_percent": round(
                100 * self.reporter_schemes_correct / max(self.reporter_schemes_given, 1), 1),
            "region_percent": shares(self.victim_regions, victim_region_total),
            "loss_kzt": {
                "incidents_with_loss": len(losses),
                "p10": quantile(0.1), "p25": quantile(0.25), "median": quantile(0.5),
                "p75": quantile(0.75), "p90": quantile(0.9), "p99": quantile(0.99),
                "mean": sum(losses) // max(len(losses), 1), "total": sum(losses),
            },
            "layers_histogram": {str(key): self.layers[key] for key in sorted(self.layers)},
            "channel_percent": shares(self.channels, total_reports),
            "language_percent": shares(self.languages, total_reports),
            "report_kind_percent": shares(self.report_kinds, total_reports),
            "elderly_victims_percent": round(100 * self.elderly_victims / max(self.victims, 1), 1),
            "young_victims_percent": round(100 * self.young_victims / max(self.victims, 1), 1),
            "late_victim_reports_percent": round(
                100 * self.late_reports / max(self.victim_reports, 1), 1),
            "golden_hour_victim_reports_percent": round(
                100 * self.golden_hour_reports / max(self.victim_reports, 1), 1),
            "money_kzt": {
                "cashed_out_atm": self.cashed_out_atm,
                "cashed_out_crypto": self.cashed_out_crypto,
                "still_in_accounts": self.remaining,
            },
            "partner_answers": dict(sorted(self.partner_outcomes.items())),
            "hub_identifiers": [
                {"value": value, "role": self.hub_roles[value], "reports": self.hub_reports[value],
                 "rings": len(self.hub_rings[value])}
                for value in hubs[:8]
            ],
        }  # fmt: skip


def _region_names() -> dict[str, str]:
    return {region.iso_code: region.name["en"] for region in reference.regions()}


def _rows(document: dict[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    names = _region_names()
    regions = list(document["region_percent"].items())
    loss = document["loss_kzt"]
    return [
        (
            "World",
            [
                ("seed / scale", f"{document['seed']} / {document['scale']}"),
                (
                    "incidents / reports / transfers",
                    " / ".join(
                        f"{document[key]:,}" for key in ("incidents", "reports", "transfers")
                    ),
                ),
            ],
        ),
        (
            "Scheme mix (% of incidents)",
            [(code, f"{share} %") for code, share in document["scheme_mix_percent"].items()],
        ),
        (
            "Regions, top 5 (% of victims)",
            [(f"{names.get(code, code)} ({code})", f"{share} %") for code, share in regions[:5]],
        ),
        (
            "Regions, bottom 3",
            [(f"{names.get(code, code)} ({code})", f"{share} %") for code, share in regions[-3:]],
        ),
        (
            "Loss per incident (KZT)",
            [
                (key, f"{loss[key]:,}".replace(",", " "))
                for key in ("p10", "p25", "median", "p75", "p90", "p99", "mean", "total")
            ],
        ),
        (
            "Mule layers per incident",
            [
                (f"{layers} layer(s)", f"{count:,}")
                for layers, count in document["layers_histogram"].items()
            ],
        ),
        (
            "Reports",
            [
                *[
                    (f"channel {key}", f"{value} %")
                    for key, value in document["channel_percent"].items()
                ],
                *[
                    (f"language {key}", f"{value} %")
                    for key, value in document["language_percent"].items()
                ],
                *[
                    (f"kind {key}", f"{value} %")
                    for key, value in document["report_kind_percent"].items()
                ],
                (
                    "victim reports later than 7 days",
                    f"{document['late_victim_reports_percent']} %",
                ),
                (
                    "victim reports within the golden hour",
                    f"{document['golden_hour_victim_reports_percent']} %",
                ),
                (
                    "scheme chosen by reporter is right",
                    f"{document['reporter_scheme_accuracy_percent']} %",
                ),
            ],
        ),
        (
            "Victims",
            [
                ("aged 60+", f"{document['elderly_victims_percent']} %"),
                ("aged 18-30", f"{document['young_victims_percent']} %"),
            ],
        ),
        (
            "Money (KZT)",
            [(key, f"{value:,}".replace(",", " ")) for key, value in document["money_kzt"].items()],
        ),
        (
            "Hub identifiers (reports / distinct rings)",
            [
                (f"{hub['role']} {hub['value']}", f"{hub['reports']} / {hub['rings']}")
                for hub in document["hub_identifiers"]
            ],
        ),
    ]


def stats_table(document: dict[str, Any]) -> str:
    """A plain-text table for the terminal."""
    lines: list[str] = []
    for title, rows in _rows(document):
        lines.append(title)
        width = max((len(label) for label, _ in rows), default=0)
        lines.extend(f"  {label.ljust(width)}  {value}" for label, value in rows)
        lines.append("")
    return "\n".join(lines)


def stats_markdown(document: dict[str, Any]) -> str:
    """The same figures as Markdown tables, for the README."""
    lines: list[str] = []
    for title, rows in _rows(document):
        lines += [f"**{title}**", "", "| | |", "|---|---:|"]
        lines += [f"| {label} | {value} |" for label, value in rows]
        lines.append("")
    return "\n".join(lines)
