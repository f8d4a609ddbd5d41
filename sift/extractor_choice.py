"""Which filter extractor serves: the one decision behind `sift extract`, `sift chat`, the app and its HTTP API.

SIFT_EXTRACTOR (or `--model` where a command has it) names the extractor:

    auto (default)   the trained model in `<models_dir>/extractor`, but only when its `eval_extraction.json`
                     (written by `sift eval extraction --out`) shows it beat the rules on the real-phrasing
                     dev set (`evals/real_phrasing`) by more than chance (a one-sided sign test over the items
                     only one of the two gets right, p < 0.05; older reports without it: matched or beat them on
                     held-out synthetic phrasings); otherwise the rules. A weak model would make every answer
                     worse. The report lists the dev utterances where the two disagree, for a maintainer.
    rules            the rule extractor
    llm              the chat model of SIFT_LLM with structured output
    seq2seq          the trained model in `<models_dir>/extractor`, whatever its evaluation says
    PATH or hub id   that seq2seq model, whatever its evaluation says

Whichever model serves, the rule grammar reads every turn beside it (`extraction.shadow`): where the two disagree
and the model is unsure of its reading (confidence under the threshold its evaluation chose on dev), the grammar's
reading is served; each disagreement is one INFO line on the `extraction.shadow` logger, for a maintainer.

Every entry point says which extractor runs and why (`Choice.line()`), so nobody wonders why
`sift extract` and the chat window disagree:

    >>> decide(Settings(extractor="rules")).line()
    'extractor: rules (forced by SIFT_EXTRACTOR=rules)'
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .settings import Settings

if TYPE_CHECKING:
    from extraction.base import Extractor
    from extraction.vocabulary import Vocabulary

log = logging.getLogger(__name__)

LEARNED_CONFIG = "learned_config.json"  # the file `extraction.learned` folders hold (checked without importing torch)
TRAINED_SUBDIR = "extractor"  # `sift train extractor` writes here by default
JUDGE_SUBDIR = "subcategory_judge"  # `sift train subcategory-judge` writes here by default
EVAL_REPORT = "eval_extraction.json"  # beside the model: `sift eval extraction --out <model>/eval_extraction.json`
Kind = Literal["rules", "seq2seq", "llm"]


@dataclass(frozen=True)
class Decision:
    """Which extractor to build, and why, before anything is loaded."""

    kind: Kind
    reason: str
    model: str | None = None  # the seq2seq checkpoint (a folder or hub id) when kind == "seq2seq"
    # below this model confidence the grammar's reading is served (`extraction.shadow`); None = its default
    min_confidence: float | None = None

    def line(self) -> str:
        """One line for stderr or the log: `extractor: seq2seq models/extractor (forced by --model)`."""
        what = f"{self.kind} {self.model}" if self.model else self.kind
        return f"extractor: {what} ({self.reason})"


@dataclass(frozen=True)
class Choice(Decision):
    """A `Decision` with its extractor built."""

    extractor: Extractor | None = None


def trained_folder(settings: Settings) -> Path:
    return Path(settings.models_dir) / TRAINED_SUBDIR


def eval_command(folder: Path) -> str:
    return f"sift eval extraction --model {folder} --out {folder / EVAL_REPORT}"


def decide(settings: Settings, model: str | None = None) -> Decision:
    """The extractor that `settings` (and a command's `--model`) ask for; see the module docstring."""
    if model:
        return Decision("seq2seq", "forced by --model", str(model))
    choice = (settings.extractor or "auto").strip()
    if choice == "rules":
        return Decision("rules", "forced by SIFT_EXTRACTOR=rules")
    if choice == "llm":
        return Decision("llm", f"forced by SIFT_EXTRACTOR=llm; chat model SIFT_LLM={settings.llm or '(unset)'}")
    if choice == "seq2seq":
        return Decision("seq2seq", "forced by SIFT_EXTRACTOR=seq2seq", str(trained_folder(settings)))
    if choice != "auto":
        return Decision("seq2seq", f"forced by SIFT_EXTRACTOR={choice}", choice)
    return _auto(trained_folder(settings))


def _has_model(folder: Path) -> bool:
    # a Hugging Face seq2seq folder, or a learned (MiniLM + small decoder) one (`extraction.learned.CONFIG_FILE`)
    return (folder / "config.json").exists() or (folder / LEARNED_CONFIG).exists()


def _real_phrasing(report: dict[str, object], folder: Path) -> Decision | None:
    """The decision from the real-phrasing dev scores in the report, or None when the report has none.

    A report with a "cascade" column (the model as served: the grammar takes the turns the model is unsure of,
    `extraction.shadow`) is judged on that column, and its dev-chosen threshold is what serving uses."""
    scores = report.get("real_phrasing_dev")
    if not isinstance(scores, dict) or "seq2seq" not in scores or "rules" not in scores:
        return None
    served, listed, threshold, what = "seq2seq", "disagreements", None, "trained model"
    cascade = report.get("cascade")
    if "cascade" in scores and isinstance(cascade, dict) and "min_confidence" in cascade:
        served, listed, threshold = "cascade", "cascade_disagreements", float(cascade["min_confidence"])
        what = f"trained model (grammar serving under confidence {threshold:g})"
    model_em = float(scores[served]["exact_match"])
    rules_em = float(scores["rules"]["exact_match"])
    disagreements = scores.get(listed, [])
    scored = (f"{what} at {folder} scored {model_em:.3f} exact match vs rules {rules_em:.3f} on the "
              f"real-phrasing dev set ({len(disagreements)} disagreements listed in {folder / EVAL_REPORT})")
    if model_em <= rules_em:
        return Decision("rules", f"{scored}; using rules, SIFT_EXTRACTOR={folder} would force the model")
    wins = _paired_wins(disagreements)
    if wins is not None:
        won, lost = wins
        p = sign_test(won, lost)
        scored += f"; right where the other is wrong: model {won}, rules {lost} (sign test p={p:.2f})"
        if p >= SIGN_TEST_P:
            return Decision("rules", f"{scored}; a win this small is within chance on {won + lost} items, so the "
                                     f"rules stay; SIFT_EXTRACTOR={folder} would force the model")
    return Decision("seq2seq", scored, str(folder), threshold)


# The dev set is small (131 items): a model two items ahead of the rules is as likely a fluke as a better
# extractor, and serving it costs ~35 ms a turn. So a win must also pass a one-sided sign test over the
# items exactly one of the two gets right (McNemar's exact test).
SIGN_TEST_P = 0.05


def sign_test(won: int, lost: int) -> float:
    """One-sided exact sign test: P(at least `won` wins of `won + lost` fair coin flips)."""
    n = won + lost
    return sum(math.comb(n, k) for k in range(won, n + 1)) / 2 ** n if n else 1.0


def _paired_wins(items: object) -> tuple[int, int] | None:
    """(model right & rules wrong, rules right & model wrong) from the report's disagreements, if it has them."""
    if not isinstance(items, list) or not items or not all(
            isinstance(i, dict) and {"model", "rules", "gold"} <= i.keys() for i in items):
        return None
    won = sum(1 for i in items if i["model"] == i["gold"] != i["rules"])
    lost = sum(1 for i in items if i["rules"] == i["gold"] != i["model"])
    return won, lost


def _auto(folder: Path) -> Decision:
    """The trained model when its own evaluation shows it better than the rules, else the rules."""
    if not _has_model(folder):
        return Decision("rules", f"no trained model at {folder}")
    report_path = folder / EVAL_REPORT
    if not report_path.exists():
        return Decision("rules", f"no {EVAL_REPORT} next to the trained model at {folder}, so it is unproven; "
                                 f"run `{eval_command(folder)}`")
    try:
        report = json.loads(report_path.read_text())
        real = _real_phrasing(report, folder)
        if real is not None:
            return real
        scores = report["single_turn"]
        model_em = float(scores["seq2seq"]["exact_match"])
        rules_em = float(scores["rules"]["exact_match"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Decision("rules", f"{report_path} is unreadable ({type(exc).__name__}: {exc}); "
                                 f"run `{eval_command(folder)}` again")
    scored = (f"trained model at {folder} scored {model_em:.2f} exact match vs rules {rules_em:.2f} "
              f"on held-out phrasings")
    if model_em >= rules_em:
        return Decision("seq2seq", scored, str(folder))
    return Decision("rules", f"{scored}; using rules, SIFT_EXTRACTOR={folder} would force the model")


def _cascade_report(d: Decision) -> dict[str, object]:
    """The "cascade" part of the model's own evaluation report; empty when there is none (or it is unreadable)."""
    try:
        cascade = json.loads((Path(str(d.model)) / EVAL_REPORT).read_text())["cascade"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return cascade if isinstance(cascade, dict) else {}


def _threshold(d: Decision, cascade: dict[str, object]) -> tuple[float, ...]:
    """`Shadowed`'s min_confidence: the one the model's own evaluation chose on dev (auto), else the same from its
    report when a model is forced, else `Shadowed`'s default."""
    if d.min_confidence is not None:
        return (d.min_confidence,)
    try:
        return (float(cascade["min_confidence"]),)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return ()


def _judge_folder(cascade: dict[str, object], settings: Settings) -> str | None:
    """The subcategory judge served behind a model: the one its evaluation was scored with (so that `auto`'s
    choice holds for what is served; None: scored without one), else `<models dir>/subcategory_judge` for a
    model forced without an evaluation."""
    if "judge" in cascade:
        return str(cascade["judge"]) if cascade["judge"] else None
    return str(Path(settings.models_dir) / JUDGE_SUBDIR)


def choose_extractor(settings: Settings, vocab: Vocabulary, model: str | None = None,
                     embedder: object | None = None) -> Choice:
    """Decide (`decide`) and build the extractor, snapped to `vocab` (the catalog's values). `embedder`: the
    search index's loaded encoder, which a learned extractor's subcategory judge shares when it is the same model.

    Raises `ValueError` for SIFT_EXTRACTOR=llm without SIFT_LLM, `OSError` for a model that cannot be loaded.
    """
    d = decide(settings, model)
    if d.kind == "rules":
        # lazy: only the chosen extractor is imported (rules ~0.2 s)
        from extraction.rules import RuleExtractor

        extractor: Extractor = RuleExtractor(vocab)
    elif d.kind == "llm":
        if not settings.llm:
            raise ValueError("SIFT_EXTRACTOR=llm needs SIFT_LLM (e.g. openai:gpt-4o-mini); or use auto/rules")
        from agent.llm import make_chat_model  # lazy: LangChain's client stack (~1 s) only for the LLM
        from extraction.llm import LLMExtractor  # lazy: see above

        extractor = LLMExtractor(make_chat_model(settings.llm, settings.llm_base_url), vocab)
    else:
        if (Path(str(d.model)) / LEARNED_CONFIG).exists():
            from extraction.learned import LearnedExtractor  # lazy: torch + encoder, only for it

            extractor = LearnedExtractor.load(str(d.model), vocab=vocab)
        else:
            from extraction.seq2seq import Seq2SeqExtractor  # lazy: only the chosen extractor is imported

            extractor = Seq2SeqExtractor.load(str(d.model), vocab=vocab)
    if d.kind != "rules":
        from extraction.rules import RuleExtractor  # lazy: see above
        from extraction.shadow import Shadowed  # the grammar reads beside the model; disagreements are logged
        from extraction.subcategory_judge import Judged, judged  # its encoder loads on the first judged turn

        cascade = _cascade_report(d)  # read once: threshold and judge come from the same evaluation
        folder = _judge_folder(cascade, settings)
        grammar = RuleExtractor(vocab)
        extractor = judged(Shadowed(extractor, grammar, *_threshold(d, cascade)), folder, grammar, embedder)
        if isinstance(extractor, Judged):
            d = replace(d, reason=f"{d.reason}; subcategory judge {folder} behind it")
        elif cascade.get("judge"):
            log.warning("the model was evaluated with the subcategory judge %s, which is not there: serving without "
                        "it; `sift train subcategory-judge` makes one", folder)
    choice = Choice(d.kind, d.reason, d.model, d.min_confidence, extractor=extractor)
    log.info("%s", choice.line())
    return choice
