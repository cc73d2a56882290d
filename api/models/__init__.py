"""Every table of the service, imported here so Base.metadata (and Alembic) sees them all."""

from api.models.applications import (
    Application,
    ApplicationContact,
    ApplicationEvent,
    ApplicationState,
    FiledBy,
)
from api.models.areas import Area, AreaLevel
from api.models.audit import AuditEntry
from api.models.complaints import (  # noqa: F401
    Complaint,
    ComplaintCategory,
    ComplaintNote,
    ComplaintStatus,
    ComplaintSubject,
)
from api.models.conversations import Conversation, InboundMessage
from api.models.households import Household, Member, TargetCategory
from api.models.messages import ChannelUser, OutboundMessage, OutboundStatus  # noqa: F401
from api.models.publicity import NoticeEntry, NoticeLevel, NoticeStatus, Objection, ObjectionStatus, PublicityNotice
from api.models.screening import Lead, LeadStatus, ScreeningRecord  # noqa: F401
from api.models.subscriptions import Subscription  # noqa: F401
from api.models.users import ApiToken, Role, User

__all__ = [
    "ApiToken", "Application", "ApplicationContact", "ApplicationEvent", "ApplicationState", "Area", "AreaLevel",
    "AuditEntry", "Conversation", "FiledBy", "Household", "InboundMessage", "Member", "NoticeEntry", "NoticeLevel",
    "NoticeStatus", "Objection", "ObjectionStatus", "PublicityNotice", "Role", "TargetCategory", "User",
]
from api.models.callbacks import CallbackRequest, CallbackStatus  # noqa: F401
