using SafeMcp.Testing;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.ModelFile;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.EndToEnd.Tests;

/// <summary>
/// A real silo process that consults a world model file, driven through the sample MCP server. The model is made for
/// the test so its answers are known: every check is critical and every tool is filtered.
/// </summary>
public sealed class WorldModelTests
{
    [Fact]
    public async Task The_initial_check_filters_the_first_tool_list()
    {
        using var directory = new TempDirectory("safemcp-e2e-worldmodel");
        await using var silo = await SiloProcess.StartAsync(directory.Path, "--world-model", WriteModel(directory.Path));
        await using var session = await SampleServerSession.StartAsync(silo.BaseAddress, silo.BootstrapKey!, "Summarize my notes.");

        var tools = await session.ToolNamesAsync();
        var call = await session.CallAsync("read_file", ("path", "notes.md"));

        Assert.Empty(tools);
        Assert.True(call.IsError);
        Assert.Contains("World model", SampleServerSession.Text(call));

        // The audit log as training rows: the initial check filtered every tool, then the call was denied.
        var exported = Path.Combine(directory.Path, "observed.jsonl");
        var (exitCode, output) = await SafemcpCli.RunAsync("export-trajectories", "--sqlite", silo.SqlitePath, "--out", exported);
        Assert.True(exitCode == 0, output);
        var rows = TrajectoryJsonl.Read(exported);
        Assert.Equal(2, rows.Count);
        Assert.Null(rows[0].Input.Current);
        Assert.Equal(SafetyLabel.Critical, rows[0].Label!.Safety);
        Assert.Equal(rows[0].Input.Tools.Select(t => t.Name), rows[0].Label!.FilteredTools);
        Assert.Contains("read_file", rows[0].Label!.FilteredTools);
        Assert.Equal("Summarize my notes.", rows[0].Input.Instruction);
        Assert.Equal("read_file", rows[1].Input.Current!.Action);
        Assert.Equal(SafetyLabel.Unsafe, rows[1].Label!.Safety);
        Assert.Empty(rows[1].Input.Tools);
    }

    [Fact]
    public async Task Without_the_initial_check_a_critical_call_runs_and_withholds_the_other_tools()
    {
        using var directory = new TempDirectory("safemcp-e2e-worldmodel");
        var environment = new Dictionary<string, string> { ["WorldModel__InitialCheck"] = "false" };
        await using var silo = await SiloProcess.StartAsync(directory.Path, environment, "--world-model", WriteModel(directory.Path));
        await using var session = await SampleServerSession.StartAsync(silo.BaseAddress, silo.BootstrapKey!, "Summarize my notes.",
            prepareSandbox: sandbox => File.WriteAllText(Path.Combine(sandbox, "notes.md"), "Monday: planning.\n"));

        var before = await session.ToolNamesAsync();
        var call = await session.CallAsync("read_file", ("path", "notes.md"));
        await session.WaitForToolListChangedAsync();
        var after = await session.ToolNamesAsync();

        Assert.True(before.Count > 1, string.Join(", ", before));
        Assert.False(call.IsError == true, SampleServerSession.Text(call));
        Assert.Equal(["read_file"], after);
    }

    [Fact]
    public async Task A_corrupt_model_file_stops_the_silo_at_start_with_the_reason()
    {
        using var directory = new TempDirectory("safemcp-e2e-worldmodel");
        var path = Path.Combine(directory.Path, "corrupt.smwm");
        var bytes = ModelFileFormat.Serialize(Model());
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(directory.Path, "--world-model", path));

        Assert.Contains("checksum", error.Message);
    }

    /// <summary>A model whose every weight is zero but two biases: the critical label always wins and every tool is filtered.</summary>
    private static WorldModelWeights Model()
    {
        var weights = WorldModelWeights.Initialize(new ModelShape(256, 8, 12, 6), seed: 1);
        Array.Clear(weights.Parameters);
        weights.Parameters[weights.Layout.LabelBias.Start.Value + (int)SafetyLabel.Critical] = 10;
        weights.Parameters[weights.Layout.ToolScoreBias.Start.Value] = 10;
        weights.ReadsToolText = false;
        return weights;
    }

    private static string WriteModel(string directory)
    {
        var path = Path.Combine(directory, "critical.smwm");
        ModelFileFormat.Write(Model(), path);
        return path;
    }
}
