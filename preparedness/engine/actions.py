"""The reception tables, built in one place: what a post does with each kind of message and
what the last person on an errand's route does with each errand verb.

This is the one module that knows every feature; the features know only ``reception.py``
below them, so none imports another to pass a message on. ``simulate_replication`` gives
every world these tables.
"""

from __future__ import annotations

from types import MappingProxyType

from .callout import act_on_callout
from .errands import act as act_on_errand
from .incidents import act_on_report
from .orders import act_on_order
from .reception import Action, ErrandAction, MessageKind, Reception
from .supplies import approve_release, open_depot
from .teams import activate
from .warning import act_on_warning

#: Message kind -> what the receiver does once they have decided.
MESSAGE_ACTIONS: MappingProxyType[MessageKind, Action] = MappingProxyType(
    {
        MessageKind.REPORT: act_on_report,
        MessageKind.ORDER: act_on_order,
        MessageKind.WARNING: act_on_warning,
        MessageKind.ERRAND: act_on_errand,
        MessageKind.CALLOUT: act_on_callout,
    }
)

#: Errand verb (the purpose's prefix, ``"release:<depot>"``) -> what the last person does.
ERRAND_ACTIONS: MappingProxyType[str, ErrandAction] = MappingProxyType(
    {
        "release": approve_release,  # the release authority approves, phones the keepers
        "keeper": open_depot,  # a keeper gets to the depot and opens it
        "team": activate,  # a team leader calls the team out
    }
)

#: The tables every replication's world is given.
RECEPTION = Reception(MESSAGE_ACTIONS, ERRAND_ACTIONS)
