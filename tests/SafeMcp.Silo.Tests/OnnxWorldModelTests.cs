using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SafeMcp.Grains.Decisions;
using SafeMcp.Silo.Tenants;
using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Evaluation;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.ModelFile;
using SafeMcp.WorldModel.Network;
using SafeMcp.WorldModel.Onnx;

namespace SafeMcp.Silo.Tests;

/// <summary>An ONNX model that follows the contract is served as the silo's world model (tier 2); one that breaks it is refused at start.</summary>
public sealed class OnnxWorldModelTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("safemcp-onnx-");

    // In name order, as a session lists its tools to the world model: the tiny model filters the second, GetForecast.
    private static readonly ToolInfo[] s_tools =
    [
        new("ArchiveNotes", "Moves notes to the archive."),
        new("GetForecast", "Returns the weather forecast for a city."),
        new("ListNotes", "Lists the user's notes."),
    ];

    [Fact]
    public async Task Silo_serves_an_onnx_model_and_decides_by_its_outputs()
    {
        var model = TinyOnnxModel.Write(_directory.FullName);
        await using var app = Silo(model, "--WorldModel:Tiering:Tier=Transformer");
        var check = new DecisionPathCheck(app.Services.GetRequiredService<DecisionPipeline>());
        for (var row = 1; row <= 3; row++)
        {
            // Each row is a session of a tenant of its own (DecisionPathCheck), which the silo's stores must know.
            await ApiKeys.CreateTenantWithKeyAsync(app.Services.GetRequiredService<ITenantStore>(), $"row-{row}", $"row-{row}", CancellationToken.None);
        }

        var benign = await check.CheckAsync(Row("""{"folder":"work"}"""), CancellationToken.None);
        var harmful = await check.CheckAsync(Row($$"""{"folder":"{{TinyOnnxModel.UnsafeWord}}"}"""), CancellationToken.None);
        var critical = await check.CheckAsync(Row($$"""{"folder":"{{TinyOnnxModel.CriticalWord}}"}"""), CancellationToken.None);

        Assert.Equal(SafetyLabel.Safe, benign.Label);
        Assert.Equal(SafetyLabel.Unsafe, harmful.Label);
        Assert.Contains(WorldModelDetector.Layer, harmful.DecidedBy);
        Assert.Equal(SafetyLabel.Critical, critical.Label);
        Assert.Equal(["GetForecast"], critical.FilteredTools);
    }

    [Fact]
    public async Task Onnx_model_checks_a_batch_as_it_checks_each_row()
    {
        using var model = OnnxWorldModel.Load(TinyOnnxModel.Write(_directory.FullName), new OnnxModelOptions { PreferCuda = false });
        WorldModelInput[] inputs = [Row("""{"folder":"work"}"""), Row($$"""{"folder":"{{TinyOnnxModel.UnsafeWord}} and more words to pad"}"""), Row($$"""{"folder":"{{TinyOnnxModel.CriticalWord}}"}""")];

        var batch = model.Check(inputs);
        var single = inputs.Select(i => model.Check([i])[0]).ToArray();

        Assert.Equal("CPUExecutionProvider", model.Provider);
        Assert.Equal([SafetyLabel.Safe, SafetyLabel.Unsafe, SafetyLabel.Critical], batch.Select(o => o.Label));
        Assert.Equal(single.Select(o => o.Label), batch.Select(o => o.Label));
        Assert.Equal(single.Select(o => o.Prediction.LabelProbabilities[1]), batch.Select(o => o.Prediction.LabelProbabilities[1]));
    }

    [Fact]
    public void Silo_refuses_at_start_an_onnx_model_that_breaks_the_contract()
    {
        var model = TinyOnnxModel.Write(_directory.FullName, labelColumns: 2);

        var error = Assert.Throws<ModelFileException>(() => Silo(model));

        Assert.Contains("label_logits", error.Message);
        Assert.Contains("3 columns", error.Message);
    }

    [Fact]
    public void Silo_refuses_at_start_an_onnx_model_without_its_vocabulary()
    {
        var model = TinyOnnxModel.Write(_directory.FullName, writeVocabulary: false);

        var error = Assert.Throws<ModelFileException>(() => Silo(model));

        Assert.Contains("vocab.txt", error.Message);
    }

    [Fact]
    public void Silo_refuses_at_start_tiering_options_out_of_range()
    {
        var model = TinyOnnxModel.Write(_directory.FullName);

        var error = Assert.Throws<ArgumentException>(() => Silo(model, "--WorldModel:Tiering:Margin=1.5"));

        Assert.Contains("Margin", error.Message);
    }

    private static WorldModelInput Row(string arguments) =>
        new("Plan my week.", s_tools, [], new TrajectoryStep("ListNotes", arguments));

    private WebApplication Silo(string model, params string[] args) => SiloHost.Build(new SiloOptions
    {
        SqlitePath = Path.Combine(_directory.FullName, "silo.db"),
        WorldModelPath = model,
        BootstrapTenant = null,
    }, args);

    public void Dispose() => _directory.Delete(recursive: true);
}
