"""Every `sift` sub-command the shell wires must have a handler (`func`)."""

import argparse

from sift.cli import build_parser


def _leaves(parser: argparse.ArgumentParser, path=()):
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, child in subs[0].choices.items():
        yield from _leaves(child, path + (name,))


def test_every_command_has_a_handler():
    leaves = list(_leaves(build_parser()))
    assert len(leaves) >= 15
    missing = [" ".join(path) for path, p in leaves if p.get_default("func") is None]
    assert not missing, f"commands without a handler: {missing}"
    names = {" ".join(path) for path, _ in leaves}
    for cmd in ("search", "extract", "chat", "serve", "eval retrieval", "eval extraction", "eval conversations",
                "train extractor", "train embedder", "bench retrieval", "transcripts export", "catalog stats"):
        assert cmd in names
