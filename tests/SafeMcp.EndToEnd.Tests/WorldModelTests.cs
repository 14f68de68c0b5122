using SafeMcp.Testing;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Features;
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
        Assert.All(rows[0].Input.Tools, tool => Assert.False(string.IsNullOrEmpty(tool.Description), tool.Name)); // as the server described them
        Assert.All(rows[0].Input.Tools, tool => Assert.StartsWith("{", tool.SchemaText));
        Assert.Equal("read_file", rows[1].Input.Current!.Action);
        Assert.Equal(SafetyLabel.Unsafe, rows[1].Label!.Safety);
        Assert.Empty(rows[1].Input.Tools);

        // An export that cannot be written says so and leaves nothing behind.
        var nowhere = Path.Combine(directory.Path, "missing", "observed.jsonl");
        var (failed, failure) = await SafemcpCli.RunAsync("export-trajectories", "--sqlite", silo.SqlitePath, "--out", nowhere);
        Assert.Equal(2, failed);
        Assert.Contains("cannot be exported", failure);
        Assert.False(Directory.Exists(Path.Combine(directory.Path, "missing")));
    }

    [Fact]
    public async Task A_model_retrained_on_the_exported_audit_log_makes_the_decisions_it_observed()
    {
        // A silo whose model filters everything at open; its audit log is exported as training rows.
        using var directory = new TempDirectory("safemcp-e2e-retrain");
        var exported = Path.Combine(directory.Path, "observed.jsonl");
        await using (var silo = await SiloProcess.StartAsync(Directory.CreateDirectory(Path.Combine(directory.Path, "first")).FullName, "--world-model", WriteModel(directory.Path)))
        await using (var session = await SampleServerSession.StartAsync(silo.BaseAddress, silo.BootstrapKey!, "Summarize my notes."))
        {
            Assert.Empty(await session.ToolNamesAsync());
            var (exitCode, output) = await SafemcpCli.RunAsync("export-trajectories", "--sqlite", silo.SqlitePath, "--out", exported);
            Assert.True(exitCode == 0, output);
        }

        // A small model trained on reference rows (another task over the same tools, safe as it opens) and on those rows...
        var observed = TrajectoryJsonl.Read(exported);
        var tools = observed[0].Input.Tools;
        Assert.NotEmpty(tools);
        var data = Directory.CreateDirectory(Path.Combine(directory.Path, "data", "safemcp")).FullName;
        TrajectoryJsonl.Write(Path.Combine(data, "stage2_train.jsonl"),
        [
            new TrajectoryRow(0, new WorldModelInput("List the files of the project folder.", tools, [], null), new RowLabel(SafetyLabel.Safe, [], null)),
            new TrajectoryRow(1, new WorldModelInput("List the files of the project folder.", tools, [], new TrajectoryStep("list_directory", """{"path":"."}""")), new RowLabel(SafetyLabel.Safe, [], null)),
        ]);
        var retrained = Path.Combine(directory.Path, "retrained.smwm");
        var (trained, trainOutput) = await SafemcpCli.RunAsync("train", "--data-dir", Path.Combine(directory.Path, "data"), "--extra", exported, "--out", retrained,
            "--dim", "8", "--buckets", "256", "--hidden", "12", "--tool-hidden", "6", "--folds", "0", "--dynamics-epochs", "1",
            "--supervised-epochs", "200", "--policy-epochs", "0", "--feature-dropout", "0", "--learning-rate", "0.03");
        Assert.True(trained == 0, trainOutput);
        var weights = ModelFileFormat.Read(retrained);
        Assert.NotEqual(Model().Parameters, weights.Parameters);
        Assert.True(weights.ReadsToolText); // the exported rows carry the tools' descriptions

        // ...serves a second silo, which now filters the observed task's tools as it opens, and not the other task's.
        await using var second = await SiloProcess.StartAsync(Directory.CreateDirectory(Path.Combine(directory.Path, "second")).FullName, "--world-model", retrained);
        await using (var again = await SampleServerSession.StartAsync(second.BaseAddress, second.BootstrapKey!, "Summarize my notes."))
        {
            Assert.Empty(await again.ToolNamesAsync());
            var call = await again.CallAsync("read_file", ("path", "notes.md"));
            Assert.True(call.IsError);
            Assert.Contains("World model", SampleServerSession.Text(call));
        }
        await using var other = await SampleServerSession.StartAsync(second.BaseAddress, second.BootstrapKey!, "List the files of the project folder.");
        Assert.Equal(tools.Select(t => t.Name).Order(StringComparer.Ordinal), (await other.ToolNamesAsync()).Order(StringComparer.Ordinal));
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
