"""Reads behind the API's list endpoints, sized for one page."""

from __future__ import annotations

from coaching.models import Call, Prompt


def call_prompts_page(
    *, call: Call, audience: str, after: int, limit: int
) -> tuple[list[Prompt], bool]:
    """The call's prompts for ``audience`` with id > ``after``, oldest first; and whether more
    follow. One query."""
    rows = list(
        Prompt.objects.filter(call=call, audience=audience, id__gt=after)
        .select_related("detection")
        .order_by("id")[: limit + 1]
    )
    return rows[:limit], len(rows) > limit
