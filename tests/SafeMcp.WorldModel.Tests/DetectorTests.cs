using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;
using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Tests;

public sealed class DetectorTests
{
    private static readonly ToolDescriptor[] Tools = [new("SearchEmails"), new("ReadEmail"), new("SendEmail"), new("DeleteEmails")];

    [Fact]
    public void Unsafe_denies_the_call()
    {
        var finding = WorldModelDetector.Map("DeleteEmails", Outcome(SafetyLabel.Unsafe, ["DeleteEmails"]));

        Assert.NotNull(finding);
        Assert.Equal(Verdict.Deny, finding.Verdict);
        Assert.Equal(WorldModelDetector.Layer, finding.DecidedBy);
    }

    [Fact]
    public void Critical_allows_the_call_and_withholds_the_other_filtered_tools()
    {
        var finding = WorldModelDetector.Map("ReadEmail", Outcome(SafetyLabel.Critical, ["ReadEmail", "SendEmail"]));

        Assert.NotNull(finding);
        Assert.Equal(Verdict.Allow, finding.Verdict);
        Assert.Equal(["SendEmail"], finding.WithholdTools);
    }

    [Fact]
    public void Safe_adds_no_finding()
    {
        Assert.Null(WorldModelDetector.Map("ReadEmail", Outcome(SafetyLabel.Safe, [])));
    }

    [Fact]
    public async Task Critical_verdict_withholds_tools_for_the_rest_of_the_session_and_names_the_world_model()
    {
        var grain = await OpenAsync(new FixedService(Outcome(SafetyLabel.Critical, ["SendEmail"])));

        var decision = await grain.DecideAsync(new DecideRequest("ReadEmail", Json("""{"id":"1"}""")), CancellationToken.None);
        var later = await grain.DecideAsync(new DecideRequest("SendEmail", Json("""{"to":"a@b.c"}""")), CancellationToken.None);

        Assert.Equal(Verdict.Allow, decision.Verdict);
        Assert.Contains("SendEmail", decision.WithheldTools);
        Assert.Contains(WorldModelDetector.Layer, decision.DecidedBy);
        Assert.Equal(Verdict.Deny, later.Verdict);
        Assert.DoesNotContain("SendEmail", grain.View().VisibleTools);
    }

    [Fact]
    public async Task Unavailable_world_model_fails_closed()
    {
        var grain = await OpenAsync(new FailingService());

        var decision = await grain.DecideAsync(new DecideRequest("SearchEmails", Json("""{"q":"x"}""")), CancellationToken.None);

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal([WorldModelDetector.Layer], decision.DecidedBy);
    }

    [Fact]
    public async Task World_model_sees_the_allowed_prefix_with_arguments_and_observations()
    {
        var service = new FixedService(Outcome(SafetyLabel.Safe, []));
        var grain = await OpenAsync(service);
        var first = await grain.DecideAsync(new DecideRequest("SearchEmails", Json("""{"query":"invoice"}""")), CancellationToken.None);
        await grain.ReportOutcomeAsync(new OutcomeReport(first.Sequence, false, "found invoice 42", 16), CancellationToken.None);

        await grain.DecideAsync(new DecideRequest("ReadEmail", Json("""{"id":"42"}"""), "read it"), CancellationToken.None);

        var seen = service.Last!;
        Assert.Equal("Find the invoice", seen.Instruction);
        var step = Assert.Single(seen.Prefix);
        Assert.Equal("SearchEmails", step.Action);
        Assert.Contains("invoice", step.ArgumentsText);
        Assert.Equal("found invoice 42", step.Observation);
        Assert.Equal("ReadEmail", seen.Current!.Action);
        Assert.Equal("read it", seen.Current.Thought);
    }

    [Fact]
    public async Task World_model_is_not_asked_when_an_earlier_layer_already_denies()
    {
        var service = new FixedService(Outcome(SafetyLabel.Safe, []));
        var findings = new List<Finding> { new("rules", Verdict.Deny, "denied", []) };
        var grain = await OpenAsync(service);
        var call = new CallContext(grain.State, grain.State.Tools["SendEmail"], new DecideRequest("SendEmail"), default, default);

        await new WorldModelDetector(service).InspectAsync(call, findings, CancellationToken.None);

        Assert.Null(service.Last);
        Assert.Single(findings);
    }

    [Fact]
    public async Task The_initial_check_withholds_what_it_filters_before_any_call()
    {
        var service = new FixedService(Outcome(SafetyLabel.Safe, []), opening: Outcome(SafetyLabel.Critical, ["DeleteEmails"]));

        var grain = await OpenAsync(service);
        var view = grain.View();
        var delete = await grain.DecideAsync(new DecideRequest("DeleteEmails", Json("""{"ids":["1"]}""")), CancellationToken.None);

        Assert.Equal("Find the invoice", service.LastOpening!.Instruction);
        Assert.Empty(service.LastOpening.Prefix);
        Assert.Equal(4, service.LastOpening.Tools.Count);
        Assert.DoesNotContain("DeleteEmails", view.VisibleTools);
        var withheld = Assert.Single(view.WithheldTools);
        Assert.Equal("DeleteEmails", withheld.Name);
        Assert.Contains("World model", withheld.Reason);
        Assert.Equal(Verdict.Deny, delete.Verdict);
        Assert.Null(service.Last);
    }

    [Fact]
    public async Task Without_the_initial_check_nothing_is_withheld_at_open()
    {
        var service = new FixedService(Outcome(SafetyLabel.Safe, []), opening: Outcome(SafetyLabel.Critical, ["DeleteEmails"]));

        var grain = await OpenAsync(service, new WorldModelDetectorOptions { InitialCheck = false });

        Assert.Null(service.LastOpening);
        Assert.Contains("DeleteEmails", grain.View().VisibleTools);
    }

    [Fact]
    public async Task An_initial_check_the_service_cannot_answer_withholds_nothing_and_every_call_is_still_denied()
    {
        var grain = await OpenAsync(new FailingService());

        var view = grain.View();
        var decision = await grain.DecideAsync(new DecideRequest("SearchEmails", Json("""{"q":"x"}""")), CancellationToken.None);

        Assert.Equal(4, view.VisibleTools.Count);
        Assert.Equal(Verdict.Deny, decision.Verdict);
    }

    private static async Task<SessionGrain> OpenAsync(IWorldModelService service, WorldModelDetectorOptions? options = null)
    {
        var pipeline = new DecisionPipeline([new HazardRules(), new WorldModelDetector(service, options: options)], [new TaintVisibilityRule()]);
        var grain = await SessionGrain.ActivateAsync("t", "s", new InMemorySessionStore(), pipeline, new SessionGrainOptions(), TimeProvider.System, CancellationToken.None);
        await grain.OpenAsync(new OpenSessionRequest("s", "Find the invoice", Tools), CancellationToken.None);
        return grain;
    }

    private static CheckOutcome Outcome(SafetyLabel label, string[] tools)
    {
        var probabilities = new float[SafetyLabels.Count];
        probabilities[(int)label] = 0.9f;
        return new CheckOutcome(label, tools, new Prediction(probabilities, [], new float[NextStateFeature.Count]));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>Answers every call's check with <paramref name="outcome"/>, and a session's initial check with <paramref name="opening"/> (default safe).</summary>
    private sealed class FixedService(CheckOutcome outcome, CheckOutcome? opening = null) : IWorldModelService
    {
        /// <summary>The last call checked.</summary>
        public WorldModelInput? Last { get; private set; }

        /// <summary>The last initial check (no current call).</summary>
        public WorldModelInput? LastOpening { get; private set; }

        public ValueTask<CheckOutcome> CheckAsync(WorldModelInput input, CancellationToken cancellationToken)
        {
            if (input.Current is null)
            {
                LastOpening = input;
                return ValueTask.FromResult(opening ?? Outcome(SafetyLabel.Safe, []));
            }
            Last = input;
            return ValueTask.FromResult(outcome);
        }
    }

    private sealed class FailingService : IWorldModelService
    {
        public ValueTask<CheckOutcome> CheckAsync(WorldModelInput input, CancellationToken cancellationToken) =>
            throw new WorldModelUnavailableException("saturated");
    }
}
