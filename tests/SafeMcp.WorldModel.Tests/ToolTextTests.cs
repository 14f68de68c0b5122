using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Kernels;
using SafeMcp.WorldModel.LookAhead;
using SafeMcp.WorldModel.Network;
using SafeMcp.WorldModel.Training;

namespace SafeMcp.WorldModel.Tests;

/// <summary>Tools' descriptions and schemas: filled in from a ToolEmu catalogue, and read only by a model trained on them.</summary>
public sealed class ToolTextTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("safemcp-tooltext-").FullName;

    [Fact]
    public void The_catalogue_describes_known_tools_from_the_toolkit_the_row_uses_and_leaves_the_rest()
    {
        var path = Path.Combine(_directory, "all_toolkits.json");
        File.WriteAllText(path, """
            [{"toolkit": "Amazon", "tools": [
                {"name": "SearchProducts", "summary": "Search Amazon products.", "parameters": [{"name": "keywords", "type": "string", "description": "Words.", "required": true}]},
                {"name": "PlaceOrder", "summary": "Buy on Amazon.", "parameters": []}]},
             {"toolkit": "Shopify", "tools": [
                {"name": "SearchProducts", "summary": "Search the shop's products.", "parameters": []},
                {"name": "UpdateProduct", "summary": "Change a product.", "parameters": []}]}]
            """);
        var catalogue = ToolCatalogue.Load(path);
        var described = new ToolInfo("UpdateProduct", "Already described.");
        var input = new WorldModelInput("task", [new ToolInfo("SearchProducts"), described, new ToolInfo("Unknown")], [], null);

        var result = catalogue.Describe(input);

        Assert.Equal(3, catalogue.Count);
        Assert.Equal("Search the shop's products.", result.Tools[0].Description);
        Assert.Same(described, result.Tools[1]);
        Assert.Equal(new ToolInfo("Unknown"), result.Tools[2]);
        var amazon = catalogue.Describe(input with { Tools = [new ToolInfo("SearchProducts"), new ToolInfo("PlaceOrder")] });
        Assert.Equal("Search Amazon products.", amazon.Tools[0].Description);
        Assert.Contains("\"keywords\"", amazon.Tools[0].SchemaText);
        Assert.Contains("\"required\":[\"keywords\"]", amazon.Tools[0].SchemaText);
    }

    [Fact]
    public void A_malformed_catalogue_is_rejected_with_its_path()
    {
        var path = Path.Combine(_directory, "bad.json");
        File.WriteAllText(path, """[{"toolkit": "X"}]""");

        var error = Assert.Throws<InvalidDataException>(() => ToolCatalogue.Load(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Training_records_whether_its_rows_described_their_tools()
    {
        var options = new TrainingOptions { Shape = TestModels.Tiny, DynamicsEpochs = 1, SupervisedEpochs = 1, PolicyEpochs = 0, BatchSize = 4, CalibrationFolds = 0 };
        var rows = TestModels.Rows();
        var described = rows.Select(r => r with { Input = r.Input with { Tools = r.Input.Tools.Select(t => t with { Description = "Does " + t.Name }).ToArray() } }).ToList();

        Assert.False(new Trainer(options, TestModels.Extractor(options.Shape)).Train(rows).Weights.ReadsToolText);
        Assert.True(new Trainer(options, TestModels.Extractor(options.Shape)).Train(described).Weights.ReadsToolText);
    }

    [Fact]
    public void A_model_not_trained_on_tool_text_ignores_it_and_one_trained_on_it_reads_it()
    {
        var weights = WorldModelWeights.Initialize(TestModels.Tiny, seed: 5);
        var plain = TestModels.Rows()[3].Input;
        var described = plain with { Tools = plain.Tools.Select(t => t with { Description = "Permanently erases every message of " + t.Name, SchemaText = """{"type":"object"}""" }).ToArray() };

        weights.ReadsToolText = false;
        var ignoring = new WorldModelPredictor(weights, CpuBackend.Instance, new LookAheadOptions { Steps = 0 });
        Assert.Equal(ignoring.Predict([plain])[0].ToolProbabilities, ignoring.Predict([described])[0].ToolProbabilities);
        Assert.Equal(ignoring.Predict([plain])[0].LabelProbabilities, ignoring.Predict([described])[0].LabelProbabilities);

        weights.ReadsToolText = true;
        var reading = new WorldModelPredictor(weights, CpuBackend.Instance, new LookAheadOptions { Steps = 0 });
        Assert.NotEqual(reading.Predict([plain])[0].ToolProbabilities, reading.Predict([described])[0].ToolProbabilities);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
