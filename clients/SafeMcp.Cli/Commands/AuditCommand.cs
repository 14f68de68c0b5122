using System.CommandLine;
using System.Text;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Silo.Storage;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// <c>safemcp audit verify|export|anchor|new-key</c>: check the MAC chain (against an anchor too), export decisions for a
/// SIEM, write a signed anchor of every tenant's head, add a key (embedded file or cluster database).
/// </summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var audit = new Command("audit", "The tamper-evident audit log.");

        var verifyLog = new AuditLogOptions();
        var anchorFile = new Option<string?>("--anchor") { Description = "Also check against an anchor written by 'audit anchor': rows or tenants deleted, or the log rolled back, since it." };
        var verify = new Command("verify", "Recompute every tenant's MAC chain; exit code 1 when a row was modified, reordered, inserted or deleted.");
        verifyLog.AddTo(verify);
        var acceptUnkeyed = new Option<bool>("--accept-unkeyed") { Description = "Accept rows linked before audit keys existed (plain SHA-256, which whoever writes the database can recompute)." };
        verify.Options.Add(anchorFile);
        verify.Options.Add(acceptUnkeyed);
        verify.SetAction((parse, cancellationToken) =>
        {
            AuditAnchor? anchor = null;
            return verifyLog.WithLogAsync(parse, async (log, tenants) =>
            {
                var intact = true;
                foreach (var id in tenants)
                {
                    var anchored = anchor?.Tenants.FirstOrDefault(t => t.TenantId == id);
                    var (result, unchained) = await log.VerifyAsync(id, cancellationToken, anchored, parse.GetValue(acceptUnkeyed)).ConfigureAwait(false);
                    var legacy = unchained > 0 ? $" ({unchained} rows written before the chain existed)" : string.Empty;
                    var unkeyed = result.Unkeyed > 0 ? $" ({result.Unkeyed} rows linked before audit keys existed: not protected from whoever can write the database)" : string.Empty;
                    Console.WriteLine(result.IsIntact ? $"{id}: intact, {result.Rows} rows{legacy}{unkeyed}" : $"{id}: TAMPERED, {result.Rows} rows{legacy}{unkeyed}");
                    foreach (var problem in result.Problems)
                    {
                        Console.WriteLine("  " + problem);
                    }
                    intact &= result.IsIntact;
                }
                if (anchor is not null)
                {
                    Console.WriteLine($"checked against the anchor of {anchor.CreatedAt:O} ({anchor.Tenants.Count} tenants)");
                }
                return intact ? 0 : 1;
            }, cancellationToken, keys =>
            {
                if (parse.GetValue(anchorFile) is not { } path)
                {
                    return [];
                }
                anchor = AuditAnchor.Parse(File.Exists(path) ? File.ReadAllText(path) : throw new FileNotFoundException($"No anchor file at {path}.", path), keys);
                return [.. anchor.Tenants.Select(t => t.TenantId)];
            });
        });

        var anchorLog = new AuditLogOptions();
        var anchorOutput = new Option<string>("--output") { Description = "The anchor file to write (keep it out of the database's reach).", Required = true };
        var anchorCommand = new Command("anchor", "Verify every tenant's chain and write a signed anchor of their heads and row counts; exit code 1 (and no anchor) when a chain is not intact.");
        anchorLog.AddTo(anchorCommand);
        anchorCommand.Options.Add(anchorOutput);
        anchorCommand.SetAction((parse, cancellationToken) => anchorLog.WithLogAsync(parse, async (log, tenants) =>
        {
            var records = new List<AuditAnchorTenant>();
            foreach (var id in tenants)
            {
                var (result, _) = await log.VerifyAsync(id, cancellationToken).ConfigureAwait(false);
                if (!result.IsIntact)
                {
                    Console.Error.WriteLine($"{id}: TAMPERED, no anchor written (an anchor would vouch for it):");
                    foreach (var problem in result.Problems)
                    {
                        Console.Error.WriteLine("  " + problem);
                    }
                    return 1;
                }
                records.Add(new AuditAnchorTenant(id, result.Rows, result.Head, result.Outcomes));
            }
            var anchor = AuditAnchor.Sign(log.Keys, DateTimeOffset.UtcNow, records);
            await File.WriteAllTextAsync(parse.GetValue(anchorOutput)!, anchor.ToJson(), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"anchored {records.Count} tenants, {records.Sum(r => r.Rows)} rows, signed with key '{anchor.KeyId}'");
            return 0;
        }, cancellationToken));

        var keyFile = new Option<string>("--file") { Description = "The audit key file to append to (created owner-only when missing).", Required = true };
        var keyId = new Option<string>("--id") { Description = "The new key's id (letters, digits, '.', '_', '-').", Required = true };
        var newKey = new Command("new-key", "Append a fresh random key to an audit key file: it signs from the next silo start on; the keys before it still verify.") { keyFile, keyId };
        newKey.SetAction(parse =>
        {
            try
            {
                var ring = AuditKeyRing.AppendNewKey(parse.GetValue(keyFile)!, parse.GetValue(keyId)!);
                Console.WriteLine($"key '{ring.CurrentKeyId}' added; the file holds {ring.KeyIds.Count} keys");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });

        var exportLog = new AuditLogOptions();
        var format = new Option<string>("--format") { Description = "jsonl (one JSON object a decision) or cef (ArcSight Common Event Format).", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "cef");
        var output = new Option<string?>("--output") { Description = "Write to this file (default: standard output)." };
        var export = new Command("export", "Export decisions, with their chain hashes, for a SIEM.");
        exportLog.AddTo(export);
        export.Options.Add(format);
        export.Options.Add(output);
        export.SetAction((parse, cancellationToken) => exportLog.WithLogAsync(parse, async (log, tenants) =>
        {
            await using var writer = parse.GetValue(output) is { } file ? new StreamWriter(file, append: false, new UTF8Encoding(false)) : new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
            var cef = parse.GetValue(format) == "cef";
            foreach (var id in tenants)
            {
                await foreach (var row in log.ReadAsync(id, cancellationToken).ConfigureAwait(false))
                {
                    await writer.WriteLineAsync(cef ? AuditExportFormats.Cef(row) : AuditExportFormats.JsonLine(row)).ConfigureAwait(false);
                }
            }
            return 0;
        }, cancellationToken));

        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(export);
        audit.Subcommands.Add(anchorCommand);
        audit.Subcommands.Add(newKey);
        return audit;
    }
}
