using System.Text.Json;
using SafeMcp.Grains.Text;
using SafeMcp.WorldModel.Features;

namespace SafeMcp.WorldModel.Tests;

/// <summary>
/// The extractor reads words and JSON as it parses, without strings or documents; a plain reference built on
/// <see cref="JsonDocument"/> and word strings must give the same ids in the same order.
/// </summary>
public sealed class FeatureReferenceTests
{
    private static readonly FeatureOptions Options = new();
    private static readonly FeatureHasher Hasher = new(4096);

    public static TheoryData<string> Arguments() =>
    [
        """{"query":"Invoices from Bob","limit":10,"unread":true,"archived":false,"tag":null}""",
        """{"to":["alice@example.com","bob@example.com"],"body":"Hello \u00c9mile, see the \"quoted\" part\nthanks"}""",
        """{"a":{"b":{"c":{"d":{"e":{"f":{"g":"too deep","h":true},"k":"six"}}}}},"after":"still read"}""",
        "{\"long\":\"" + string.Join(' ', Enumerable.Range(0, 80).Select(i => $"word{i}")) + "\",\"next\":\"over budget\",\"flag\":true,\"more\":{\"x\":\"y\"}}",
        """{"readFile":"HTMLParser readFile read_file ReadFile","Ünïcödé":"ÀÉÎ straße İstanbul"}""",
        """{"trailing":"garbage"} x""",
        "{\"unterminated\":\"value",
        """{"comma":1,}""",
        """{}""",
        """{"duplicate":"one","duplicate":"two"}""",
        "{not json at all, just words}",
        "plain words without braces",
        "{\"surrogate\":\"\ud800 alone\"}",
        """{"emoji":"😀 smile 𐐀Deseret"}""",
    ];

    [Theory]
    [MemberData(nameof(Arguments))]
    public void Argument_ids_equal_the_document_reference(string arguments)
    {
        var extractor = new FeatureExtractor(Hasher, Options);
        var input = new WorldModelInput("Read the invoice", [new ToolInfo("ReadFile")], [new TrajectoryStep("ReadFile", arguments, "observation words")],
            new TrajectoryStep("SendEmail", arguments, null, "Because the user asked"));

        var encoded = extractor.Encode(input);

        Assert.Equal(ReferenceContext(input), encoded.Context);
    }

    [Theory]
    [InlineData("readFile and read_file, ReadFile; HTMLParser parses 42 items")]
    [InlineData("Ünïcödé ÀÉÎ straße İstanbul 𐐀Deseret 😀")]
    [InlineData("")]
    [InlineData("I will delete it without verifying, since the user asked")]
    public void Word_ids_equal_the_string_reference(string text)
    {
        var extractor = new FeatureExtractor(Hasher, Options);
        var input = new WorldModelInput(text, [], [new TrajectoryStep(text, null, text)], new TrajectoryStep(text, null, null, text));

        Assert.Equal(ReferenceContext(input), extractor.Encode(input).Context);
    }

    /// <summary>The context ids as the extractor defined them before it read without allocating.</summary>
    private static List<int> ReferenceContext(WorldModelInput input)
    {
        var instructionWords = Words(input.Instruction, Options.MaxInstructionWords);
        var context = new List<int> { Hasher.Bucket('b', "bias") };
        context.AddRange(instructionWords.Select(w => Hasher.Bucket('i', w)));
        var called = new HashSet<string>();
        foreach (var step in input.Prefix.Skip(Math.Max(0, input.Prefix.Count - Options.MaxPrefixSteps)))
        {
            if (step.Action is { } action)
            {
                called.Add(action);
                context.Add(Hasher.Bucket('p', action));
                context.AddRange(Words(action, int.MaxValue).Select(w => Hasher.Bucket('q', w)));
            }
            Arguments(context, 'k', 'v', step.ArgumentsText);
            context.AddRange(Words(step.Observation, Options.MaxObservationWords).Select(w => Hasher.Bucket('o', w)));
        }
        context.Add(Hasher.Bucket('n', Math.Min(input.Prefix.Count, 8).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var current = input.Current!;
        context.Add(Hasher.Bucket('c', current.Action!));
        var actionWords = Words(current.Action, int.MaxValue);
        context.AddRange(actionWords.Select(w => Hasher.Bucket('d', w)));
        context.AddRange(actionWords.Select(w => Hasher.Bucket(instructionWords.Contains(w) ? 'm' : 'u', w)));
        if (called.Contains(current.Action!))
        {
            context.Add(Hasher.Bucket('n', "repeat"));
        }
        Arguments(context, 'e', 'f', current.ArgumentsText);
        var thoughtWords = Words(current.Thought, Options.MaxThoughtWords);
        for (var i = 0; i < thoughtWords.Count; i++)
        {
            context.Add(Hasher.Bucket('t', thoughtWords[i]));
            if (i > 0 && thoughtWords[i - 1].Length <= 128 && thoughtWords[i].Length <= 128)
            {
                context.Add(Hasher.Bucket('T', thoughtWords[i - 1] + " " + thoughtWords[i]));
            }
        }
        return context;
    }

    private static void Arguments(List<int> ids, char keyNs, char valueNs, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }
        var budget = Options.MaxArgumentWords;
        if (text.Length <= Options.MaxFieldChars && text[0] == '{')
        {
            var json = new List<int>();
            try
            {
                using var document = JsonDocument.Parse(text);
                Json(json, keyNs, valueNs, document.RootElement, ref budget, 0);
                ids.AddRange(json);
                return;
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                // Words below; unpaired surrogates are not JSON either.
            }
        }
        ids.AddRange(Words(text, budget).Select(w => Hasher.Bucket(valueNs, w)));
    }

    private static void Json(List<int> ids, char keyNs, char valueNs, JsonElement element, ref int budget, int depth)
    {
        if (budget <= 0 || depth > 6)
        {
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    ids.Add(Hasher.Bucket(keyNs, property.Name));
                    Json(ids, keyNs, valueNs, property.Value, ref budget, depth + 1);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Json(ids, keyNs, valueNs, item, ref budget, depth + 1);
                }
                break;
            case JsonValueKind.String:
                var words = Words(element.GetString(), budget);
                ids.AddRange(words.Select(w => Hasher.Bucket(valueNs, w)));
                budget -= words.Count;
                break;
            case JsonValueKind.True or JsonValueKind.False:
                ids.Add(Hasher.Bucket(valueNs, element.ValueKind == JsonValueKind.True ? "true" : "false"));
                budget--;
                break;
        }
    }

    private static List<string> Words(string? text, int max)
    {
        var words = new List<string>();
        if (!string.IsNullOrEmpty(text) && max > 0)
        {
            var chars = (int)Math.Min(Options.MaxFieldChars, (long)max * 16);
            WordSplitter.Split(text.AsSpan(0, Math.Min(text.Length, chars)), words);
        }
        return words.Take(max).ToList();
    }
}
