namespace SafeMcp.Grains.Text;

/// <summary>
/// The words of a text as slices of it, in their original case and without allocating: a word is a run of
/// letters and digits, also cut where a lower-case letter is followed by an upper-case one (<c>readFile</c>) and
/// before the last capital of a run followed by a lower-case letter (<c>HTMLParser</c> → HTML, Parser).
/// </summary>
public ref struct WordEnumerator(ReadOnlySpan<char> text)
{
    private readonly ReadOnlySpan<char> _text = text;
    private int _next;

    /// <summary>The current word.</summary>
    public ReadOnlySpan<char> Current { get; private set; }

    /// <summary>Moves to the next word; false at the end of the text.</summary>
    public bool MoveNext()
    {
        var text = _text;
        var start = -1;
        for (; _next <= text.Length; _next++)
        {
            var i = _next;
            var c = i < text.Length ? text[i] : ' ';
            var isWordChar = char.IsLetterOrDigit(c);
            var boundary = !isWordChar
                || (start >= 0 && char.IsUpper(c) && i > start && char.IsLower(text[i - 1]))
                || (start >= 0 && char.IsUpper(c) && i + 1 < text.Length && char.IsLower(text[i + 1]) && i > start && char.IsUpper(text[i - 1]));
            if (boundary && start >= 0)
            {
                // The character that ends this word may begin the next one: it is examined again.
                Current = text[start..i];
                return true;
            }
            if (isWordChar && start < 0)
            {
                start = i;
            }
        }
        return false;
    }

    /// <summary>Lets <c>foreach</c> read the words.</summary>
    public readonly WordEnumerator GetEnumerator() => this;
}
