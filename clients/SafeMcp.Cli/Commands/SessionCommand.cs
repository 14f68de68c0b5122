using System.CommandLine;
using SafeMcp.Client;

namespace SafeMcp.Cli.Commands;

/// <summary><c>safemcp session show</c>: a session's state and decisions, read from a silo.</summary>
internal static class SessionCommand
{
    public static Command Create()
    {
        var session = new Command("session", "Inspect sessions.");
        var id = new Argument<string>("session-id");
        var url = CommonOptions.Url();
        var key = CommonOptions.Key();
        var show = new Command("show", "Show a session's visible and withheld tools, taint and decisions.") { id, url, key };
        show.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(key) is not { Length: > 0 } apiKey)
            {
                Console.Error.WriteLine("An API key is needed: --key or SAFEMCP_API_KEY.");
                return 2;
            }
            using var client = new SafeMcpClient(new SafeMcpClientOptions { BaseAddress = new Uri(parse.GetValue(url)!), ApiKey = apiKey, MaxRetries = 1 });
            try
            {
                var snapshot = await client.GetSessionAsync(parse.GetValue(id)!, cancellationToken: cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Session {TerminalText.Escape(snapshot.SessionId)} (tenant {TerminalText.Escape(snapshot.TenantId)}), {snapshot.Sequence} decisions, version {snapshot.View.Version}");
                if (snapshot.Instruction is { } instruction)
                {
                    Console.WriteLine($"Instruction: {TerminalText.Escape(instruction)}");
                }
                Console.WriteLine($"Taint: {(snapshot.View.Taint.Count == 0 ? "none" : TerminalText.Join(", ", snapshot.View.Taint))}");
                Console.WriteLine($"Capabilities used: {(snapshot.CapabilitiesUsed.Count == 0 ? "none" : TerminalText.Join(", ", snapshot.CapabilitiesUsed))}");
                Console.WriteLine($"Visible tools: {TerminalText.Join(", ", snapshot.View.VisibleTools)}");
                foreach (var withheld in snapshot.View.WithheldTools)
                {
                    Console.WriteLine($"Withheld: {TerminalText.Escape(withheld.Name)} [{TerminalText.Join(", ", withheld.Techniques)}] {TerminalText.Escape(withheld.Reason)}");
                }
                Console.WriteLine();
                Console.WriteLine($"{"seq",5}  {"verdict",-16} {"tool",-24} {"by",-12} techniques / reasons");
                foreach (var d in snapshot.Decisions)
                {
                    var verdict = System.Text.Json.JsonSerializer.Serialize(d.Verdict, SafeMcp.Contracts.SafeMcpJsonContext.Default.Verdict).Trim('"');
                    Console.WriteLine($"{d.Sequence,5}  {verdict,-16} {TerminalText.Escape(d.Tool),-24} {TerminalText.Join(",", d.DecidedBy),-12} {TerminalText.Join(",", d.Techniques)} {TerminalText.Join(" ", d.Reasons)}");
                }
                return 0;
            }
            catch (SafeMcpException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        session.Subcommands.Add(show);
        return session;
    }
}
