"""Where the world goes: JSON Lines files with running SHA-256 digests, or nowhere (stats only)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO, Any

__all__ = ["FILES", "Sink"]

# Every file a world consists of, in manifest order. Observable files are what kuzet would
# receive; the rest is the world's truth, which only evaluation commands may read.
FILES: dict[str, str] = {
    "reports.jsonl": "observable: reports from victims, banks and telecoms (what intake loads)",
    "partner_behaviour.jsonl": "observable: partners' answers to hold requests; profiles are truth",
    "persons.jsonl": "world: every synthetic person",
    "identifiers.jsonl": "world: every identifier and its holder",
    "rings.jsonl": "truth: fraud rings, members and infrastructure sizes",
    "incidents.jsonl": "truth: each incident's scheme, victim, ring and timeline",
    "transfers.jsonl": "truth: every transfer of stolen money, with its parents",
    "ground_truth/reports.jsonl": "truth: report → kind, incident, ring, mentioned identifiers",
    "ground_truth/identifiers.jsonl": "truth: identifier → ring, role, layer, hub, innocent",
    "ground_truth/persons.jsonl": "truth: person → kind, ring, role",
    "ground_truth/money_paths.jsonl": "truth: per incident and account, money in, out and left",
    "ground_truth/campaigns.jsonl": "truth: coordinated false-report campaigns",
}
FLUSH_EVERY = 4_096


class _File:
    __slots__ = ("buffer", "count", "digest", "handle")

    def __init__(self, handle: IO[bytes] | None) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.buffer: list[str] = []
        self.count = 0


class Sink:
    """Writes records as compact JSON Lines (UTF-8, no ASCII escaping, insertion-ordered keys).

    With ``directory=None`` nothing is written, but counts and digests are still kept, so the
    statistics of a world can be printed without disk.
    """

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.files: dict[str, _File] = {}
        self._encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        if directory is not None:
            (directory / "ground_truth").mkdir(parents=True, exist_ok=True)
        for name in FILES:
            handle = open(directory / name, "wb") if directory is not None else None  # noqa: SIM115
            self.files[name] = _File(handle)

    def write(self, name: str, record: dict[str, Any]) -> None:
        """Append one record to file ``name``."""
        file = self.files[name]
        file.buffer.append(self._encode(record))
        file.count += 1
        if len(file.buffer) >= FLUSH_EVERY:
            self._flush(file)

    def _flush(self, file: _File) -> None:
        if not file.buffer:
            return
        data = ("\n".join(file.buffer) + "\n").encode("utf-8")
        file.buffer.clear()
        file.digest.update(data)
        if file.handle is not None:
            file.handle.write(data)

    def close(self) -> dict[str, dict[str, object]]:
        """Flush and close every file; returns {name: {records, sha256, description}}."""
        summary: dict[str, dict[str, object]] = {}
        for name, file in self.files.items():
            self._flush(file)
            if file.handle is not None:
                file.handle.close()
            summary[name] = {
                "records": file.count,
                "sha256": file.digest.hexdigest(),
                "description": FILES[name],
            }
        return summary

    def write_json(self, name: str, document: dict[str, Any]) -> str:
        """A whole JSON document (manifest.json, stats.json), pretty; returns its SHA-256."""
        data = (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        if self.directory is not None:
            (self.directory / name).write_bytes(data)
        return hashlib.sha256(data).hexdigest()
