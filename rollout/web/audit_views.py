"""The audit log page: filters, before/after diffs, pagination, CSV export (streamed)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET

from config.roles import OPS_ADMIN, role_required
from rollout.models import Team
from rollout.web import selectors as web
from rollout.web.views import HtmxHttpRequest

PAGE_SIZE = 50
CSV_COLUMNS = [
    "created_at",
    "actor",
    "actor_type",
    "action",
    "object_type",
    "object_id",
    "team",
    "reason",
    "changed_keys",
    "before",
    "after",
]


def _date(value: str) -> date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


def _filters(request: HtmxHttpRequest) -> web.AuditFilters:
    g = request.GET
    return web.AuditFilters(
        team=g.get("team", "").strip(),
        actor=g.get("actor", "").strip(),
        action=g.get("action", "").strip(),
        since=_date(g.get("since", "")),
        until=_date(g.get("until", "")),
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(qs: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for e in qs.iterator(chunk_size=500):
        changed = [r.key for r in web.audit_diff(e) if r.changed]
        yield writer.writerow(
            [
                e.created_at.isoformat(),
                e.actor_label,
                e.actor_type,
                e.action,
                e.object_type,
                e.object_id,
                e.team.slug if e.team else "",
                e.reason,
                " ".join(changed),
                json.dumps(e.before, sort_keys=True),
                json.dumps(e.after, sort_keys=True),
            ]
        )


@require_GET
@role_required(OPS_ADMIN)
def audit_log(request: HtmxHttpRequest) -> HttpResponse:
    """Audit events filtered by team, actor, action and date range; ``?format=csv`` streams them."""
    filters = _filters(request)
    qs = web.audit_events(filters)
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(_csv_rows(qs), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="coachplane-audit.csv"'
        return response
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "page": page,
        "events": [(e, web.audit_diff(e)) for e in page.object_list],
        "filters": filters,
        "teams": Team.objects.order_by("name").values_list("slug", "name"),
        "actions": web.audit_actions(),
        "query": query.urlencode(),
    }
    template = "rollout/audit.html#audit-results" if request.htmx else "rollout/audit.html"
    return render(request, template, ctx)
