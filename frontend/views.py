from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from convene import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/home.html", {"convenings": selectors.public_convening_list()})
