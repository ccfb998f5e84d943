"""Typed SQLAlchemy models, one module per aggregate. Importing this package registers them all."""
from ..db import Base
from .audit import AuditEvent, AuditLogIsAppendOnly
from .authorities import Authority, NumberCounter, Signer
from .calendar import CalendarDay, CalendarDayKind
from .certificate_layouts import LAYOUT_FIELDS, CertificateLayout, CertificateLayoutField
from .decisions import DECISION_STATE_LABELS, Award, AwardStatus, Certificate, Decision, DecisionState
from .council import (  # noqa: F401  (issue #5)
    SESSION_KIND_LABELS, AgendaItem, Appraisal, CouncilMember, CouncilSession, SessionKind, SessionStatus, Vote,
    VoteChoice, WrittenOpinion,
)
from .common import RECIPIENT_KIND_LABELS, ROLE_LABELS, RecipientKind, Role, UTCDateTime, utcnow
from .dossiers import (
    ATTACHMENT_KIND_LABELS,
    GENDER_LABELS,
    OUTCOME_LABELS,
    Attachment,
    AttachmentKind,
    Dossier,
    Gender,
    Nominee,
    NomineeIndicatorValue,
    NomineeOutcome,
    WorkflowHistory,
)
from .eligibility import EligibilityRule
from .forms import AwardForm
from .generation import DataGeneration
from .notifications import (
    OUTBOX_STATUS_LABELS, JobRun, JobStatus, Notification, NotificationKind, OutboxMessage, OutboxStatus,
)
from .movements import (
    ROUND_KIND_LABELS,
    Movement,
    MovementIndicator,
    Round,
    RoundExtension,
    RoundForm,
    RoundKind,
    RoundQuota,
    RoundStatus,
)
from .public_comments import PublicComment
from .rules import RuleCoefficient, RuleSet
from .templates import TEMPLATE_KINDS, DocumentTemplate
from .units import UNIT_KIND_LABELS, Unit, UnitKind
from .upward import UpwardProposalNumber
from .users import RoleAssignment, User

__all__ = [name for name in dir() if not name.startswith("_")]
