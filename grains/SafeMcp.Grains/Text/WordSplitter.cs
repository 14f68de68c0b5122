namespace SafeMcp.Grains.Text;

/// <summary>Splits identifiers and prose into lower-case words: <c>readFile</c>, <c>read_file</c>, <c>ReadFile</c> → read, file.</summary>
public static class WordSplitter
{
    /// <summary>Appends the lower-case words of <paramref name="text"/> to <paramref name="words"/>.</summary>
    public static void Split(ReadOnlySpan<char> text, ICollection<string> words)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            var isWordChar = char.IsLetterOrDigit(c);
            var boundary = !isWordChar
                || (start >= 0 && char.IsUpper(c) && i > start && char.IsLower(text[i - 1]))
                || (start >= 0 && char.IsUpper(c) && i + 1 < text.Length && char.IsLower(text[i + 1]) && i > start && char.IsUpper(text[i - 1]));
            if (boundary && start >= 0)
            {
                words.Add(text[start..i].ToString().ToLowerInvariant());
                start = -1;
            }
            if (isWordChar && start < 0)
            {
                start = i;
            }
        }
    }

    /// <summary>The lower-case words of <paramref name="text"/>.</summary>
    public static HashSet<string> Words(string? text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(text))
        {
            Split(text, words);
        }
        return words;
    }
}
