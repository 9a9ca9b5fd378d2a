"""`{% child_social_care_events child as events %}`: the child's social care events (Ofsted
Annex A), for the include on the child's page."""

from typing import Any

from django import template

from assure.children import social_care

register = template.Library()


@register.simple_tag
def child_social_care_events(child: Any) -> list[dict[str, Any]]:
    return [
        {
            "event": event,
            "title": social_care.title(event),
            "end_title": social_care.end_title(event) if event.end_date else "",
            "open": social_care.is_open(event),
            "detail": social_care.detail_lines(event),
        }
        for event in social_care.events_for_child(child=child)
    ]
