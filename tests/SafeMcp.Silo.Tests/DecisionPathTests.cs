using Microsoft.Extensions.DependencyInjection;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Defenses.Arguments;
using SafeMcp.Grains.Rules;
using SafeMcp.Silo.Decisions;
using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Evaluation;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.Silo.Tests;

/// <summary>The offline commands (eval --decision-path, replay) decide with the silo's own decision path.</summary>
public sealed class DecisionPathTests
{
    [Fact]
    public async Task Offline_decision_path_has_the_silos_layers_in_the_silos_order()
    {
        var directory = Directory.CreateTempSubdirectory("safemcp-path-");
        try
        {
            var app = SiloHost.Build(new SiloOptions
            {
                SqlitePath = Path.Combine(directory.FullName, "silo.db"),
                WorldModelPath = SiloOptions.ShippedWorldModelPath,
                BootstrapTenant = null,
            });
            await using (app)
            {
                var silo = app.Services.GetRequiredService<DecisionPipeline>();
                var offline = SiloDecisionPath.Offline(new DirectWorldModelService(WorldModelPredictor.Load(SiloOptions.ShippedWorldModelPath)));

                Assert.Equal(Names(silo.Detectors), Names(offline.Detectors));
                Assert.Equal(Names(silo.VisibilityRules), Names(offline.VisibilityRules));
                Assert.Equal(Names(silo.Gates), Names(offline.Gates));
                Assert.Equal(Names(silo.OutcomeObservers), Names(offline.OutcomeObservers));
                Assert.Equal(SiloDecisionPath.Describe(silo), SiloDecisionPath.Describe(offline));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Decision_path_runs_rules_then_defenses_then_the_world_model()
    {
        var path = SiloDecisionPath.Offline(new DirectWorldModelService(WorldModelPredictor.Load(SiloOptions.ShippedWorldModelPath)));

        Assert.IsType<HazardRules>(path.Detectors[0]);
        Assert.IsType<ArgumentDetector>(path.Detectors[1]);
        Assert.IsType<WorldModelDetector>(path.Detectors[^1]);
        Assert.True(path.Gates.Count >= 2, "the tool registry and the grants gate the tools");
    }

    [Fact]
    public async Task Evaluation_path_stops_a_call_that_only_a_safe_mcp_defense_catches()
    {
        // Arguments that break the tool's schema: no hazard rule fires, the argument defense (SAFE-M-38) denies.
        var schema = """{"type":"object","properties":{"days":{"type":"integer"}},"required":["days"]}""";
        var input = new WorldModelInput("What will the weather be this week?", [new ToolInfo("GetForecast", "Returns the weather forecast.", schema)], [],
            new TrajectoryStep("GetForecast", """{"days":"a week"}"""));

        var withDefenses = await new DecisionPathCheck(SiloDecisionPath.Offline(null)).CheckAsync(input, CancellationToken.None);
        var rulesOnly = await new DecisionPathCheck(new DecisionPipeline([new HazardRules()], [new TaintVisibilityRule()])).CheckAsync(input, CancellationToken.None);

        Assert.Equal(SafetyLabel.Unsafe, withDefenses.Label);
        Assert.Contains(ArgumentDetector.SchemaLayer, withDefenses.DecidedBy);
        Assert.True(rulesOnly.Label == SafetyLabel.Safe, $"rules only: {rulesOnly.Label} by {string.Join(",", rulesOnly.DecidedBy)}");
    }

    private static string[] Names<T>(IEnumerable<T> items) => [.. items.Select(i => i!.GetType().Name)];
}
