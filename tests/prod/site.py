"""What the production check must reach in Ameliora: the exports and the public pages, by URL name."""

from __future__ import annotations

from django.urls import Resolver404, resolve

PDF, XLSX, DOCX = (
    ("application/pdf", b"%PDF-"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
)
EXPORTS: dict[str, tuple[str, bytes]] = {
    # view name: (content type, first bytes of the file)
    "assessments:campaign_export_pdf": PDF,
    "assessments:campaign_export_xlsx": XLSX,
    "assessments:campaign_export_docx": DOCX,
    "assessments:grid_export": ("application/yaml", b""),
    "core:member_export": ("text/csv", b"\xef\xbb\xbf"),
    "plans:plan_export": PDF,
    "processes:risk_register_xlsx": XLSX,
    "learning:dossier_pdf": PDF,
    "learning:dossier_docx": DOCX,
    "meetings:report_pdf": PDF,
    "meetings:letter_pdf": PDF,
    "reports:annual_pdf": PDF,
    "reports:annual_xlsx": XLSX,
    "surveys:campaign_export": XLSX,
    "meetings_public:space_feed": ("text/calendar", b"BEGIN:VCALENDAR"),
    "meetings_public:member_feed": ("text/calendar", b"BEGIN:VCALENDAR"),
    "events:fhir_export": ("application/fhir+json", b"{"),
    "indicators:series_csv": ("text/csv", b"\xef\xbb\xbf"),
    "indicators:series_json": ("application/json", b"{"),
}
EXPORTED_BY_A_FORM = (  # POST forms; all but the assessment exports always run as background jobs
    "core:member_export",
    "plans:plan_export",
    "learning:dossier_pdf",
    "learning:dossier_docx",
    "reports:annual_pdf",
    "assessments:campaign_export_pdf",
    "assessments:campaign_export_xlsx",
    "assessments:campaign_export_docx",
)
PUBLIC_PAGES = (
    "events_public:declare",
    "events_public:track",
    "events_public:library",
    "surveys_public:answer",
    "meetings_public:space_feed",
    "meetings_public:member_feed",
)


def view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None
