using Microsoft.Extensions.Time.Testing;
using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Defenses.Tests.Support;

/// <summary>Builds session grains over in-memory storage with a chosen set of layers.</summary>
internal static class Sessions
{
    public const string Tenant = "t1";

    public static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static DecisionPipeline Pipeline(
        IEnumerable<ICallDetector>? detectors = null, IEnumerable<IVisibilityRule>? rules = null, IEnumerable<IToolGate>? gates = null, IEnumerable<IOutcomeObserver>? observers = null) =>
        new([new HazardRules(), .. detectors ?? []], [new TaintVisibilityRule(), .. rules ?? []], [.. gates ?? []], [.. observers ?? []]);

    public static Task<SessionGrain> GrainAsync(DecisionPipeline pipeline, TimeProvider? time = null, string sessionId = "s1", ISessionStore? store = null) =>
        SessionGrain.ActivateAsync(Tenant, sessionId, store ?? new InMemorySessionStore(), pipeline, new SessionGrainOptions(), time ?? new FakeTimeProvider(Start), CancellationToken.None);

    public static ToolDescriptor Tool(string name, string description, string? schemaJson = null, ToolAnnotations? annotations = null) =>
        new(name, Description: description, InputSchema: schemaJson is null ? null : JsonDocument.Parse(schemaJson).RootElement.Clone(), Annotations: annotations);

    public static DecideRequest Call(string tool, string argumentsJson = "{}") =>
        new(tool, JsonDocument.Parse(argumentsJson).RootElement.Clone());

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
