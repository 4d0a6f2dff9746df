"""CAP 1.2 alert messages (OASIS Common Alerting Protocol v1.2) for the warning injects.

Each message is marked ``status`` Exercise and ``scope`` Restricted to the exercise's
participants, so no system acting on real alerts can take it for one (CAP 1.2 §3.2.1:
Exercise "actionable only by designated exercise participants"). ``sent`` carries an
explicit offset, never ``Z``, as the CAP 1.2 schema's pattern requires. Severity follows the
Chinese incident level (I 特别重大 Extreme, II 重大 Severe, III 较大 Moderate, IV 一般 Minor;
National Emergency Response Plan for Public Emergencies, grading of incidents).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from ...planning.exercise import ExercisePackage
from ...planning.exercise.deck import Inject
from ..i18n import catalogue
from .text import say

__all__ = ["CAP_NAMESPACE", "alert_xml", "alerts"]

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
#: CAP ``info/language`` per catalogue language (RFC 3066 tags).
CAP_LANGUAGE = {"en": "en-US", "zh": "zh-CN"}
#: Scenario incident category -> CAP ``category``.
CAP_CATEGORY = {
    "natural_disaster": "Met",
    "accident": "Safety",
    "public_health": "Health",
    "social_security": "Security",
}
CAP_SEVERITY = {"I": "Extreme", "II": "Severe", "III": "Moderate", "IV": "Minor"}
#: Characters CAP 1.2 forbids in ``identifier`` and ``sender`` (space, comma, < and &).
_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]")


def _safe(text: str) -> str:
    return _UNSAFE.sub("-", text)


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{CAP_NAMESPACE}}}{tag}")
    element.text = text
    return element


def alert_xml(package: ExercisePackage, inject: Inject, lang: str) -> bytes:
    """One CAP 1.2 ``alert`` for a warning inject, in the exercise language."""
    cat = catalogue(lang)
    incident = package.results["incidents"][package.incident_index]
    scenario = package.scenario
    sent = datetime.fromisoformat(package.start_iso) + timedelta(minutes=inject.scenario_minutes)
    sent = sent.replace(microsecond=0)
    township = scenario.places.townships[0].id if scenario.places.townships else "township"
    ET.register_namespace("", CAP_NAMESPACE)
    alert = ET.Element(f"{{{CAP_NAMESPACE}}}alert")
    _sub(
        alert,
        "identifier",
        _safe(
            f"preparedness.{package.incident}.{package.seed}."
            f"{package.choice.replication}.{inject.number}"
        ),
    )
    _sub(alert, "sender", _safe(f"{township}@exercise.preparedness.invalid"))
    _sub(alert, "sent", sent.isoformat(timespec="seconds"))
    _sub(alert, "status", "Exercise")
    _sub(alert, "msgType", "Alert")
    _sub(alert, "scope", "Restricted")
    _sub(alert, "restriction", cat("exercise.cap.restriction"))
    _sub(alert, "note", cat("exercise.cap.note", number=str(inject.number)))
    info = ET.SubElement(alert, f"{{{CAP_NAMESPACE}}}info")
    _sub(info, "language", CAP_LANGUAGE[lang])
    _sub(info, "category", CAP_CATEGORY.get(incident["category"], "Other"))
    _sub(info, "event", incident["name"])
    _sub(info, "urgency", "Immediate")
    _sub(info, "severity", CAP_SEVERITY.get(incident["level"], "Unknown"))
    _sub(info, "certainty", "Observed")
    # The post that acts (the controller only delivers the inject).
    actor = inject.receiver if inject.sender == "exercise.post.controller" else inject.sender
    _sub(info, "senderName", say(cat, actor) if actor else township)
    _sub(info, "headline", cat("exercise.cap.headline", incident=incident["name"]))
    _sub(info, "description", say(cat, inject.text))
    _sub(info, "instruction", say(cat, inject.expected))
    area = ET.SubElement(info, f"{{{CAP_NAMESPACE}}}area")
    place = incident["community_name"] or (
        scenario.places.townships[0].name if scenario.places.townships else incident["name"]
    )
    _sub(area, "areaDesc", place)
    ET.indent(alert)
    return ET.tostring(alert, encoding="utf-8", xml_declaration=True) + b"\n"


def alerts(package: ExercisePackage, lang: str) -> dict[str, bytes]:
    """``alerts/inject-NN.xml`` -> the CAP message, one per warning inject."""
    return {
        f"inject-{inject.number:02d}.xml": alert_xml(package, inject, lang)
        for inject in package.injects
        if inject.warning
    }
