"""Typed SQLAlchemy models, one module per aggregate. Importing this package registers them all."""
from ..db import Base
from .audit import AuditEvent, AuditLogIsAppendOnly
from .authorities import Authority, NumberCounter, Signer
from .calendar import CalendarDay, CalendarDayKind
from .decisions import DECISION_STATE_LABELS, Award, AwardStatus, Certificate, Decision, DecisionState
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
from .forms import AwardForm
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
from .rules import RuleCoefficient, RuleSet
from .units import UNIT_KIND_LABELS, Unit, UnitKind
from .users import RoleAssignment, User

__all__ = [name for name in dir() if not name.startswith("_")]
