"""Time of a question turn about shown products on a real catalog with MiniLM (the whole agent turn).

    OMP_NUM_THREADS=1 python -m evals.listing_latency [--cache-dir .sift/index] [--catalog in]

Each conversation searches, then asks three questions about the shown products. "after a pause": the
question comes once the background read of the shown listings is done (a shopper reads and types for
seconds); "at once": it comes immediately, and the first one waits for that read. Medians over
conversations and runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from evals.listing_eval import CATALOGS, data_dir

SEARCHES = ["boat earbuds", "5g phone", "power bank", "smartwatch", "usb c cable", "bluetooth speaker",
            "gaming mouse", "room heater"]
QUESTIONS = ["is the second one waterproof?", "does the first one come with a charger?",
             "how long does the battery last on the third one?"]


PAUSE_S = 1.5  # a shopper reads the list and types the question: the background read has this long


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--catalog", default="in", choices=sorted(CATALOGS))
    ap.add_argument("--cache-dir", default=".sift/index")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    from agent.assistant import Assistant  # lazy: LangChain and torch load only for the benchmark
    from evals.conversation_eval import rule_extractor
    from retrieval.store import BuildOptions, open_engine

    engine = open_engine(data_dir() / CATALOGS[args.catalog], Path(args.cache_dir), BuildOptions(show_progress=False))
    paused: list[float] = []
    at_once: list[float] = []
    first_at_once: list[float] = []
    for run in range(args.runs):
        for mode, bucket in (("pause", paused), ("now", at_once)):
            assistant = Assistant(engine, rule_extractor(engine))  # new tools: nothing read yet
            for i, search in enumerate(SEARCHES):
                cid = f"{run}-{i}-{mode}"
                assistant.turn(cid, search)
                for j, q in enumerate(QUESTIONS):
                    if mode == "pause":
                        time.sleep(PAUSE_S)
                    t0 = time.perf_counter()
                    assistant.turn(cid, q)
                    ms = (time.perf_counter() - t0) * 1000
                    bucket.append(ms)
                    if mode == "now" and j == 0:
                        first_at_once.append(ms)
    report = {"catalog_size": engine.size, "embedder": getattr(engine.embedder, "name", "?"),
              "question_turn_p50_ms_after_pause": round(statistics.median(paused), 1),
              "question_turn_p50_ms_at_once": round(statistics.median(at_once), 1),
              "first_question_p50_ms_at_once": round(statistics.median(first_at_once), 1), "turns": len(paused)}
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
