using SafeMcp.Contracts;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Decisions;

/// <summary>One call as detectors see it: the session before the call, the tool, the request and its signals.</summary>
public sealed record CallContext(
    SessionState Session,
    ToolProfile Tool,
    DecideRequest Request,
    CallSignal Signals,
    Capability Capabilities);
