"""An embedded Alibaba Cloud Contact Center (CCC 2020-07-01) for TakeBreak, ReadyForService and PollUserStatus,
and the read APIs ListRealtimeAgentStates, ListAgentStateLogs, ListAgentSummaryReportsSinceMidnight and GetUser.

No Alibaba account needed: the product's demo mode, its tests, trainers and IT run against it. The
control API is described in app.simulator.control.
"""

from app.simulator.agents import SYSTEM_BREAK_CODES, Agent, AgentDirectory, UserState, seed_agent
from app.simulator.config import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, AccessKey, SimulatorConfig
from app.simulator.faults import Fault, FaultKind, FaultPlan
from app.simulator.server import CONTROL_TOKEN_VARIABLE, Simulator, demo_info, serve_forever
from app.simulator.service import RequestRecord

__all__ = [
    "CONTROL_TOKEN_VARIABLE",
    "DEMO_ACCESS_KEY_ID",
    "DEMO_ACCESS_KEY_SECRET",
    "SYSTEM_BREAK_CODES",
    "AccessKey",
    "Agent",
    "AgentDirectory",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "RequestRecord",
    "Simulator",
    "SimulatorConfig",
    "UserState",
    "demo_info",
    "seed_agent",
    "serve_forever",
]
