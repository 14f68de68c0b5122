using SafeMcp.WorldModel.Data;

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
    public void Malformed_line_is_reported_with_its_number()
    {
        var path = Path.Combine(_directory, "bad.jsonl");
        File.WriteAllText(path, "{\"index\":1,\"available_tools\":[],\"steps\":[],\"current_action\":null,\"label\":{\"safety\":\"safe\",\"filtered_tools\":[]}}\n{\"label\":{\"safety\":\"maybe\"}}\n");

        var error = Assert.Throws<InvalidDataException>(() => TrajectoryJsonl.Read(path));
        Assert.Contains(":2:", error.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
