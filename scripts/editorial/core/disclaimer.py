"""The medical disclaimer: the one place its words live.

Article pages, the about page and the build's check that every article page carries it
all read these constants, so the text cannot drift between them. Two versions, one
meaning: the clinician one is precise, the patient one is plain language.
"""

from __future__ import annotations

TITLE = "Medical disclaimer"

CLINICIAN = (
    "This answer summarises published guidelines and research for healthcare professionals. "
    "It supports, and does not replace, your own clinical judgment: apply it in light of the "
    "individual patient, local protocols and any evidence published since the article was last reviewed. "
    "It is not a treatment protocol, and the publisher accepts no responsibility for decisions "
    "taken on the strength of it."
)

PATIENT = (
    "This page is general information, not medical advice about you. Your own doctor, nurse or "
    "pharmacist knows your health and is the right person to talk to before you change or stop "
    "any treatment. If you feel very unwell or think it is an emergency, call your local "
    "emergency number now."
)

# What the build looks for in every rendered article page (see render.check_page): the
# element and the words, so a template that drops either fails the build.
MARKER = "data-editorial-disclaimer-block"
