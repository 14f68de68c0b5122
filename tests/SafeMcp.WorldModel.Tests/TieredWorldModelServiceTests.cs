using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Tests;

/// <summary>Tier 1 checks every call; the transformer decides the unsure and the risky ones, within the budget.</summary>
public sealed class TieredWorldModelServiceTests
{
    private static readonly ToolInfo[] s_tools = [new("GetForecast", "Returns the weather forecast."), new("run_shell_command", "Runs a shell command on the host.")];

    [Fact]
    public async Task Unsure_check_is_decided_by_the_transformer()
    {
        var transformer = new Fixed(SafetyLabel.Unsafe, 0.9f);
        var tiered = new TieredWorldModelService(new Fixed(SafetyLabel.Safe, 0.45f), transformer, new TieringOptions { Margin = 0.3 });

        var outcome = await tiered.CheckAsync(Call("GetForecast"), CancellationToken.None);

        Assert.Equal(SafetyLabel.Unsafe, outcome.Label);
        Assert.Equal(1, transformer.Calls);
    }

    [Fact]
    public async Task Sure_check_of_an_ordinary_tool_stays_with_tier_1()
    {
        var transformer = new Fixed(SafetyLabel.Unsafe, 0.9f);
        var tiered = new TieredWorldModelService(new Fixed(SafetyLabel.Safe, 0.95f), transformer, new TieringOptions { Margin = 0.3 });

        var outcome = await tiered.CheckAsync(Call("GetForecast"), CancellationToken.None);

        Assert.Equal(SafetyLabel.Safe, outcome.Label);
        Assert.Equal(0, transformer.Calls);
        Assert.Equal(0, tiered.Escalated);
    }

    [Fact]
    public async Task Call_of_a_risky_capability_goes_to_the_transformer_even_when_tier_1_is_sure()
    {
        var transformer = new Fixed(SafetyLabel.Unsafe, 0.9f);
        var tiered = new TieredWorldModelService(new Fixed(SafetyLabel.Safe, 0.95f), transformer, new TieringOptions { Margin = 0.3 });

        var outcome = await tiered.CheckAsync(Call("run_shell_command"), CancellationToken.None);

        Assert.Equal(SafetyLabel.Unsafe, outcome.Label);
        Assert.Equal(1, tiered.Escalated);
    }

    [Fact]
    public async Task Over_budget_tier_1_answer_stands_and_a_risky_call_fails_closed_when_asked()
    {
        var options = new TieringOptions { Margin = 1, Budget = TimeSpan.FromMilliseconds(20) };
        var lenient = new TieredWorldModelService(new Fixed(SafetyLabel.Safe, 0.6f), new NeverAnswers(), options);
        var strict = new TieredWorldModelService(new Fixed(SafetyLabel.Safe, 0.6f), new NeverAnswers(), new TieringOptions { Margin = 1, Budget = options.Budget, FailClosedOnRiskyTimeout = true });

        var ordinary = await lenient.CheckAsync(Call("GetForecast"), CancellationToken.None);
        var risky = await lenient.CheckAsync(Call("run_shell_command"), CancellationToken.None);

        Assert.Equal(SafetyLabel.Safe, ordinary.Label);
        Assert.Equal(SafetyLabel.Safe, risky.Label);
        Assert.Equal(2, lenient.OverBudget);
        Assert.Equal(SafetyLabel.Safe, (await strict.CheckAsync(Call("GetForecast"), CancellationToken.None)).Label);
        await Assert.ThrowsAsync<WorldModelUnavailableException>(() => strict.CheckAsync(Call("run_shell_command"), CancellationToken.None).AsTask());
    }

    [Fact]
    public void Tiering_options_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new TieringOptions { Margin = -0.1 }.Validate());
        Assert.Throws<ArgumentException>(() => new TieringOptions { Budget = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentException>(() => new TieringOptions { RiskyCapabilities = "exec, teleport" }.Validate());
    }

    private static WorldModelInput Call(string tool) => new("Check the weather.", s_tools, [], new TrajectoryStep(tool, "{}"));

    /// <summary>Answers every check with <paramref name="label"/> at probability <paramref name="p"/>, the rest split evenly.</summary>
    private sealed class Fixed(SafetyLabel label, float p) : IWorldModelService
    {
        public int Calls { get; private set; }

        public ValueTask<CheckOutcome> CheckAsync(WorldModelInput input, CancellationToken cancellationToken)
        {
            Calls++;
            var probabilities = new float[SafetyLabels.Count];
            Array.Fill(probabilities, (1 - p) / 2);
            probabilities[(int)label] = p;
            var prediction = new Prediction(probabilities, new float[input.Tools.Count], new float[NextStateFeature.Count]);
            return ValueTask.FromResult(CheckOutcome.From(input, prediction, 0.5f));
        }
    }

    private sealed class NeverAnswers : IWorldModelService
    {
        public async ValueTask<CheckOutcome> CheckAsync(WorldModelInput input, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
