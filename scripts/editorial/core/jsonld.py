"""schema.org `MedicalWebPage` data for an article (JSON-LD). Pure: values in, a dict out.

Search engines and health-information checkers read it to learn who reviewed the page
and when. People come from the registry (names and credentials, never GitHub logins).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .model import Article, Person, Site
from .vocabulary import Audience

# Our specialty ids that have a schema.org MedicalSpecialty value; others are given as text.
SCHEMA_SPECIALTIES = {
    "anesthesia": "Anesthesia",
    "cardiology": "Cardiovascular",
    "dermatology": "Dermatology",
    "emergency-medicine": "Emergency",
    "endocrinology": "Endocrine",
    "gastroenterology": "Gastroenterologic",
    "infectious-disease": "Infectious",
    "neurology": "Neurologic",
    "obstetrics": "Obstetric",
    "oncology": "Oncologic",
    "pediatrics": "Pediatric",
    "pharmacy": "PharmacySpecialty",
    "psychiatry": "Psychiatric",
    "pulmonology": "Pulmonary",
    "radiology": "Radiography",
    "rheumatology": "Rheumatologic",
    "urology": "Urologic",
}


def person(p: Person | None, site: Site | None = None) -> dict[str, Any]:
    if p is None:  # unknown id: the validator reports it; never leak it as a name
        return {"@type": "Person", "name": "Unnamed contributor"}
    data: dict[str, Any] = {"@type": "Person", "name": p.name}
    if p.credentials:
        data["honorificSuffix"] = p.credentials
    if site is not None and site.url:
        data["url"] = site.absolute(f"board/#{person_anchor(p.id)}")
    return data


def person_anchor(person_id: str) -> str:
    """The id of a person's entry on the board page (board/#member-<id>)."""
    return f"member-{person_id}"


def specialty_label(slug: str) -> str:
    """`infectious-disease` -> `Infectious disease` (the name the site shows)."""
    return slug.replace("-", " ").replace("_", " ").strip().capitalize() or "General"


def specialty(slug: str) -> str:
    known = SCHEMA_SPECIALTIES.get(slug)
    return f"https://schema.org/{known}" if known else specialty_label(slug)


def citation(ref: dict) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "ScholarlyArticle", "name": str(ref.get("title", ""))}
    if ref.get("container-title"):
        data["isPartOf"] = {"@type": "Periodical", "name": str(ref["container-title"])}
    parts = (
        ((ref.get("issued") or {}).get("date-parts") or [[None]]) if isinstance(ref.get("issued"), dict) else [[None]]
    )
    if parts and parts[0] and parts[0][0]:
        data["datePublished"] = str(parts[0][0])
    same = []
    if ref.get("DOI"):
        same.append(f"https://doi.org/{ref['DOI']}")
    if ref.get("PMID"):
        same.append(f"https://pubmed.ncbi.nlm.nih.gov/{ref['PMID']}/")
    if same:
        data["sameAs"] = same
    return data


def medical_web_page(
    article: Article,
    *,
    url: str,
    site: Site,
    authors: Sequence[Person | None],
    reviewers: Sequence[Person | None],
    published: str,
    last_reviewed: str,
    ordered_refs: Sequence[dict],
) -> dict[str, Any]:
    """The page's data: `published` is the first approval (when the article reached the site),
    `last_reviewed` the approval now; both are dates the board made, not the writer's."""
    fields = article.fields
    audience = fields.audience
    audiences: list[Any] = []
    if Audience.CLINICIAN in audience:
        audiences.append("https://schema.org/Clinician")
    if Audience.PATIENT in audience:
        audiences.append({"@type": "Patient"})
    specialties = list(fields.specialties)
    publisher: dict[str, Any] = {"@type": "Organization", "name": site.name}
    if site.url:
        publisher["url"] = site.url
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "name": article.title,
        "headline": article.title,
        "description": fields.description,
        "inLanguage": site.language,
        "publisher": publisher,
        "author": [person(p, site) for p in authors],
        "reviewedBy": [person(p, site) for p in reviewers],
        "lastReviewed": last_reviewed,
        "datePublished": published,
        "dateModified": last_reviewed,
        "medicalAudience": audiences,
        "about": [{"@type": "Thing", "name": specialty_label(s)} for s in specialties],
        "citation": [citation(r) for r in ordered_refs],
        "specialty": [specialty(s) for s in specialties],
    }
    return {k: v for k, v in data.items() if v not in ("", None, [])}


def script_text(data: dict[str, Any]) -> str:
    """JSON for a <script> element: every `<` written as \\u003c (so `</` and `<!--` never
    appear and no value can close the element early); still valid JSON. Compact: with
    `indent`, json falls back to its pure-Python encoder (2% of the build)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
