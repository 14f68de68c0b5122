using System.Runtime.CompilerServices;
using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Tools;
using SafeMcp.WorldModel.Features;

namespace SafeMcp.WorldModel.Detection;

/// <summary>
/// Builds the world model's input from a call in its session: the instruction, the visible tools, the
/// allowed calls of the bounded recent history (with their argument and observation excerpts) and the call. Tools of
/// every server of the session are in it, each under its session name (<see cref="SessionTools.SessionName(ToolProfile)"/>:
/// <c>server/tool</c> only where two servers share a name), and so are the calls of the prefix and the current call.
/// </summary>
public sealed class SessionInputBuilder(FeatureOptions options)
{
    // A session keeps its ToolProfile instances for its whole life, so the tool's features are built once.
    private readonly ConditionalWeakTable<ToolProfile, ToolInfo> _tools = new();

    /// <summary>The input for <paramref name="call"/>.</summary>
    public WorldModelInput Build(CallContext call)
    {
        var arguments = call.Request.Arguments is { ValueKind: JsonValueKind.Object } args ? args.GetRawText() : null;
        if (arguments is { } text && text.Length > options.MaxFieldChars)
        {
            arguments = text[..options.MaxFieldChars];
        }
        return Build(call.Session, new TrajectoryStep(call.Session.Tools.SessionName(call.Tool), arguments, null, call.Request.Thought));
    }

    /// <summary>The input of the initial check of <paramref name="session"/>: its task, tools and calls so far, no current call.</summary>
    public WorldModelInput BuildOpening(SessionState session) => Build(session, null);

    private WorldModelInput Build(SessionState session, TrajectoryStep? current)
    {
        var tools = new List<ToolInfo>(session.Tools.Count);
        foreach (var profile in session.VisibleProfiles().OrderBy(session.Tools.SessionName, StringComparer.Ordinal))
        {
            var info = _tools.GetValue(profile, tool => ToolInfo.From(tool.Descriptor));
            var name = session.Tools.SessionName(profile);
            tools.Add(ReferenceEquals(name, info.Name) || name == info.Name ? info : info with { Name = name });
        }
        var prefix = new List<TrajectoryStep>(session.RecentCalls.Count);
        foreach (var record in session.RecentCalls)
        {
            if (record.Verdict != Verdict.Deny)
            {
                prefix.Add(new TrajectoryStep(session.Tools.SessionName(record.Key), record.Arguments, record.Observation));
            }
        }
        return new WorldModelInput(session.Instruction, tools, prefix, current);
    }
}
