using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Tests;

public sealed class TrajectoryJsonlTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("safemcp-jsonl-").FullName;

    [Fact]
    public void Rows_written_then_read_are_the_same()
    {
        var rows = TestModels.Rows();
        var path = Path.Combine(_directory, "rows.jsonl");

        TrajectoryJsonl.Write(path, rows);
        var read = TrajectoryJsonl.Read(path);

        Assert.Equal(rows.Count, read.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Index, read[i].Index);
            Assert.Equal(rows[i].Input.Instruction, read[i].Input.Instruction);
            Assert.Equal(rows[i].Input.Tools.Select(t => t.Name), read[i].Input.Tools.Select(t => t.Name));
            Assert.Equal(rows[i].Input.Prefix.Select(s => (s.Action, s.ArgumentsText, s.Observation)), read[i].Input.Prefix.Select(s => (s.Action, s.ArgumentsText, s.Observation)));
            Assert.Equal(rows[i].Input.Current!.Action, read[i].Input.Current!.Action);
            Assert.Equal(rows[i].Label!.Safety, read[i].Label!.Safety);
            Assert.Equal(rows[i].Label!.FilteredTools, read[i].Label!.FilteredTools);
        }
    }

    [Fact]
    public void Described_tools_keep_their_descriptions_and_schemas_in_a_field_of_their_own()
    {
        var tools = new[]
        {
            new ToolInfo("SendEmail", "Send an email.", """{"type":"object","properties":{"to":{"type":"string"}}}"""),
            new ToolInfo("ReadEmail"),
            new ToolInfo("Archive", null, """{"type":"object"}"""),
        };
        var described = new TrajectoryRow(0, new WorldModelInput("Mail Bob.", tools, [], null), new RowLabel(SafetyLabel.Safe, [], null));
        var bare = new TrajectoryRow(1, new WorldModelInput("Mail Bob.", [new ToolInfo("SendEmail")], [], null), new RowLabel(SafetyLabel.Safe, [], null));
        var path = Path.Combine(_directory, "described.jsonl");

        TrajectoryJsonl.Write(path, [described, bare]);
        var lines = File.ReadAllLines(path);
        var read = TrajectoryJsonl.Read(path);

        Assert.Equal(tools, read[0].Input.Tools);
        Assert.Contains("\"available_tools\":[\"SendEmail\",\"ReadEmail\",\"Archive\"]", lines[0]); // the authors' field is unchanged
        Assert.DoesNotContain("tool_descriptions", lines[1]);
        Assert.Equal([new ToolInfo("SendEmail")], read[1].Input.Tools);
    }

    [Fact]
    public void Descriptions_of_tools_a_row_does_not_list_are_ignored()
    {
        var path = Path.Combine(_directory, "extra.jsonl");
        File.WriteAllText(path, """{"index":0,"available_tools":["A"],"tool_descriptions":{"B":{"description":"not listed"},"A":"not an object"},"steps":[],"current_action":null,"label":{"safety":"safe","filtered_tools":[]}}""" + "\n");

        var read = TrajectoryJsonl.Read(path);

        Assert.Equal([new ToolInfo("A")], read[0].Input.Tools);
    }

    [Fact]
    public void Malformed_line_is_reported_with_its_number()
    {
        var path = Path.Combine(_directory, "bad.jsonl");
        File.WriteAllText(path, "{\"index\":1,\"available_tools\":[],\"steps\":[],\"current_action\":null,\"label\":{\"safety\":\"safe\",\"filtered_tools\":[]}}\n{\"label\":{\"safety\":\"maybe\"}}\n");

        var error = Assert.Throws<InvalidDataException>(() => TrajectoryJsonl.Read(path));
        Assert.Contains(":2:", error.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
