"""schema.org data (JSON-LD) for the site's pages. Pure: values in, a dict out.

An article is a `MedicalWebPage`: search engines and health-information checkers read it to
learn who reviewed the page and when. The home page describes the site (`WebSite`) and its
publisher (`Organization`, whose publishing principles are the editorial policy); the board
page its members (`Person`s with their credentials); the other pages are `WebPage`s of the
site. People come from the registry (names and credentials, never GitHub logins).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .model import Article, Person, Site
from .review_history import Dates
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
    dates: Dates,
    ordered_refs: Sequence[dict],
) -> dict[str, Any]:
    """The page's data, with the dates the page shows (review_history.Dates: the board's)."""
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
        "lastReviewed": dates.reviewed,
        "datePublished": dates.published,
        "dateModified": dates.updated,
        "medicalAudience": audiences,
        "about": [{"@type": "Thing", "name": specialty_label(s)} for s in specialties],
        "citation": [citation(r) for r in ordered_refs],
        "specialty": [specialty(s) for s in specialties],
    }
    return _compact(data)


POLICY_PAGE = "editorial-policy/"
BOARD_PAGE = "board/"


def _ids(site: Site) -> tuple[str, str]:
    """The `@id`s of the site and its publisher, which the other pages refer to."""
    return site.absolute("#website"), site.absolute("#organization")


def home_page(site: Site, *, description: str, image: str) -> dict[str, Any]:
    """The home page: the site and the organisation that publishes it."""
    website, organization = _ids(site)
    graph: list[dict[str, Any]] = [
        {
            "@type": "WebSite",
            "@id": website,
            "url": site.url,
            "name": site.name,
            "description": description,
            "inLanguage": site.language,
            "publisher": {"@id": organization},
        },
        {
            "@type": "Organization",
            "@id": organization,
            "url": site.url,
            "name": site.name,
            "description": description,
            "logo": image,
            "publishingPrinciples": site.absolute(POLICY_PAGE),
        },
    ]
    return {"@context": "https://schema.org", "@graph": [_compact(item) for item in graph]}


def web_page(site: Site, *, kind: str, url: str, name: str, description: str) -> dict[str, Any]:
    """A page of the site (`kind`: WebPage, AboutPage, CollectionPage)."""
    website, organization = _ids(site)
    return _compact(
        {
            "@context": "https://schema.org",
            "@type": kind,
            "url": url,
            "name": name,
            "description": description,
            "inLanguage": site.language,
            "isPartOf": {"@id": website} if website else None,
            "publisher": {"@id": organization} if organization else None,
        }
    )


def board_page(
    site: Site, *, url: str, name: str, description: str, members: Sequence[Person], former: Sequence[Person]
) -> dict[str, Any]:
    """The board page: the Medical Advisory Board, its current members and its former ones
    (`alumni`), each a Person with the credentials the page shows."""
    data = web_page(site, kind="WebPage", url=url, name=name, description=description)
    _, organization = _ids(site)
    data["mainEntity"] = _compact(
        {
            "@type": "Organization",
            "@id": site.absolute(BOARD_PAGE + "#board"),
            "name": "Medical Advisory Board",
            "url": url,
            "parentOrganization": {"@id": organization} if organization else None,
            "member": [board_member(p, site) for p in members],
            "alumni": [board_member(p, site) for p in former],
        }
    )
    return data


def board_member(p: Person, site: Site) -> dict[str, Any]:
    """A member as the board page shows them: the same name, credentials and `url` as the
    articles' `reviewedBy`, with each credential, the specialties and the bio."""
    data = person(p, site)
    if data.get("url"):
        data["@id"] = data["url"]
    credentials = [c.strip() for c in p.credentials.split(",") if c.strip()]
    if credentials:
        data["hasCredential"] = [{"@type": "EducationalOccupationalCredential", "name": c} for c in credentials]
    if p.specialties:
        data["knowsAbout"] = [specialty_label(s) for s in p.specialties]
    if p.bio:
        data["description"] = p.bio
    return data


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in ("", None, [])}


def script_text(data: dict[str, Any]) -> str:
    """JSON for a <script> element: every `<` written as \\u003c (so `</` and `<!--` never
    appear and no value can close the element early); still valid JSON. Compact: with
    `indent`, json falls back to its pure-Python encoder (2% of the build)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
