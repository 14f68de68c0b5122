using System.CommandLine;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Sqlite;
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
        var create = new Command("create", "Create a tenant and print its first API key (shown once).") { id, name, sqlite };
        create.SetAction(async (parse, cancellationToken) =>
        {
            await using var storage = new SqliteStorage(parse.GetValue(sqlite)!, new GroupCommitOptions());
            try
            {
                var key = await ApiKeys.CreateTenantWithKeyAsync(storage, parse.GetValue(id)!, parse.GetValue(name), cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Created tenant '{parse.GetValue(id)}'. API key (shown once, stored only as a hash):");
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
        var addKey = new Command("add-key", "Add an API key to a tenant and print it (shown once).") { keyId, keySqlite };
        addKey.SetAction(async (parse, cancellationToken) =>
        {
            await using var storage = new SqliteStorage(parse.GetValue(keySqlite)!, new GroupCommitOptions());
            try
            {
                Console.WriteLine(await ApiKeys.AddKeyAsync(storage, parse.GetValue(keyId)!, cancellationToken).ConfigureAwait(false));
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
