using FastBertTokenizer;

namespace SafeMcp.WorldModel.Onnx;

/// <summary>
/// WordPiece encoding of a segment pair as BERT cross-encoders read it: <c>[CLS] a [SEP] b [SEP]</c>, token types 0 for
/// the first segment and 1 for the second, each segment cut to its share. Not thread-safe: the batcher's worker owns it.
/// </summary>
internal sealed class PairTokenizer
{
    private readonly BertTokenizer _tokenizer = new();
    private long[] _scratchIds = [];
    private long[] _scratchMask = [];

    /// <summary>Loads the vocabulary (<c>vocab.txt</c>: one token a line, its id the line number).</summary>
    public PairTokenizer(string vocabularyPath, bool lowercase)
    {
        using var reader = File.OpenText(vocabularyPath);
        _tokenizer.LoadVocabulary(reader, lowercase);
    }

    /// <summary>
    /// Writes the pair into the first tokens of the spans (all of one length, the most tokens); the first segment takes at
    /// most <paramref name="maxFirst"/> of them. Returns the tokens written; the rest of the spans is left as it was.
    /// </summary>
    public int Encode(string first, string second, int maxFirst, Span<long> ids, Span<long> mask, Span<long> types)
    {
        var a = _tokenizer.Encode(first, ids[..Math.Min(maxFirst, ids.Length)], mask[..Math.Min(maxFirst, ids.Length)]);
        types[..a].Clear();
        // The second segment is encoded on its own ([CLS] b [SEP]) into the room left plus one, then its [CLS] dropped.
        var room = ids.Length - a + 1;
        if (room < 3)
        {
            return a;
        }
        if (_scratchIds.Length < room)
        {
            _scratchIds = new long[room];
            _scratchMask = new long[room];
        }
        var b = _tokenizer.Encode(second, _scratchIds.AsSpan(0, room), _scratchMask.AsSpan(0, room));
        _scratchIds.AsSpan(1, b - 1).CopyTo(ids[a..]);
        _scratchMask.AsSpan(1, b - 1).CopyTo(mask[a..]);
        types.Slice(a, b - 1).Fill(1);
        return a + b - 1;
    }
}
