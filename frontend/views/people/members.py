"""The organizer's members & invitations page and its POST actions.

The members table shows each member on one line; "Edit" opens that row's form (an htmx swap of
the row, or ``?edit=<id>`` without JavaScript). Every action re-renders the page (or, for htmx,
the one table row) with the refusal next to its field and the service's status; success
redirects back to the table's filters and page (POST/redirect/GET).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from convene import selectors, services
from convene.errors import DomainError
from convene.models import Convening, Membership, Organization, Role
from convene.permissions import Need, access_invitation, access_members, access_membership
from frontend.forms import (
    InvitationForm,
    MemberFilterForm,
    MemberForm,
    OrganizationForm,
    add_domain_error,
)
from frontend.views import htmx, signed_in_user

# Rows per page of the members table.
PER_PAGE = 25
# What the table's query string may carry (its filters and page); anything else is dropped.
TABLE_PARAMS = ("q", "group", "role", "organization", "page")


def _member_form(
    membership: Membership, organizations: list[Organization], data: Any = None
) -> MemberForm:
    return MemberForm(
        data,
        prefix=f"m{membership.pk}",
        organizations=organizations,
        initial={
            "role": membership.role,
            "stakeholder_group": membership.stakeholder_group,
            "organization": str(membership.organization_id or ""),
            "head_of_delegation": membership.head_of_delegation,
        },
    )


def _table_query(params: Any) -> str:
    """The table's filters and page from ``params`` (a request's GET, or the ``back`` query an
    edit form carries), as a query string to keep in links and redirects."""
    if isinstance(params, str):
        params = QueryDict(params)
    kept = [(key, params.get(key, "")[:100]) for key in TABLE_PARAMS]
    return urlencode([(key, value) for key, value in kept if value])


def _members_url(slug: str, query: str = "", membership_id: int | None = None) -> str:
    url = reverse("members", kwargs={"slug": slug})
    if query:
        url += f"?{query}"
    return url + (f"#member-{membership_id}" if membership_id else "")


def _row(
    membership: Membership,
    *,
    query: str,
    form: MemberForm | None = None,
    error: str | None = None,
    focus: str = "",
    announce: str = "",
) -> dict[str, Any]:
    """One row of the table: shown, or (with ``form``) open for editing. ``focus`` names what
    takes focus after an htmx swap (``form`` or ``edit``); ``announce`` is said in the live
    region."""
    return {
        "membership": membership,
        "form": form,
        "error": error,
        "query": query,
        "focus": focus,
        "announce": announce,
    }


def _edit_id(value: str | None) -> int | None:
    """``?edit=<id>``: the row to open, or None for anything that is no id."""
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _open_form(
    membership: Membership,
    organizations: list[Organization],
    bound_row: tuple[int, MemberForm | None] | None,
) -> MemberForm | None:
    """The form of the row being edited (the refused one as it was sent), None for others."""
    if bound_row is None or bound_row[0] != membership.pk:
        return None
    return bound_row[1] or _member_form(membership, organizations)


def _table(
    request: HttpRequest,
    convening: Convening,
    organizations: list[Organization],
    *,
    query: str,
    bound_row: tuple[int, MemberForm | None] | None,
    row_errors: dict[int, str],
) -> dict[str, Any]:
    """The members table at ``query``'s filters and page, with ``?edit=<id>`` (or ``bound_row``,
    a refused edit) open for editing."""
    params = QueryDict(query)
    filter_form = MemberFilterForm(
        params, organizations=list(selectors.member_organizations(convening=convening))
    )
    filters = filter_form.filters()
    page = Paginator(selectors.member_search(convening=convening, **filters), PER_PAGE).get_page(
        params.get("page")
    )
    if bound_row is None:
        editing = _edit_id(request.GET.get("edit"))
        bound_row = (editing, None) if editing else None
    rows = [
        _row(
            m,
            query=query,
            form=_open_form(m, organizations, bound_row),
            error=row_errors.get(m.pk),
        )
        for m in page
    ]
    return {
        "rows": rows,
        "page": page,
        "query": query,
        # The pager's links keep the filters and set the page.
        "filters_query": urlencode([(k, str(v)) for k, v in params.items() if k != "page"]),
        "filter_form": filter_form,
        "filtered": any(filters.values()),
    }


def _render_page(
    request: HttpRequest,
    convening: Convening,
    *,
    organizations: list[Organization] | None = None,
    invite_form: InvitationForm | None = None,
    organization_form: OrganizationForm | None = None,
    query: str | None = None,
    bound_row: tuple[int, MemberForm | None] | None = None,
    row_errors: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page at the table's filters and page (``query``, else the request's own)."""
    if organizations is None:
        organizations = list(selectors.organization_list())
    query = _table_query(request.GET) if query is None else query
    table = _table(
        request,
        convening,
        organizations,
        query=query,
        bound_row=bound_row,
        row_errors=row_errors or {},
    )
    now = timezone.now()
    invitations = [
        {"invitation": i, "status": i.status_at(now)}
        for i in selectors.invitation_list(convening=convening)
    ]
    context = {
        "convening": convening,
        **table,
        "invitations": invitations,
        "invite_form": invite_form or InvitationForm(organizations=organizations),
        "organization_form": organization_form or OrganizationForm(prefix="org"),
    }
    return render(request, "frontend/members.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The table: ``?q=`` searches names, emails and handles; ``?group=``, ``?role=`` and
    ``?organization=`` filter; ``?page=`` pages; ``?edit=<id>`` opens a row's form without
    JavaScript."""
    convening = access_members(request.user, slug, need=Need.MANAGE)
    return _render_page(request, convening)


@login_required
@require_http_methods(["POST"])
def organization_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Add an organization (a delegation) that members and invitations can then name."""
    convening = access_members(request.user, slug, need=Need.MANAGE)
    form = OrganizationForm(request.POST, prefix="org")
    status = 400
    if form.is_valid():
        try:
            organization = services.organization_create(
                actor=signed_in_user(request), **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            messages.success(request, f"Organization {organization} added.")
            return redirect("members", slug=convening.slug)
    return _render_page(request, convening, organization_form=form, status=status)


@login_required
@require_http_methods(["POST"])
def invitation_create(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access_members(request.user, slug, need=Need.MANAGE)
    organizations = list(selectors.organization_list())
    form = InvitationForm(request.POST, organizations=organizations)
    status = 400
    if form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                actor=signed_in_user(request), convening=convening, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("members", slug=convening.slug)
    return _render_page(
        request, convening, organizations=organizations, invite_form=form, status=status
    )


@login_required
@require_http_methods(["POST"])
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(request.user, slug, invitation_id)
    try:
        services.invitation_revoke(actor=signed_in_user(request), invitation=invitation)
    except DomainError as error:
        messages.error(request, error.message)
        return _render_page(request, invitation.convening, status=error.status)
    messages.success(request, f"Invitation to {invitation.email} revoked.")
    return redirect("members", slug=slug)


def _render_row(request: HttpRequest, row: dict[str, Any], *, status: int = 200) -> HttpResponse:
    context = {"convening": row["membership"].convening, "row": row}
    return render(request, "frontend/partials/member_row.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def member_row(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """One row for htmx: ``?edit=1`` open for editing (focus in its form), else shown (focus on
    its Edit button, as after Cancel). Without htmx, the page at that row."""
    membership = access_membership(request.user, slug, membership_id)
    query = _table_query(request.GET)
    edit = request.GET.get("edit") == "1"
    if not htmx(request):
        url = _members_url(slug, "&".join(filter(None, [query, f"edit={membership.pk}"])))
        return redirect(url if edit else _members_url(slug, query, membership.pk))
    if edit:
        form = _member_form(membership, list(selectors.organization_list()))
        # app.js moves focus here once the row is swapped in.
        form.fields["role"].widget.attrs["data-focus-after-swap"] = ""
        row = _row(membership, query=query, form=form, focus="form")
    else:
        row = _row(membership, query=query, focus="edit")
    return _render_row(request, row)


def _saved_message(membership: Membership) -> str:
    parts = [membership.get_role_display()]
    if membership.stakeholder_group:
        parts.append(membership.get_stakeholder_group_display())
    if membership.organization:
        parts.append(membership.organization.name)
    return f"Saved: {membership.user.display_name}, {', '.join(parts)}."


@login_required
@require_http_methods(["POST"])
def member_update(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = access_membership(request.user, slug, membership_id)
    organizations = list(selectors.organization_list())
    form = _member_form(membership, organizations, data=request.POST)
    query = _table_query(request.POST.get("back", ""))
    status = 400
    if form.is_valid():
        try:
            membership = services.member_update(
                actor=signed_in_user(request), membership=membership, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            if membership.user_id == request.user.pk and membership.role != Role.ORGANIZER:
                # They stepped down: the members page is no longer theirs to see.
                messages.success(request, "You are no longer an organizer of this convening.")
                url = reverse("convening_detail", kwargs={"slug": slug})
                if htmx(request):
                    return HttpResponse(headers={"HX-Redirect": url})
                return redirect(url)
            membership = access_membership(request.user, slug, membership_id)
            said = _saved_message(membership)
            if htmx(request):
                row = _row(membership, query=query, focus="edit", announce=said)
                return _render_row(request, row)
            messages.success(request, said)
            return redirect(_members_url(slug, query, membership.pk))
    if htmx(request):
        row = _row(membership, query=query, form=form)
        return _render_row(request, row, status=status)
    return _render_page(
        request,
        membership.convening,
        organizations=organizations,
        query=query,
        bound_row=(membership.pk, form),
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = access_membership(request.user, slug, membership_id)
    query = _table_query(request.POST.get("back", ""))
    try:
        services.member_remove(actor=signed_in_user(request), membership=membership)
    except DomainError as error:
        return _render_page(
            request,
            membership.convening,
            query=query,
            row_errors={membership.pk: error.message},
            status=error.status,
        )
    messages.success(request, f"{membership.user.display_name} removed from the convening.")
    return redirect(_members_url(slug, query))


# Suggestions shown while typing an @mention.
HANDLE_SUGGESTIONS = 8


@require_http_methods(["GET"])
def member_handles(request: HttpRequest, slug: str) -> JsonResponse:
    """``?q=lena``: members whose handle or name starts with it, for the comment box's @mention
    suggestions (members of the convening only, as its member list)."""
    convening = access_members(request.user, slug)
    query = request.GET.get("q", "").strip().lstrip("@")[:40]
    if not query:
        return JsonResponse({"results": []})
    found = (
        Membership.objects.filter(convening=convening, user__is_active=True)
        .filter(Q(user__handle__istartswith=query) | Q(user__display_name__istartswith=query))
        .exclude(user__handle=None)
        .order_by("user__handle")
        .values_list("user__handle", "user__display_name")[:HANDLE_SUGGESTIONS]
    )
    return JsonResponse({"results": [{"handle": h, "name": n} for h, n in found]})
