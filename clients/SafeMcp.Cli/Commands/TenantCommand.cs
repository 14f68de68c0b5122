using System.CommandLine;
using SafeMcp.Silo.Tenants;

namespace SafeMcp.Cli.Commands;

/// <summary><c>safemcp tenant create|add-key</c>: tenants and their keys, written straight to storage.</summary>
internal static class TenantCommand
{
    public static Command Create()
    {
        var tenant = new Command("tenant", "Manage tenants and API keys.");

        var id = new Argument<string>("tenant-id") { Description = "Lower-case letters, digits and '-'." };
        var name = new Option<string?>("--name") { Description = "A display name (default: the id)." };
        var sqlite = CommonOptions.Sqlite();
        var postgres = CommonOptions.Postgres();
        var create = new Command("create", "Create a tenant and print its first API key (shown once).") { id, name, sqlite, postgres };
        create.SetAction(async (parse, cancellationToken) =>
        {
            await using var opened = await TenantStoreOpener.OpenAsync(parse.GetValue(sqlite)!, parse.GetValue(postgres), cancellationToken).ConfigureAwait(false);
            try
            {
                var key = await ApiKeys.CreateTenantWithKeyAsync(opened.Store, parse.GetValue(id)!, parse.GetValue(name), cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Created tenant '{parse.GetValue(id)}'. Its admin API key (shown once, stored only as a hash; 'tenant add-key' makes agent keys for MCP servers):");
                Console.WriteLine(key);
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });

        var keyId = new Argument<string>("tenant-id");
        var keySqlite = CommonOptions.Sqlite();
        var keyPostgres = CommonOptions.Postgres();
        var admin = new Option<bool>("--admin") { Description = "An admin key (approves quarantined tools, grants, policy); default: an agent key for MCP servers, the hook and the gateway." };
        var addKey = new Command("add-key", "Add an API key to a tenant and print it (shown once).") { keyId, keySqlite, keyPostgres, admin };
        addKey.SetAction(async (parse, cancellationToken) =>
        {
            await using var opened = await TenantStoreOpener.OpenAsync(parse.GetValue(keySqlite)!, parse.GetValue(keyPostgres), cancellationToken).ConfigureAwait(false);
            try
            {
                var role = parse.GetValue(admin) ? KeyRole.Admin : KeyRole.Agent;
                Console.WriteLine(await ApiKeys.AddKeyAsync(opened.Store, parse.GetValue(keyId)!, role, cancellationToken).ConfigureAwait(false));
                return 0;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });

        tenant.Subcommands.Add(create);
        tenant.Subcommands.Add(addKey);
        return tenant;
    }
}
