"""The rule grammar, one module per dimension; `registry.PARSERS` says in which order they read an utterance."""
