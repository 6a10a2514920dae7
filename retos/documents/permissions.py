"""Named permissions on documents.

Adding or removing a draft challenge's documents is editing the draft: the services check
``challenge:edit`` (officials and approvers of the body, while it is a draft). After
publication, documents change only through amendments; the amendment service calls
``challenge_document_add(..., allow_published=True)``, which checks the rule below instead.
"""

from retos.challenges.permissions import is_body_official, stage_is
from retos.challenges.stages import Stage
from retos.core.rules import register

register("documents:add_by_amendment", is_body_official & stage_is(Stage.PUBLISHED))
