using System.CommandLine;
using SafeMcp.Gateway.Commands;

var root = new RootCommand("safemcp-gateway: puts any MCP server under SafeMCP Cluster's supervision.")
{
    GatewayCommands.Stdio(),
    GatewayCommands.Http(),
    GatewayCommands.Bench(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
