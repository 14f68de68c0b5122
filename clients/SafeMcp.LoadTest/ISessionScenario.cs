using SafeMcp.Contracts;

namespace SafeMcp.LoadTest;

/// <summary>What the simulated agents do: how session <c>i</c> is opened and which call it makes at each step.</summary>
internal interface ISessionScenario
{
    /// <summary>A short description for the report.</summary>
    string Name { get; }

    OpenSessionRequest Open(string sessionId, int session);

    DecideRequest Call(int session, long step);
}
