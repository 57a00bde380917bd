"""Full-text search over titles and contents: French stemming on PostgreSQL, a plain search on SQLite."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from ameliora.documents.models import Document


def search_documents(documents: QuerySet[Document], text: str) -> QuerySet[Document]:
    text = text.strip()
    if not text:
        return documents
    if connection.vendor == "postgresql":
        vector = SearchVector("code", "title", config="french") + SearchVector("versions__body", config="french")
        query = SearchQuery(text, config="french", search_type="websearch")
        return documents.filter(pk__in=documents.annotate(search=vector).filter(search=query).values("pk"))
    words = Q(code__icontains=text) | Q(title__icontains=text) | Q(versions__body__icontains=text)
    return documents.filter(pk__in=documents.filter(words).values("pk"))
