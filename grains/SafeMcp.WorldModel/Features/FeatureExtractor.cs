using System.Buffers;
using System.Text;
using System.Text.Json;
using SafeMcp.Grains.Text;

namespace SafeMcp.WorldModel.Features;

/// <summary>
/// Turns a check into hashed feature bags. Context: instruction words, the prefix's actions, argument keys
/// and values and observations, the current action, its arguments and thought (words and word pairs). Each tool:
/// its name (whole and split into words), description and schema words, and its relation to the check (is it the
/// current action, was it called before, do its name words occur in the instruction). A bag's ids come in a fixed
/// order whose leading parts (instruction, tool) do not depend on the check, so inference can cache them
/// (<see cref="Inference.InferenceCache"/>); <see cref="Encode"/> computes everything, for training and reference.
/// </summary>
public sealed class FeatureExtractor(FeatureHasher hasher, FeatureOptions options)
{
    /// <summary>Characters read per word of budget: generous, since JSON punctuation and keys come between words.</summary>
    private const int CharsPerWordBudget = 16;

    /// <summary>Deepest JSON value read in arguments (the root object is depth 0).</summary>
    private const int MaxJsonDepth = 6;

    /// <summary>Deepest nesting an argument text may have to be read as JSON at all (the parser's default).</summary>
    private const int MaxJsonNesting = 64;

    /// <summary>Characters of a word lower-cased on the stack; a longer word takes a heap buffer.</summary>
    private const int WordBufferChars = 128;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The words of an instruction without any (shared, never changed).</summary>
    private static readonly HashSet<string> NoWords = new(StringComparer.Ordinal);

    /// <summary>The hasher in use.</summary>
    public FeatureHasher Hasher { get; } = hasher;

    /// <summary>Encodes <paramref name="input"/>.</summary>
    public EncodedInput Encode(WorldModelInput input)
    {
        var instruction = Instruction(input.Instruction);
        var context = new List<int>(256);
        context.AddRange(instruction.HeadIds);
        var calledTools = new HashSet<string>(StringComparer.Ordinal);
        for (var i = FirstPrefixStep(input); i < input.Prefix.Count; i++)
        {
            var step = input.Prefix[i];
            if (step.Action is { } action)
            {
                calledTools.Add(action);
            }
            AddPrefixStep(context, step);
        }
        AddCurrent(context, input, instruction, calledTools);

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
        return new InstructionFeatures(ids, words.Count == 0 ? NoWords : new HashSet<string>(words, StringComparer.Ordinal));
    }

    /// <summary>The features of a tool that do not depend on the check.</summary>
    internal ToolFeatures Tool(ToolInfo tool)
    {
        var ids = new List<int> { Hasher.Bucket('b', "tool"), Hasher.Bucket('N', tool.Name) };
        var nameWords = WordSplitter.Words(tool.Name).ToArray();
        foreach (var word in nameWords)
        {
            ids.Add(Hasher.Bucket('W', word));
        }
        AddWords(ids, 'D', tool.Description, options.MaxToolWords);
        AddWords(ids, 'S', tool.SchemaText, options.MaxToolWords);
        return new ToolFeatures([.. ids], nameWords);
    }

    /// <summary>Appends the ids of one prefix step: its action, argument keys and values, observation.</summary>
    internal void AddPrefixStep(List<int> ids, TrajectoryStep step)
    {
        if (step.Action is { } action)
        {
            ids.Add(Hasher.Bucket('p', action));
            AddWords(ids, 'q', action, int.MaxValue);
        }
        AddArguments(ids, 'k', 'v', step.ArgumentsText);
        AddWords(ids, 'o', step.Observation, options.MaxObservationWords);
    }

    /// <summary>
    /// Appends the context ids that follow the prefix steps: the prefix length and the current action, its words
    /// (marked as asked for by the instruction or not), its arguments and its thought's words and word pairs.
    /// </summary>
    internal void AddCurrent(List<int> context, WorldModelInput input, InstructionFeatures instruction, HashSet<string> calledTools)
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
            AddWords(context, 'd', action, int.MaxValue);
            // Whether the user's task names what the action does: "delete" asked for versus "delete" unasked.
            var asked = instruction.Words.GetAlternateLookup<ReadOnlySpan<char>>();
            Span<char> buffer = stackalloc char[WordBufferChars];
            foreach (var word in new ReadWords(Read(action, int.MaxValue), int.MaxValue, buffer))
            {
                context.Add(Hasher.Bucket(asked.Contains(word) ? 'm' : 'u', word));
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
        AddArguments(context, 'e', 'f', current.ArgumentsText);
        AddWordsAndPairs(context, 't', 'T', current.Thought, options.MaxThoughtWords);
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

    private void AddArguments(List<int> ids, char keyNs, char valueNs, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }
        var budget = options.MaxArgumentWords;
        if (text.Length <= options.MaxFieldChars && text[0] == '{' && TryAddJson(ids, keyNs, valueNs, text, budget))
        {
            return;
        }
        // Not JSON after all: read it as words.
        AddWords(ids, valueNs, text, budget);
    }

    /// <summary>
    /// Appends the ids of a JSON object, depth first: each key, then its value's words, true and false, within a
    /// budget of words and a depth. Read as it is parsed, without building a document or strings; a text that
    /// turns out not to be JSON leaves <paramref name="ids"/> as it was and returns false.
    /// </summary>
    private bool TryAddJson(List<int> ids, char keyNs, char valueNs, string text, int budget)
    {
        var mark = ids.Count;
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        var chars = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            int length;
            try
            {
                length = StrictUtf8.GetBytes(text, bytes);
            }
            catch (EncoderFallbackException)
            {
                // Unpaired surrogates: not JSON text.
                return false;
            }
            var reader = new Utf8JsonReader(bytes.AsSpan(0, length), new JsonReaderOptions { MaxDepth = MaxJsonNesting });
            // Whether each open container is read: a budget spent or a depth passed silences what it contains, but
            // an object read keeps reading its keys.
            Span<bool> open = stackalloc bool[MaxJsonNesting + 1];
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                var valueRead = (depth == 0 || open[depth - 1]) && budget > 0 && depth <= MaxJsonDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        open[depth] = valueRead;
                        break;
                    case JsonTokenType.PropertyName when open[depth - 1]:
                        ids.Add(Hasher.Bucket(keyNs, chars.AsSpan(0, reader.CopyString(chars))));
                        break;
                    case JsonTokenType.String when valueRead:
                        budget -= AddWords(ids, valueNs, chars.AsSpan(0, reader.CopyString(chars)), budget);
                        break;
                    case JsonTokenType.True or JsonTokenType.False when valueRead:
                        ids.Add(Hasher.Bucket(valueNs, reader.TokenType == JsonTokenType.True ? "true" : "false"));
                        budget--;
                        break;
                }
            }
            return true;
        }
        catch (JsonException)
        {
            ids.RemoveRange(mark, ids.Count - mark);
            return false;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Appends the ids of the words read from <paramref name="text"/>, at most <paramref name="max"/>; returns how many.</summary>
    private int AddWords(List<int> ids, char ns, ReadOnlySpan<char> text, int max)
    {
        if (text.IsEmpty || max <= 0)
        {
            return 0;
        }
        Span<char> buffer = stackalloc char[WordBufferChars];
        var count = 0;
        foreach (var word in new ReadWords(text[..Math.Min(text.Length, CharsRead(max))], max, buffer))
        {
            ids.Add(Hasher.Bucket(ns, word));
            count++;
        }
        return count;
    }

    /// <summary>
    /// Appends the ids of the words read from <paramref name="text"/> (at most <paramref name="max"/>) and of each pair
    /// of neighbouring words, so that "without verifying" is told apart from "verifying".
    /// </summary>
    private void AddWordsAndPairs(List<int> ids, char ns, char pairNs, string? text, int max)
    {
        if (string.IsNullOrEmpty(text) || max <= 0)
        {
            return;
        }
        Span<char> buffer = stackalloc char[WordBufferChars];
        // The previous word, a space, then the current one; a word too long for it starts no pair.
        Span<char> pair = stackalloc char[2 * WordBufferChars + 1];
        var previous = 0;
        foreach (var word in new ReadWords(Read(text, max), max, buffer))
        {
            ids.Add(Hasher.Bucket(ns, word));
            if (previous > 0 && word.Length <= WordBufferChars)
            {
                word.CopyTo(pair[(previous + 1)..]);
                ids.Add(Hasher.Bucket(pairNs, pair[..(previous + 1 + word.Length)]));
            }
            if (word.Length <= WordBufferChars)
            {
                word.CopyTo(pair);
                pair[word.Length] = ' ';
                previous = word.Length;
            }
            else
            {
                previous = 0;
            }
        }
    }

    private ReadOnlySpan<char> Read(string text, int maxWords) => text.AsSpan(0, Math.Min(text.Length, CharsRead(maxWords)));

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

    /// <summary>The lower-case words of a text, at most a number of them, each in a buffer reused for the next.</summary>
    private ref struct ReadWords(ReadOnlySpan<char> text, int max, Span<char> buffer)
    {
        private WordEnumerator _words = new(text);
        private Span<char> _buffer = buffer;
        private int _left = max;

        public ReadOnlySpan<char> Current { get; private set; }

        public bool MoveNext()
        {
            if (_left <= 0 || !_words.MoveNext())
            {
                return false;
            }
            _left--;
            var word = _words.Current;
            if (word.Length > _buffer.Length)
            {
                _buffer = new char[word.Length];
            }
            // The same lower-casing as string.ToLowerInvariant, so a word hashes as its lower-case string does.
            Current = _buffer[..word.ToLowerInvariant(_buffer)];
            return true;
        }

        public readonly ReadWords GetEnumerator() => this;
    }
}
