using System.CommandLine;
using SafeMcp.Cli.Commands;

var root = new RootCommand("SafeMCP Cluster: supervises LLM agents' MCP tool calls.")
{
    SiloCommand.Create(),
    TenantCommand.Create(),
    SessionCommand.Create(),
    RegistryCommand.Create(),
    DefensesCommand.Create(),
    AuditCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    ReplayCommand.Create(),
    BenchInferenceCommand.Create(),
    ExportTrajectoriesCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
