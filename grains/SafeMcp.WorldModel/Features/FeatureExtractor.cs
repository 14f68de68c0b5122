using System.Runtime.CompilerServices;
using System.Text.Json;
using SafeMcp.Grains.Text;

namespace SafeMcp.WorldModel.Features;

/// <summary>
/// Turns a check into hashed feature bags. Context: instruction words, the prefix's actions, argument keys
/// and values and observations, the current action, its arguments and thought. Each tool: its name (whole and
/// split into words), description and schema words, and its relation to the check (is it the current action,
/// was it called before, do its name words occur in the instruction). Tool and instruction bags are cached
/// per instance, since a session keeps them for its whole life.
/// </summary>
public sealed class FeatureExtractor(FeatureHasher hasher, FeatureOptions options)
{
    /// <summary>Characters read per word of budget: generous, since JSON punctuation and keys come between words.</summary>
    private const int CharsPerWordBudget = 16;

    private readonly ConditionalWeakTable<ToolInfo, ToolBase> _toolCache = new();
    private readonly ConditionalWeakTable<string, InstructionBase> _instructionCache = new();

    /// <summary>The hasher in use.</summary>
    public FeatureHasher Hasher { get; } = hasher;

    /// <summary>Encodes <paramref name="input"/>.</summary>
    public EncodedInput Encode(WorldModelInput input)
    {
        var instruction = input.Instruction is null ? InstructionBase.Empty : _instructionCache.GetValue(input.Instruction, BuildInstruction);
        var context = new List<int>(256) { Hasher.Bucket('b', "bias") };
        context.AddRange(instruction.Ids);

        var words = new List<string>(64);
        var calledTools = new HashSet<string>(StringComparer.Ordinal);
        var start = Math.Max(0, input.Prefix.Count - options.MaxPrefixSteps);
        for (var i = start; i < input.Prefix.Count; i++)
        {
            var step = input.Prefix[i];
            if (step.Action is { } action)
            {
                calledTools.Add(action);
                context.Add(Hasher.Bucket('p', action));
                AddWords(context, words, 'q', action, int.MaxValue);
            }
            AddArguments(context, words, 'k', 'v', step.ArgumentsText);
            AddWords(context, words, 'o', step.Observation, options.MaxObservationWords);
        }
        context.Add(Hasher.Bucket('n', Math.Min(input.Prefix.Count, 8).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var current = input.Current;
        if (current is null)
        {
            context.Add(Hasher.Bucket('n', "initial"));
        }
        else
        {
            if (current.Action is { } action)
            {
                context.Add(Hasher.Bucket('c', action));
                AddWords(context, words, 'd', action, int.MaxValue);
                // Whether the user's task names what the action does: "delete" asked for versus "delete" unasked.
                foreach (var word in words)
                {
                    context.Add(Hasher.Bucket(instruction.Words.Contains(word) ? 'm' : 'u', word));
                }
                if (calledTools.Contains(action))
                {
                    context.Add(Hasher.Bucket('n', "repeat"));
                }
            }
            else
            {
                context.Add(Hasher.Bucket('n', "final"));
            }
            AddArguments(context, words, 'e', 'f', current.ArgumentsText);
            AddWords(context, words, 't', current.Thought, options.MaxThoughtWords);
        }

        var tools = new int[input.Tools.Count][];
        for (var i = 0; i < tools.Length; i++)
        {
            var tool = input.Tools[i];
            var baseIds = _toolCache.GetValue(tool, BuildTool);
            var ids = new List<int>(baseIds.Ids.Length + 8);
            ids.AddRange(baseIds.Ids);
            if (current?.Action == tool.Name)
            {
                AddRelation(ids, 'C', "current", baseIds.Words);
            }
            if (calledTools.Contains(tool.Name))
            {
                AddRelation(ids, 'P', "called", baseIds.Words);
            }
            foreach (var word in baseIds.Words)
            {
                if (instruction.Words.Contains(word))
                {
                    ids.Add(Hasher.Bucket('I', word));
                }
            }
            tools[i] = [.. ids];
        }
        return new EncodedInput([.. context], tools);
    }

    private void AddRelation(List<int> ids, char ns, string relation, string[] toolWords)
    {
        ids.Add(Hasher.Bucket('R', relation));
        foreach (var word in toolWords)
        {
            ids.Add(Hasher.Bucket(ns, word));
        }
    }

    private InstructionBase BuildInstruction(string instruction)
    {
        var words = new List<string>();
        Split(instruction, words, options.MaxInstructionWords);
        var ids = new int[words.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = Hasher.Bucket('i', words[i]);
        }
        return new InstructionBase(ids, new HashSet<string>(words, StringComparer.Ordinal));
    }

    private ToolBase BuildTool(ToolInfo tool)
    {
        var ids = new List<int> { Hasher.Bucket('b', "tool"), Hasher.Bucket('N', tool.Name) };
        var words = new List<string>();
        var nameWords = WordSplitter.Words(tool.Name).ToArray();
        foreach (var word in nameWords)
        {
            ids.Add(Hasher.Bucket('W', word));
        }
        AddWords(ids, words, 'D', tool.Description, options.MaxToolWords);
        AddWords(ids, words, 'S', tool.SchemaText, options.MaxToolWords);
        return new ToolBase([.. ids], nameWords);
    }

    private void AddArguments(List<int> ids, List<string> words, char keyNs, char valueNs, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }
        var budget = options.MaxArgumentWords;
        if (text.Length <= options.MaxFieldChars && text[0] == '{')
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                AddJson(ids, words, keyNs, valueNs, document.RootElement, ref budget, 0);
                return;
            }
            catch (JsonException)
            {
                // Not JSON after all: read it as words below.
            }
        }
        AddWords(ids, words, valueNs, text, budget);
    }

    private void AddJson(List<int> ids, List<string> words, char keyNs, char valueNs, JsonElement element, ref int budget, int depth)
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
                    AddJson(ids, words, keyNs, valueNs, property.Value, ref budget, depth + 1);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    AddJson(ids, words, keyNs, valueNs, item, ref budget, depth + 1);
                }
                break;
            case JsonValueKind.String:
                budget -= AddWords(ids, words, valueNs, element.GetString(), budget);
                break;
            case JsonValueKind.True or JsonValueKind.False:
                ids.Add(Hasher.Bucket(valueNs, element.ValueKind == JsonValueKind.True ? "true" : "false"));
                budget--;
                break;
        }
    }

    private int AddWords(List<int> ids, List<string> words, char ns, string? text, int max)
    {
        if (string.IsNullOrEmpty(text) || max <= 0)
        {
            return 0;
        }
        words.Clear();
        Split(text, words, max);
        foreach (var word in words)
        {
            ids.Add(Hasher.Bucket(ns, word));
        }
        return words.Count;
    }

    private void Split(string text, List<string> words, int max)
    {
        // Words beyond the budget are dropped anyway: reading only the characters they could come from keeps
        // a long observation as cheap as a short one.
        var chars = (int)Math.Min(options.MaxFieldChars, (long)max * CharsPerWordBudget);
        var span = text.AsSpan(0, Math.Min(text.Length, chars));
        WordSplitter.Split(span, words);
        if (words.Count > max)
        {
            words.RemoveRange(max, words.Count - max);
        }
    }

    private sealed record ToolBase(int[] Ids, string[] Words);

    private sealed record InstructionBase(int[] Ids, HashSet<string> Words)
    {
        public static readonly InstructionBase Empty = new([], []);
    }
}
