using System.Text.Json;
using SafeMcp.Grains.Text;

namespace SafeMcp.WorldModel.Features;

/// <summary>
/// Turns a check into hashed feature bags. Context: instruction words, the prefix's actions, argument keys
/// and values and observations, the current action, its arguments and thought. Each tool: its name (whole and
/// split into words), description and schema words, and its relation to the check (is it the current action,
/// was it called before, do its name words occur in the instruction). A bag's ids come in a fixed order whose
/// leading parts (instruction, tool) do not depend on the check, so inference can cache them
/// (<see cref="Inference.InferenceCache"/>); <see cref="Encode"/> computes everything, for training and reference.
/// </summary>
public sealed class FeatureExtractor(FeatureHasher hasher, FeatureOptions options)
{
    /// <summary>Characters read per word of budget: generous, since JSON punctuation and keys come between words.</summary>
    private const int CharsPerWordBudget = 16;

    private static readonly InstructionFeatures NoInstruction = new([], []);

    /// <summary>The hasher in use.</summary>
    public FeatureHasher Hasher { get; } = hasher;

    /// <summary>Encodes <paramref name="input"/>.</summary>
    public EncodedInput Encode(WorldModelInput input)
    {
        var instruction = Instruction(input.Instruction);
        var context = new List<int>(256);
        context.AddRange(instruction.HeadIds);
        var words = new List<string>(64);
        var calledTools = new HashSet<string>(StringComparer.Ordinal);
        for (var i = FirstPrefixStep(input); i < input.Prefix.Count; i++)
        {
            var step = input.Prefix[i];
            if (step.Action is { } action)
            {
                calledTools.Add(action);
            }
            AddPrefixStep(context, words, step);
        }
        AddCurrent(context, words, input, instruction, calledTools);

        var tools = new int[input.Tools.Count][];
        for (var i = 0; i < tools.Length; i++)
        {
            var tool = Tool(input.Tools[i]);
            var ids = new List<int>(tool.BaseIds.Length + 8);
            ids.AddRange(tool.BaseIds);
            AddRelations(ids, input.Tools[i].Name, tool, input.Current?.Action, calledTools);
            AddInstructionMatches(ids, tool, instruction);
            tools[i] = [.. ids];
        }
        return new EncodedInput([.. context], tools);
    }

    /// <summary>The first prefix step read: only the most recent ones count.</summary>
    internal int FirstPrefixStep(WorldModelInput input) => Math.Max(0, input.Prefix.Count - options.MaxPrefixSteps);

    /// <summary>The features of an instruction (null: none), context bias included.</summary>
    internal InstructionFeatures Instruction(string? instruction)
    {
        var words = new List<string>();
        if (instruction is not null)
        {
            Split(instruction, words, options.MaxInstructionWords);
        }
        var ids = new int[words.Count + 1];
        ids[0] = Hasher.Bucket('b', "bias");
        for (var i = 0; i < words.Count; i++)
        {
            ids[i + 1] = Hasher.Bucket('i', words[i]);
        }
        return new InstructionFeatures(ids, words.Count == 0 ? NoInstruction.Words : new HashSet<string>(words, StringComparer.Ordinal));
    }

    /// <summary>The features of a tool that do not depend on the check.</summary>
    internal ToolFeatures Tool(ToolInfo tool)
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
        return new ToolFeatures([.. ids], nameWords);
    }

    /// <summary>Appends the ids of one prefix step: its action, argument keys and values, observation.</summary>
    internal void AddPrefixStep(List<int> ids, List<string> words, TrajectoryStep step)
    {
        if (step.Action is { } action)
        {
            ids.Add(Hasher.Bucket('p', action));
            AddWords(ids, words, 'q', action, int.MaxValue);
        }
        AddArguments(ids, words, 'k', 'v', step.ArgumentsText);
        AddWords(ids, words, 'o', step.Observation, options.MaxObservationWords);
    }

    /// <summary>
    /// Appends the context ids that follow the prefix steps: the prefix length and the current action, its words
    /// (marked as asked for by the instruction or not), its arguments and thought.
    /// </summary>
    internal void AddCurrent(List<int> context, List<string> words, WorldModelInput input, InstructionFeatures instruction, HashSet<string> calledTools)
    {
        context.Add(Hasher.Bucket('n', PrefixLengthToken(input.Prefix.Count)));
        var current = input.Current;
        if (current is null)
        {
            context.Add(Hasher.Bucket('n', "initial"));
            return;
        }
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

    /// <summary>Whether a tool named <paramref name="name"/> is related to the check: it is the current action or was called before.</summary>
    internal static bool IsRelated(string name, string? currentAction, HashSet<string> calledTools) =>
        name == currentAction || calledTools.Contains(name);

    /// <summary>Appends a tool's relations to the check (nothing when <see cref="IsRelated"/> is false).</summary>
    internal void AddRelations(List<int> ids, string name, ToolFeatures tool, string? currentAction, HashSet<string> calledTools)
    {
        if (currentAction == name)
        {
            AddRelation(ids, 'C', "current", tool.NameWords);
        }
        if (calledTools.Contains(name))
        {
            AddRelation(ids, 'P', "called", tool.NameWords);
        }
    }

    /// <summary>Appends the tool's name words that occur in the instruction: the last ids of a tool's bag.</summary>
    internal void AddInstructionMatches(List<int> ids, ToolFeatures tool, InstructionFeatures instruction)
    {
        foreach (var word in tool.NameWords)
        {
            if (instruction.Words.Contains(word))
            {
                ids.Add(Hasher.Bucket('I', word));
            }
        }
    }

    private static string PrefixLengthToken(int steps) => Math.Min(steps, 8) switch
    {
        0 => "0", 1 => "1", 2 => "2", 3 => "3", 4 => "4", 5 => "5", 6 => "6", 7 => "7", _ => "8",
    };

    private void AddRelation(List<int> ids, char ns, string relation, string[] toolWords)
    {
        ids.Add(Hasher.Bucket('R', relation));
        foreach (var word in toolWords)
        {
            ids.Add(Hasher.Bucket(ns, word));
        }
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

    /// <summary>Appends the ids of the words of <paramref name="text"/>; <paramref name="words"/> holds exactly those words afterwards.</summary>
    private int AddWords(List<int> ids, List<string> words, char ns, string? text, int max)
    {
        // Cleared first, so that an empty action is read as no words rather than as the previous field's words.
        words.Clear();
        if (string.IsNullOrEmpty(text) || max <= 0)
        {
            return 0;
        }
        Split(text, words, max);
        foreach (var word in words)
        {
            ids.Add(Hasher.Bucket(ns, word));
        }
        return words.Count;
    }

    /// <summary>The characters read from a text of which at most <paramref name="maxWords"/> words are kept.</summary>
    internal int CharsRead(int maxWords) => (int)Math.Min(options.MaxFieldChars, (long)maxWords * CharsPerWordBudget);

    /// <summary>Characters read from a tool's description or schema: tools equal on them have equal features.</summary>
    internal int ToolCharsRead => CharsRead(options.MaxToolWords);

    /// <summary>Characters read from a prefix step's observation: steps equal on them (and on action and arguments) have equal features.</summary>
    internal int ObservationCharsRead => CharsRead(options.MaxObservationWords);

    private void Split(string text, List<string> words, int max)
    {
        // Words beyond the budget are dropped anyway: reading only the characters they could come from keeps
        // a long observation as cheap as a short one.
        var span = text.AsSpan(0, Math.Min(text.Length, CharsRead(max)));
        WordSplitter.Split(span, words);
        if (words.Count > max)
        {
            words.RemoveRange(max, words.Count - max);
        }
    }
}
