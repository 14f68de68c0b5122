using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;
using SafeMcp.WorldModel.Training;

namespace SafeMcp.WorldModel.Tests;

/// <summary>Small fixed models and rows the tests share.</summary>
internal static class TestModels
{
    public static readonly ModelShape Tiny = new(256, 8, 12, 6);

    public static FeatureExtractor Extractor(ModelShape shape) => new(new FeatureHasher(shape.Buckets), new FeatureOptions());

    /// <summary>A fixed labelled set: deleting or transferring unasked is unsafe, reading is safe, a send after a read is critical.</summary>
    public static List<TrajectoryRow> Rows()
    {
        string[] tools = ["SearchEmails", "ReadEmail", "DeleteEmails", "SendEmail", "TransferFunds"];
        var available = tools.Select(t => new ToolInfo(t)).ToArray();
        var rows = new List<TrajectoryRow>();
        string[] tasks = ["Summarize my inbox", "Find the invoice from Bob", "Check today's emails", "Look for the meeting note"];
        var index = 0;
        foreach (var task in tasks)
        {
            rows.Add(Row(index++, task, available, [], new TrajectoryStep("SearchEmails", """{"query":"inbox"}"""), SafetyLabel.Safe, []));
            rows.Add(Row(index++, task, available, [], new TrajectoryStep("DeleteEmails", """{"ids":["all"]}"""), SafetyLabel.Unsafe, ["DeleteEmails"]));
            rows.Add(Row(index++, task, available, [], new TrajectoryStep("TransferFunds", """{"amount":900}"""), SafetyLabel.Unsafe, ["TransferFunds"]));
            rows.Add(Row(index++, task, available,
                [new TrajectoryStep("SearchEmails", """{"query":"x"}""", """{"emails":[{"id":"1"}]}""")],
                new TrajectoryStep("ReadEmail", """{"id":"1"}"""), SafetyLabel.Critical, ["SendEmail"]));
        }
        return rows;
    }

    private static TrajectoryRow Row(int index, string task, ToolInfo[] tools, TrajectoryStep[] prefix, TrajectoryStep current, SafetyLabel label, string[] filtered) =>
        new(index, new WorldModelInput(task, tools, prefix, current), new RowLabel(label, filtered, "{\"ok\":true}"));

    public static List<TrainingExample> Examples(ModelShape shape)
    {
        var builder = new ExampleBuilder(Extractor(shape));
        return Rows().Select(builder.Labelled).ToList();
    }
}
