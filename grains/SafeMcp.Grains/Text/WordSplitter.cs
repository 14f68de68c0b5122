namespace SafeMcp.Grains.Text;

/// <summary>Splits identifiers and prose into lower-case words: <c>readFile</c>, <c>read_file</c>, <c>ReadFile</c> → read, file (boundaries: <see cref="WordEnumerator"/>).</summary>
public static class WordSplitter
{
    /// <summary>Appends the lower-case words of <paramref name="text"/> to <paramref name="words"/>.</summary>
    public static void Split(ReadOnlySpan<char> text, ICollection<string> words)
    {
        foreach (var word in new WordEnumerator(text))
        {
            words.Add(word.ToString().ToLowerInvariant());
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
