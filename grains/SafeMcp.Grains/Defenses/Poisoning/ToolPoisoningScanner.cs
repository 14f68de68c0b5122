using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Rules;

namespace SafeMcp.Grains.Defenses.Poisoning;

/// <summary>
/// Reads a tool's metadata (description, title, annotations, and every string of its input schema) for signs of
/// poisoning: hidden characters and encoded payloads (SAFE-T1402), instruction markers, directives aimed at the model
/// and exfiltration directions (SAFE-T1001), references that redirect other tools (SAFE-T1301); any of them inside
/// the schema is full-schema poisoning (SAFE-T1501). Reports are cached per descriptor instance.
/// </summary>
public static partial class ToolPoisoningScanner
{
    /// <summary>Longest text read from one field; the rest is not scanned.</summary>
    public const int MaxFieldChars = 32 * 1024;

    /// <summary>Deepest schema nesting walked.</summary>
    public const int MaxSchemaDepth = 16;

    /// <summary>Shortest base64 run that is decoded and read as a possibly hidden payload.</summary>
    public const int MinEncodedPayloadChars = 40;

    /// <summary>Longest run of blank characters a description may hold before the text after it counts as pushed out of view.</summary>
    public const int MaxBlankRun = 24;

    private static readonly ConditionalWeakTable<ToolDescriptor, PoisoningReport> s_cache = new();

    /// <summary>The report for <paramref name="tool"/>, computed once per descriptor instance.</summary>
    public static PoisoningReport Scan(ToolDescriptor tool) => s_cache.GetValue(tool, ScanUncached);

    private static PoisoningReport ScanUncached(ToolDescriptor tool)
    {
        var hits = new List<PoisoningHit>();
        ScanText(tool.Description, "description", inSchema: false, hits);
        ScanText(tool.Title, "title", inSchema: false, hits);
        ScanText(tool.Annotations?.Title, "annotations", inSchema: false, hits);
        if (tool.InputSchema is { ValueKind: JsonValueKind.Object } schema)
        {
            WalkSchema(schema, "schema", hits, depth: 0);
        }
        return hits.Count == 0 ? PoisoningReport.Clean : new PoisoningReport(hits);
    }

    /// <summary>Signs of poisoning in one piece of text (a description, a result); <paramref name="inSchema"/> files every hit under SAFE-T1501.</summary>
    public static void ScanText(string? text, string field, bool inSchema, List<PoisoningHit> hits)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }
        if (text.Length > MaxFieldChars)
        {
            text = text[..MaxFieldChars];
        }
        var stego = inSchema ? Techniques.FullSchemaPoisoning : Techniques.InstructionSteganography;
        var poisoning = inSchema ? Techniques.FullSchemaPoisoning : Techniques.ToolPoisoning;
        var shadowing = inSchema ? Techniques.FullSchemaPoisoning : Techniques.CrossServerToolShadowing;

        var hidden = ContentScanner.IndexOfHiddenUnicode(text);
        if (hidden >= 0)
        {
            hits.Add(new PoisoningHit(stego, field, $"hidden character U+{char.ConvertToUtf32(text, hidden):X4}"));
        }
        if (BlankRunPattern().IsMatch(text))
        {
            hits.Add(new PoisoningHit(stego, field, "text pushed out of view by a long run of blanks"));
        }
        if (FindEncodedInstruction(text) is { } decoded)
        {
            hits.Add(new PoisoningHit(stego, field, $"an encoded payload that reads '{Shorten(decoded)}'"));
        }
        AddFirst(MarkerPattern(), text, poisoning, field, "instruction marker", hits);
        AddFirst(DirectivePattern(), text, poisoning, field, "directive aimed at the model", hits);
        AddFirst(ConcealmentPattern(), text, poisoning, field, "an order to keep something from the user", hits);
        AddFirst(ExfiltrationPattern(), text, poisoning, field, "an exfiltration direction", hits);
        AddFirst(ShadowingPattern(), text, shadowing, field, "a reference that redirects another tool", hits);
    }

    /// <summary>
    /// Whether <paramref name="text"/> (e.g. a tool's result) addresses the model with directives or orders to keep
    /// something from the user. Markers such as HTML comments are left out: ordinary web content carries them.
    /// </summary>
    public static bool ContainsInstructions(string text) => DirectivePattern().IsMatch(text) || ConcealmentPattern().IsMatch(text);

    private static void AddFirst(Regex pattern, string text, string technique, string field, string what, List<PoisoningHit> hits)
    {
        var match = pattern.Match(text);
        if (match.Success)
        {
            hits.Add(new PoisoningHit(technique, field, $"{what} ('{Shorten(match.Value)}')"));
        }
    }

    private static void WalkSchema(JsonElement element, string path, List<PoisoningHit> hits, int depth)
    {
        if (depth > MaxSchemaDepth)
        {
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    // Property names under "properties" are names the model fills in: a name can carry the payload.
                    if (path.EndsWith(".properties", StringComparison.Ordinal))
                    {
                        ScanPropertyName(property.Name, $"{path}.{property.Name}", hits);
                    }
                    WalkSchema(property.Value, $"{path}.{property.Name}", hits, depth + 1);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    WalkSchema(item, $"{path}[{index++}]", hits, depth + 1);
                }
                break;
            case JsonValueKind.String:
                ScanText(element.GetString(), path, inSchema: true, hits);
                break;
        }
    }

    private static void ScanPropertyName(string name, string field, List<PoisoningHit> hits)
    {
        var words = name.Replace('_', ' ').Replace('-', ' ');
        ScanText(words, field, inSchema: true, hits);
        if (SensitiveParameterNamePattern().IsMatch(name))
        {
            hits.Add(new PoisoningHit(Techniques.FullSchemaPoisoning, field, $"a parameter that asks for a secret or the conversation ('{Shorten(name)}')"));
        }
    }

    private static string? FindEncodedInstruction(string text)
    {
        foreach (Match match in Base64RunPattern().Matches(text))
        {
            var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(match.Length)];
            if (!Convert.TryFromBase64String(match.Value, bytes, out var written))
            {
                continue;
            }
            var decoded = Encoding.UTF8.GetString(bytes, 0, written);
            var printable = decoded.Count(c => c is >= ' ' and <= '~' or '\n' or '\t');
            // Encoded text (not an encoded hash or key) in metadata only hides it from the human reader.
            if (printable >= decoded.Length * 0.9 && decoded.Count(c => c == ' ') >= 3)
            {
                return decoded;
            }
        }
        return null;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    [GeneratedRegex(@"[ \t\u00A0]{24,}\S|(\r?\n[ \t]*){8,}\S", RegexOptions.CultureInvariant)]
    private static partial Regex BlankRunPattern();

    [GeneratedRegex(@"[A-Za-z0-9+/]{40,}={0,2}", RegexOptions.CultureInvariant)]
    private static partial Regex Base64RunPattern();

    [GeneratedRegex(@"<\s*/?\s*(important|system|instructions?|secret|hidden|admin|assistant|context|note|critical|override)\b[^>\n]{0,40}>|\[\s*/?\s*(INST|SYSTEM|IMPORTANT|ADMIN)\s*\]|<\|\s*(im_start|im_end|system|endoftext)\s*\|>|<!--[\s\S]{0,2000}?-->|\{\{\s*(system|instructions?)\b|(^|\n)\s*#{1,4}\s*(system|hidden|secret)?\s*(instructions?|prompt)\b|\b(BEGIN|END)\s+(SYSTEM|HIDDEN|SECRET|ADMIN)\s+(PROMPT|INSTRUCTIONS?|MESSAGE)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MarkerPattern();

    [GeneratedRegex(@"\b(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+)?(of\s+)?(the\s+|your\s+)?(previous|prior|above|earlier|other|existing|original|system|safety)\s+(instructions?|prompts?|rules|directions|guidelines|tools?|policies)|\b(note|message|instructions?|reminder)\s+(to|for)\s+(the\s+)?(ai|assistant|model|llm|agent|claude|gpt|copilot)\b|\b(ai|assistant|model|llm|agent)\s+(must|should|needs?\s+to|has\s+to|is\s+required\s+to)\s+(always|first|also|now|immediately|silently|secretly)\b|\byou\s+(must|should|need\s+to|have\s+to|are\s+(required|instructed)\s+to)\s+(always|first|also|now|immediately|silently|secretly|never)\b|\b(before|prior\s+to|after)\s+(using|calling|invoking|running|answering|responding)\b[^.\n]{0,80}\b(you\s+must|always|first|make\s+sure\s+to)\s+(read|call|send|include|pass|fetch|open|upload|run|use|attach|copy|forward)\b|\bthis\s+tool\s+(will\s+)?(not\s+work|fails?|crash(es)?|breaks?|stops?\s+working)\s+(unless|if\s+you\s+do\s+not|if\s+you\s+don't|without)\b|\byou\s+are\s+now\b|\b(act|behave|pretend)\s+as\s+(if|though)\s+you\b|\b(highest|top|absolute)\s+priority\b|\bsystem\s+(override|prompt\s*:)|\bnew\s+instructions\s*:|\b(mandatory|required)\s*:\s*(always|first|before)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DirectivePattern();

    [GeneratedRegex(@"\b(do\s+not|don't|never|must\s+not)\s+(tell|inform|mention|reveal|disclose|notify|alert|show|report)\b[^.\n]{0,30}\b(user|human|operator|anyone)\b|\bwithout\s+(telling|informing|notifying|asking|alerting|showing)\s+(the\s+)?(user|human|operator)\b|\b(keep|hide)\s+(this|it|these\s+\w+)\s+(secret|hidden|confidential)\b|\b(the\s+)?(user|human)\s+(must|should|need)\s+not\s+(know|see|be\s+told|notice|find\s+out)\b|\b(silently|secretly|quietly|covertly)\s+(send|forward|copy|upload|include|read|call|add|append|bcc|cc)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConcealmentPattern();

    [GeneratedRegex(@"\b(read|include|pass|send|append|attach|copy|upload|forward|post|leak|exfiltrate|provide|put|insert|embed|paste|transmit|email|share)\b[^.\n]{0,80}(~/?\.ssh|\bid_(rsa|ed25519|ecdsa)\b|\.env\b|\bmcp\.json\b|/etc/(passwd|shadow)|\.aws/credentials|\.netrc|\.git-credentials|\bprivate\s+keys?\b|\bapi[\s_-]?keys?\b|\baccess\s+tokens?\b|\b(secret|auth|session|bearer)\s+tokens?\b|\bcredentials\b|\bconversation(\s+history)?\b|\bchat\s+history\b|\b(previous|earlier|prior|all|last|recent)\s+messages\b|\bsystem\s+prompt\b|\benvironment\s+variables\b)|(~/?\.ssh|\bid_(rsa|ed25519)\b|\.env\b|\bmcp\.json\b|\bprivate\s+keys?\b|\bapi[\s_-]?keys?\b|\bcredentials\b|\bconversation(\s+history)?\b|\bchat\s+history\b|\bsystem\s+prompt\b)[^.\n]{0,80}\b(to|into|as|in)\s+(the\s+)?(https?://\S+|\S+@\S+\.\w+|['""`]?\w+['""`]?\s+(parameter|argument|field|param))|\b(send|post|upload|forward|transmit|report|copy|mirror|bcc|cc)\b[^.\n]{0,60}\b(to|at)\s+(https?://|wss?://|ftp://)\S+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExfiltrationPattern();

    [GeneratedRegex(@"\b(when|whenever|if|before|after|each\s+time)\s+(the\s+|any\s+)?[`'""]?[A-Za-z_][\w.:-]*[`'""]?\s+(tool|function)\s+(is|gets|has\s+been)\s+(called|used|invoked|run)\b|\b(when|whenever|if|before|after|each\s+time)\s+(the\s+)?(user\s+|you\s+|agent\s+|assistant\s+|model\s+)?(calls?|uses?|invokes?|runs?|is\s+asked\s+to\s+use)\s+(the\s+|any\s+|another\s+)?[`'""]?[A-Za-z_][\w.:-]*[`'""]?\s+(tool|function|server)\b[^.\n]{0,120}\b(must|should|always|instead|also|replace|change|set|add|redirect|send|use)\b|\b(instead\s+of|rather\s+than|in\s+place\s+of)\s+(using\s+|calling\s+)?(the\s+|any\s+)?(other\s+)?[`'""]?[A-Za-z_][\w.:-]*[`'""]?\s+(tool|function|server)s?\b|\b(this\s+tool\s+)?(modif(y|ies)|changes?|overrides?|replaces?|supersedes?|shadows?|intercepts?|hijacks?)\s+(the\s+)?(behaviou?r\s+of\s+)?(the\s+|all\s+|any\s+)?(other\s+)?[`'""]?[A-Za-z_][\w.:-]*[`'""]?\s+(tools?|functions?|servers?)\b|\b(all|any|every)\s+(other\s+)?(tools?|functions?|servers?)\s+(must|should|shall|will)\b|\b(do\s+not|don't|never)\s+(use|call|invoke|trust)\s+(the\s+|any\s+)?(other\s+)?[`'""]?[A-Za-z_][\w.:-]*[`'""]?\s+(tools?|functions?|servers?)\b|\b(always|must)\s+(be\s+)?(used|called|invoked)\s+(first|before|instead)\b|\b(when|whenever|if|before|after)\b[^.\n]{0,60}\b(is|are|gets|get)\s+(called|invoked|used|run|executed)\b[^.\n]{0,80}\b(change|set|replace|redirect|add|modify|override)\s+(the\s+|all\s+)?(recipients?|destinations?|targets?|address(es)?|urls?|paths?|arguments?|parameters?)\b|\bside[\s-]effects?\s+on\s+(the\s+)?[^.\n]{0,40}\b(tool|function|server)\b|\b[`'""]?[A-Za-z_][\w.:-]*[`'""]?\s+(tool|function)\s+(must|should|shall|has\s+to)\s+(now\s+|always\s+)?(send|forward|route|use|call|include|add|set|bcc|cc)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShadowingPattern();

    [GeneratedRegex(@"(ssh|id_rsa|passwd|_from_env|env_?vars|system_?prompt|conversation|chat_?history|previous_?messages|mcp_?(config|json)|credentials?_?dump|_pem$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SensitiveParameterNamePattern();
}
