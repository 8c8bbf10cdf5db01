"""Handlers: Projects_Create / Get / List / Delete.

* create ``PUT`` -> 201 with the project (not a long-running operation, no Operation-Id); an existing
  id -> 400 ``BadRequest`` "A project with ID '<id>' already exists.";
* delete -> 204; its consents and training sets go with it; a project that still holds personal voices,
  models or endpoints needs ``forceDelete=true`` (else 400 ``BadRequest``), which deletes them too;
* list -> ``{value, nextLink?}`` sorted by id, ``skip``/``maxpagesize``/``filter``.

Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (Projects_* statuses, forceDelete); specs/customvoice.yaml Projects_Create,
Projects_Delete descriptions; example tests/reference/azure-examples/custom-voice/2024-02-01-preview/delete_project.json.
"""

from __future__ import annotations

from cognitive_conformance.emulator.routing import NO_BODY, HandlerContext, Reply
from cognitive_conformance.emulator.services.voice import errors, views
from cognitive_conformance.emulator.services.voice.models import Project
from cognitive_conformance.emulator.services.voice.state import find_project, voice_state

__all__ = ["projects_create", "projects_get", "projects_list", "projects_delete"]


async def projects_create(ctx: HandlerContext) -> Reply:
    """Projects_Create."""
    inputs = ctx.inputs
    with voice_state(ctx.store, ctx.key) as state:
        if inputs.id in state.projects:
            raise errors.already_exists("Project", inputs.id)
        project = Project(inputs.id, inputs.kind, inputs.display_name, inputs.description, ctx.now)
        state.projects[inputs.id] = project
        return Reply(201, json=views.project_body(project))


async def projects_get(ctx: HandlerContext) -> Reply:
    """Projects_Get."""
    with voice_state(ctx.store, ctx.key) as state:
        return Reply(200, json=views.project_body(find_project(state, ctx.inputs.id)))


async def projects_list(ctx: HandlerContext) -> Reply:
    """Projects_List."""
    with voice_state(ctx.store, ctx.key) as state:
        body = views.page(ctx, "projects", list(state.projects.values()), views.project_body, ctx.inputs)
    return Reply(200, json=body)


async def projects_delete(ctx: HandlerContext) -> Reply:
    """Projects_Delete (``forceDelete``)."""
    inputs = ctx.inputs
    with voice_state(ctx.store, ctx.key) as state:
        find_project(state, inputs.id)
        held = {
            name: [rid for rid, item in table.items() if item.project_id == inputs.id]
            for name, table in (
                ("personal voice", state.personal_voices),
                ("model", state.models),
                ("endpoint", state.endpoints),
            )
        }
        if any(held.values()) and not inputs.force:
            what = ", ".join(f"{len(ids)} {name}(s)" for name, ids in held.items() if ids)
            raise errors.bad_request(f"The project '{inputs.id}' still holds {what}; delete them or use forceDelete=true.")
        for table in (state.personal_voices, state.models, state.endpoints, state.training_sets, state.consents):
            for rid in [rid for rid, item in table.items() if item.project_id == inputs.id]:
                del table[rid]
        del state.projects[inputs.id]
    return Reply(204, json=NO_BODY)
