"""Helpers for pages whose regions htmx swaps: one template, named blocks."""

from flask import redirect, render_template, request
from jinja2_fragments.flask import render_block
from marshmallow import fields

from webapp.extensions import htmx
from webapp.schemas import instance


def wants_block(target_id):
    """Tell whether this request asks for the region with DOM id `target_id`.

    Only a plain htmx request aimed at that region gets a fragment: boosted
    navigation and history restores need the whole page.
    """
    return (
        bool(htmx)
        and not htmx.boosted
        and not htmx.history_restore_request
        and htmx.target == target_id
    )


def render_page_or_block(template, block, target=None, **context):
    """Render `block` of `template` for a matching htmx request, else the full page.

    `target` is the DOM id the block fills; it defaults to the block name in
    kebab case (`note_list` fills `#note-list`).
    """
    target = target or block.replace("_", "-")
    if wants_block(target):
        return render_block(template, block, **context)
    return render_template(template, **context)


def answer_post(template, block, errors, back_to, context, target=None, headers=None):
    """Answer a form post to a region htmx swaps.

    Without htmx a success goes back to the page (303, so a reload never
    posts twice). Otherwise the region, or the whole page with its errors
    without htmx, is rendered from `context()` with 422 when input failed.
    """
    if not errors and not htmx:
        return redirect(back_to, 303)
    html = render_page_or_block(template, block, target, **context())
    return html, 422 if errors else 200, headers or {}


# Form fields that steer the request rather than carry the family's input.
NOT_DATA = {"csrf_token", "next"}


def form_data(schema_class):
    """Return the submitted form as a dict, lists for the schema's list fields."""
    list_fields = {
        name for name, field in instance(schema_class).fields.items()
        if isinstance(field, fields.List)
    }
    return {
        key: request.form.getlist(key) if key in list_fields else request.form[key]
        for key in request.form
        if key not in NOT_DATA
    }
