using System.CommandLine;
using SafeMcp.Client;

namespace SafeMcp.Cli.Commands;

/// <summary><c>safemcp registry list|approve|reject</c>: the tenant's pinned tools, read and reviewed through a silo.</summary>
internal static class RegistryCommand
{
    public static Command Create()
    {
        var registry = new Command("registry", "The tool registry: pinned tool definitions, quarantined until an admin approves them.");
        registry.Subcommands.Add(List());
        registry.Subcommands.Add(Review("approve", "Approve a quarantined tool's observed definition (an admin key).", approve: true));
        registry.Subcommands.Add(Review("reject", "Reject a tool's observed definition: it stays withheld; an approved one is withdrawn (an admin key).", approve: false));
        return registry;
    }

    private static Command List()
    {
        var url = CommonOptions.Url();
        var key = CommonOptions.Key();
        var server = new Option<string?>("--server") { Description = "Only this MCP server's tools." };
        var status = new Option<string?>("--status") { Description = "Only tools of this status: approved, quarantined or removed." };
        var list = new Command("list", "List the tenant's pinned tools with their status and definition hashes.") { url, key, server, status };
        list.SetAction((parse, cancellationToken) => WithClientAsync(parse.GetValue(url)!, parse.GetValue(key), async client =>
        {
            var tools = await client.ListRegisteredToolsAsync(parse.GetValue(server), parse.GetValue(status), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"{"server",-24} {"tool",-24} {"status",-12} {"reason",-9} observed hash");
            foreach (var tool in tools)
            {
                Console.WriteLine($"{tool.Server,-24} {tool.Tool,-24} {tool.Status,-12} {tool.Reason ?? "",-9} {tool.ObservedHash}");
            }
        }));
        return list;
    }

    private static Command Review(string name, string description, bool approve)
    {
        var url = CommonOptions.Url();
        var key = CommonOptions.Key();
        var server = new Argument<string>("server") { Description = "The MCP server's name (`registry list` shows it)." };
        var tool = new Argument<string>("tool");
        var hash = new Option<string?>("--hash") { Description = "The observed hash you reviewed; refused (409) when the tool has changed since." };
        var command = new Command(name, description) { server, tool, url, key, hash };
        command.SetAction((parse, cancellationToken) => WithClientAsync(parse.GetValue(url)!, parse.GetValue(key), async client =>
        {
            var pin = await client.ReviewToolAsync(parse.GetValue(server)!, parse.GetValue(tool)!, approve, parse.GetValue(hash), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"{pin.Server}/{pin.Tool}: {pin.Status}{(pin.Reason is null ? "" : $" ({pin.Reason})")}, hash {pin.ObservedHash}");
        }));
        return command;
    }

    private static async Task<int> WithClientAsync(string url, string? key, Func<SafeMcpClient, Task> action)
    {
        if (key is not { Length: > 0 })
        {
            Console.Error.WriteLine("An API key is needed: --key or SAFEMCP_API_KEY.");
            return 2;
        }
        using var client = new SafeMcpClient(new SafeMcpClientOptions { BaseAddress = new Uri(url), ApiKey = key, MaxRetries = 1 });
        try
        {
            await action(client).ConfigureAwait(false);
            return 0;
        }
        catch (SafeMcpException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
