"""Two resources of every kind in every service, created through the API of an in-process emulator (for tests).

``Resources(client, clock, key)`` creates, with ``key``: Face person groups, large person groups (each
with a person and a face), face lists and large face lists (each with a face) and a training
operation, PersonDirectory persons (with a face) and dynamic person groups; Speaker profiles; Custom
Voice projects, consents, personal voices, training sets (data uploaded), models, endpoints and an operation.
``values[side][(collection, parameter)]`` names side ``a``'s and side ``b``'s ids; :func:`fill` puts
them into a path template of a rendered spec.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
from tests.conftest import face_image_bytes

CV = {"api-version": "2024-02-01-preview"}
SPEAKER = {"api-version": "2021-09-05"}
ROOTS = ("largepersongroups", "persongroups", "largefacelists", "facelists", "dynamicpersongroups", "operations", "profiles",
         "projects", "consents", "personalvoices", "trainingsets", "models", "endpoints")
SAS = "https://contoso.blob.core.windows.net/voicecontainer?sv=2023-01-03&sp=rl&sig=abc"
DATASET = {"kind": "AudioAndScript", "audios": {"containerUrl": SAS, "prefix": "talent/", "extensions": [".wav"]},
           "scripts": {"containerUrl": SAS, "prefix": "talent/", "extensions": [".txt"]}}


class Resources:
    def __init__(self, client: Any, clock: Any, key: str) -> None:
        self.client, self.clock = client, clock
        self.headers = {"Ocp-Apim-Subscription-Key": key}
        self.values: dict[str, dict[tuple[str, str], str]] = {"a": {}, "b": {}}
        for side in ("a", "b"):
            self._face(side)
            self._speaker(side)
            self._voice(side)
        clock.advance(30)

    def _ok(self, response: Any) -> Any:
        assert response.status_code < 300, response.text
        return response

    def _face(self, side: str) -> None:
        c, v, base, h = self.client, self.values[side], "/face/v1.2", self.headers
        octet = {**h, "Content-Type": "application/octet-stream"}
        image = face_image_bytes(seed=1 if side == "a" else 2)
        for root, param in (("persongroups", "personGroupId"), ("largepersongroups", "largePersonGroupId")):
            gid = f"{root[:2]}{side}"
            self._ok(c.put(f"{base}/{root}/{gid}", json={"name": gid}, headers=h))
            pid = self._ok(c.post(f"{base}/{root}/{gid}/persons", json={"name": "p"}, headers=h)).json()["personId"]
            fid = self._ok(c.post(f"{base}/{root}/{gid}/persons/{pid}/persistedfaces", content=image, headers=octet)).json()["persistedFaceId"]
            v[(root, param)], v[(root, "personId")], v[(root, "persistedFaceId")] = gid, pid, fid
        train = self._ok(c.post(f"{base}/persongroups/pe{side}/train", headers=h))
        location = train.headers.get("operation-location", "")
        if "/operations/" in location:
            v[("operations", "operationId")] = location.rsplit("/", 1)[-1]
        for root, param in (("facelists", "faceListId"), ("largefacelists", "largeFaceListId")):
            lid = f"{root[:3]}{side}"
            self._ok(c.put(f"{base}/{root}/{lid}", json={"name": lid}, headers=h))
            fid = self._ok(c.post(f"{base}/{root}/{lid}/persistedfaces", content=image, headers=octet)).json()["persistedFaceId"]
            v[(root, param)], v[(root, "persistedFaceId")] = lid, fid
        # PersonDirectory: a person and its face exist once their operations succeeded
        pid = self._ok(c.post(f"{base}/persons", json={"name": f"dir-{side}"}, headers=h)).json()["personId"]
        self.clock.advance(10)  # a PersonDirectory person takes faces once its create operation succeeded
        fid = self._ok(c.post(f"{base}/persons/{pid}/recognitionModels/recognition_04/persistedfaces", content=image,
                              headers=octet)).json()["persistedFaceId"]
        self._ok(c.put(f"{base}/dynamicpersongroups/dyn{side}", json={"name": f"dyn-{side}"}, headers=h))
        v[("persons", "personId")], v[("persons", "persistedFaceId")] = pid, fid
        v[("persons", "recognitionModel")], v[("dynamicpersongroups", "dynamicPersonGroupId")] = "recognition_04", f"dyn{side}"

    def _speaker(self, side: str) -> None:
        r = self._ok(self.client.post("/speaker-recognition/identification/text-independent/profiles", params=SPEAKER,
                                      json={"locale": "en-US"}, headers=self.headers))
        self.values[side][("profiles", "profileId")] = r.json()["profileId"]

    def _voice(self, side: str) -> None:
        c, v, h = self.client, self.values[side], self.headers
        pid, cid, vid = f"proj{side}", f"cons{side}", f"voice{side}"
        self._ok(c.put(f"/customvoice/projects/{pid}", params=CV, json={"kind": "PersonalVoice"}, headers=h))
        fields = {"projectId": pid, "voiceTalentName": "J", "companyName": "C", "locale": "en-US"}
        audio = synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=1)
        consent = self._ok(c.post(f"/customvoice/consents/{cid}", params=CV, data=fields, files=[("audiodata", ("c.wav", audio, "audio/wav"))], headers=h))
        self.clock.advance(10)
        training = synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=2)
        voice = self._ok(c.post(f"/customvoice/personalvoices/{vid}", params=CV, data={"projectId": pid, "consentId": cid},
                                files=[("audiodata", ("v.wav", training, "audio/wav"))], headers=h))
        v[("projects", "id")], v[("consents", "id")], v[("personalvoices", "id")] = pid, cid, vid
        v[("operations", "id")] = (voice.headers.get("operation-id") or consent.headers.get("operation-id") or "").strip()
        self._professional(side)

    def _professional(self, side: str) -> None:
        """A ProfessionalVoice project with a consent, a training set with uploaded data, a model and an endpoint."""
        c, v, h = self.client, self.values[side], self.headers
        pid, cid, tid, mid = f"pro{side}", f"procons{side}", f"ts{side}", f"mod{side}"
        self._ok(c.put(f"/customvoice/projects/{pid}", params=CV, json={"kind": "ProfessionalVoice"}, headers=h))
        fields = {"projectId": pid, "voiceTalentName": "J", "companyName": "C", "locale": "en-US"}
        audio = synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=1)
        self._ok(c.post(f"/customvoice/consents/{cid}", params=CV, data=fields, files=[("audiodata", ("c.wav", audio, "audio/wav"))], headers=h))
        self._ok(c.put(f"/customvoice/trainingsets/{tid}", params=CV, json={"projectId": pid, "locale": "en-US", "voiceKind": "Female"}, headers=h))
        self._ok(c.post(f"/customvoice/trainingsets/{tid}:upload", params=CV, json=DATASET, headers=h))
        self.clock.advance(10)
        body = {"recipe": {"kind": "Default"}, "projectId": pid, "consentId": cid, "trainingSetId": tid, "voiceName": f"Talent{side}Neural"}
        self._ok(c.put(f"/customvoice/models/{mid}", params=CV, json=body, headers=h))
        self.clock.advance(30)
        eid = str(uuid.UUID(int=0xE0 + (side == "b")))
        self._ok(c.put(f"/customvoice/endpoints/{eid}", params=CV, json={"projectId": pid, "modelId": mid}, headers=h))
        v[("trainingsets", "id")], v[("models", "id")], v[("endpoints", "id")] = tid, mid, eid


def root_of(template: str, name: str) -> str:
    """The collection a path parameter names a member of (``persongroups`` for ``{personId}`` under a person group)."""
    before = template.split("{" + name + "}", 1)[0]
    segments = before.replace(":", "/").split("/")
    # PersonDirectory's /persons/{personId}/... is a collection of its own; under a group, persons belong to the group
    return next((seg for seg in reversed(segments) if seg in ROOTS), "persons" if "persons" in segments else "")


def fill(template: str, values: dict[tuple[str, str], str], *, skip: str | None = None) -> str | None:
    """``template`` with every id filled from ``values`` (``{locale}`` en-US); ``None`` if one is unknown."""
    out = template
    for name in re.findall(r"\{([^{}]+)\}", template):
        if name == skip:
            continue
        value = "en-US" if name == "locale" else values.get((root_of(template, name), name))
        if not value:
            return None
        out = out.replace("{" + name + "}", value)
    return out


def query_for(path: str, version: str | None = None) -> dict[str, str]:
    """The ``api-version`` query a path's service takes (Face's version is in the path)."""
    if path.startswith("/customvoice"):
        return {"api-version": version or CV["api-version"]}
    if path.startswith("/speaker"):
        return {"api-version": version or SPEAKER["api-version"]}
    return {}
