"""The back office: the clerical machinery every orchestration model composes.

One concept per module (times are simulated hours; quantities in units; money in the scenario's
currency):

* ``office``: ``Backoffice``, the composition a model holds — records, one work desk per
  approver pool, document keys, commands (traced), and the four queues below.
* ``records``: ``StockRecords``, what the ERP *believes* is on hand and on order.
* ``workdesk``: ``WorkDesk``, a pool of people with a working calendar and a FIFO queue.
* ``requests``: ``ApprovalRequests`` and ``Request``, approval requests walking their steps;
  reminders, escalation, vacations and absence waves.
* ``exceptions``: ``ExceptionQueue``, anomalies worked by team queues against their SLAs.
* ``payables``: ``Payables``, the 3-way match, payments held during bank-detail changes.
* ``tickets``: ``TicketDesk``, customer tickets worked as consecutive tasks.
* ``replenishment``: order quantities and the nightly store transfers and requisitions.
"""

from orchestration.backoffice.office import Backoffice
from orchestration.backoffice.requests import Request
from orchestration.policies.route import tier

__all__ = ["Backoffice", "Request", "tier"]
