"""The conversation state as the tools read it: the stored filters back as `Filters`.

The state itself (`agent.state.SiftState`) is plain JSON so checkpoints stay readable across versions;
both the tools and the agent turn its `filters` entry back into a `Filters` here.
"""

from __future__ import annotations

from typing import Any

from retrieval.filters import Filters, fit_limits


def filters_of(state: dict[str, Any]) -> Filters:
    """The state's filters as a `Filters` (an unreadable stored value becomes no constraint)."""
    try:
        # A state stored before the size limits existed may exceed them: fit it rather than lose it all.
        return Filters(**fit_limits(dict(state.get("filters") or {}))[0])
    except (ValueError, TypeError):
        return Filters()
