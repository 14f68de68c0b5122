using System.CommandLine;
using SafeMcp.Cli.Commands;

var root = new RootCommand("SafeMCP Cluster: supervises LLM agents' MCP tool calls.")
{
    SiloCommand.Create(),
    TenantCommand.Create(),
    SessionCommand.Create(),
    DefensesCommand.Create(),
    AuditCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
