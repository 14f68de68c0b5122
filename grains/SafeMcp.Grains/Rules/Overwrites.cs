using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Rules;

/// <summary>
/// Tells creating a file from overwriting one, for a writing tool whose only sign of deleting is its
/// <c>destructiveHint</c> (e.g. a <c>write_file</c> that "creates or overwrites"): such a call destroys data only when
/// its target already exists. The cluster does not see the server's files, so it takes the session's own trajectory as
/// the evidence: a target the recent calls named in their arguments, or whose file name appeared in what they returned
/// (a read, a listing), exists; one the session never met is a new file, and writing it is not a destruction.
/// </summary>
public static class Overwrites
{
    // Argument names that hold the path a write lands on.
    private static readonly string[] s_targetKeys = ["path", "file", "filename", "file_path", "filepath", "target", "destination", "dest", "to"];

    /// <summary>
    /// Whether a call of <paramref name="tool"/> with <paramref name="arguments"/> creates files rather than destroys
    /// data: the tool deletes only by its hint, the call names its targets, and none of them is known to the session.
    /// </summary>
    public static bool CreatesOnly(SessionState session, ToolProfile tool, JsonElement? arguments)
    {
        if (!tool.DeletesOnlyByHint || arguments is not { ValueKind: JsonValueKind.Object } args)
        {
            return false;
        }
        var targets = 0;
        foreach (var property in args.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String || Array.IndexOf(s_targetKeys, property.Name.ToLowerInvariant()) < 0)
            {
                continue;
            }
            var target = property.Value.GetString();
            if (string.IsNullOrWhiteSpace(target) || Known(session, target))
            {
                return false;
            }
            targets++;
        }
        return targets > 0;
    }

    /// <summary>Whether the session's recent calls met <paramref name="target"/>: named it, or returned its file name.</summary>
    private static bool Known(SessionState session, string target)
    {
        var name = Path.GetFileName(target.TrimEnd('/', '\\'));
        // Recent calls keep their arguments redacted (a random-looking path segment included): compare like with like.
        var stored = SecretPatterns.Redact(target);
        foreach (var call in session.RecentCalls)
        {
            if (call.Verdict == Verdict.Deny)
            {
                continue; // it did not run: it made nothing exist
            }
            if (call.Arguments.Contains(target, StringComparison.Ordinal) || call.Arguments.Contains(stored, StringComparison.Ordinal)
                || (name.Length > 0 && call.Observation is { } observation && observation.Contains(name, StringComparison.Ordinal)))
            {
                return true;
            }
        }
        return false;
    }
}
