"""`python -m intents.corpus`: regenerate the train and held-out JSONL files (deterministic)."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from intents.corpus._generate import Row, build_corpus

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def write_jsonl(rows: list[Row], path: Path) -> None:
    """One JSON object per line, UTF-8, keys in a fixed order."""
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row.to_json(), ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intents.corpus", description=__doc__)
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="folder for the JSONL files")
    args = parser.parse_args(argv)
    rows = build_corpus()
    train = [row for row in rows if not row.held]
    heldout = [row for row in rows if row.held]
    args.out.mkdir(parents=True, exist_ok=True)
    write_jsonl(train, args.out / "train.jsonl")
    write_jsonl(heldout, args.out / "heldout.jsonl")
    kinds = Counter(row.family.split("/")[0] for row in rows)
    print(f"train {len(train)} rows, held-out {len(heldout)} rows → {args.out}")
    print("by kind:", dict(sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
