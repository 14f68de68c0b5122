using System.Text.Json;
using System.Text.RegularExpressions;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Defenses.Arguments;

/// <summary>
/// Argument checks beside the rule layer: the call's arguments against the tool's input schema (SAFE-M-38, layer
/// <c>schema</c>), and shapes the rule layer leaves open (layer <c>arguments</c>): encoded path traversal (SAFE-T1105),
/// shell injection into tools that do not run commands, or chaining in a command that is not otherwise sensitive
/// (SAFE-T1101), and secret values handed to a tool that is not outbound (SAFE-T1911).
/// </summary>
public sealed partial class ArgumentDetector : ICallDetector
{
    /// <summary>The layer name of schema violations.</summary>
    public const string SchemaLayer = "schema";

    /// <summary>The layer name of the other argument checks.</summary>
    public const string Layer = "arguments";

    /// <summary>Longest argument read for shell injection into a tool that does not run commands.</summary>
    public const int MaxInjectableChars = 512;

    private const Capability Outbound = Capability.NetEgress | Capability.Messaging;

    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <inheritdoc />
    public ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken)
    {
        Inspect(call, findings);
        return ValueTask.CompletedTask;
    }

    /// <summary>The synchronous core of <see cref="InspectAsync"/>.</summary>
    public static void Inspect(CallContext call, List<Finding> findings)
    {
        var tool = call.Tool;
        var arguments = call.Request.Arguments is { ValueKind: JsonValueKind.Object } a ? a : s_emptyObject;
        var errors = JsonSchemaValidator.Validate(tool.Descriptor, arguments);
        if (errors.Count > 0)
        {
            findings.Add(new Finding(SchemaLayer, Verdict.Deny,
                $"The arguments of '{tool.Name}' do not match its input schema: {string.Join("; ", errors)}.",
                [Techniques.SchemaValidation]));
        }

        var strings = new List<ArgumentString>();
        ArgumentStrings.Collect(arguments, strings, JsonSchemaValidator.MaxDepth);
        var runsCommands = (tool.Capabilities & Capability.Exec) != 0;
        foreach (var (_, text) in strings)
        {
            // Plain '..' is the rule layer's; this catches the encoded forms it cannot see.
            if (text.Contains('%', StringComparison.Ordinal) && EncodedTraversalPattern().IsMatch(text))
            {
                findings.Add(new Finding(Layer, Verdict.Deny,
                    $"Path traversal: an argument of '{tool.Name}' climbs out of its directory with an encoded '..'.",
                    [Techniques.PathTraversal, Techniques.InputValidation]));
                break;
            }
        }
        foreach (var (_, text) in strings)
        {
            // Short single-line values (names, paths, hosts) only: file contents and messages may quote shell code.
            if (!runsCommands && text.Length <= MaxInjectableChars && !text.Contains('\n', StringComparison.Ordinal) && ShellInjectionPattern().IsMatch(text))
            {
                findings.Add(new Finding(Layer, Verdict.Deny,
                    $"Command injection: an argument of '{tool.Name}' carries shell syntax that runs a command.",
                    [Techniques.CommandInjection, Techniques.InputValidation]));
                break;
            }
        }
        if (runsCommands && (call.Signals & CallSignal.CommandChaining) != 0
            && (call.Signals & (CallSignal.CommandEgress | CallSignal.Destruction | CallSignal.PrivilegeChange | CallSignal.SecretLocation)) == 0)
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"'{tool.Name}' chains or substitutes commands; a human confirms the whole command line.",
                [Techniques.CommandInjection]));
        }
        if ((call.Signals & CallSignal.SecretValue) == 0
            && (SecretTrail.SplitAcrossCalls(call.Session.ArgumentCarry, strings) || SecretTrail.CarriesFragment(call.Session.SecretFingerprints, strings)))
        {
            var outbound = (call.Capabilities & Outbound) != 0;
            findings.Add(new Finding(Layer, outbound ? Verdict.Deny : Verdict.RequireApproval,
                $"A secret the session read, or one split across its calls, is in pieces in the arguments of '{tool.Name}'"
                + (outbound ? ", which sends data out." : "; a human confirms it may be handed to the tool."),
                [Techniques.ParameterExfiltration]));
        }
        if ((call.Signals & CallSignal.SecretValue) != 0 && (call.Capabilities & Outbound) == 0)
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"A secret value is in the arguments of '{tool.Name}'; a human confirms it may be handed to the tool.",
                [Techniques.ParameterExfiltration]));
        }
    }

    [GeneratedRegex(@"(%2e|%252e|\.){2}(%2f|%252f|%5c|%255c|/|\\)|(%2f|%5c|/|\\)(%2e|%252e|\.){2}($|%2f|%5c|/|\\)|\.\.%c0%af|%c0%ae%c0%ae", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EncodedTraversalPattern();

    [GeneratedRegex(@"(;|&&|\|\||\||\$\(|`)\s*(rm|curl|wget|bash|sh|zsh|nc|ncat|python3?|perl|ruby|php|chmod|chown|cat|sudo|powershell|cmd|id|whoami|uname)\b|\$\{IFS\}", RegexOptions.CultureInvariant)]
    private static partial Regex ShellInjectionPattern();
}
