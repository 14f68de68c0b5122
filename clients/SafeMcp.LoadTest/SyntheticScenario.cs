using SafeMcp.Contracts;

namespace SafeMcp.LoadTest;

/// <summary>The built-in agent script (<see cref="AgentScript"/>), used when no trajectory data is at hand.</summary>
internal sealed class SyntheticScenario : ISessionScenario
{
    public string Name => "synthetic agent script";

    public OpenSessionRequest Open(string sessionId, int session) => new(sessionId, AgentScript.Instruction, AgentScript.Tools);

    public DecideRequest Call(int session, long step) => AgentScript.Call(step);
}
