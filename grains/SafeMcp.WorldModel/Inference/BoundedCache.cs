namespace SafeMcp.WorldModel.Inference;

/// <summary>
/// A thread-safe map of at most <c>capacity</c> entries that forgets the least recently used one first. Values
/// are created outside the lock (two threads may both create one; the first stored wins), so a slow creation
/// never holds up lookups of other keys.
/// </summary>
internal sealed class BoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>> _entries;

    // Most recently used first.
    private readonly LinkedList<KeyValuePair<TKey, TValue>> _recency = new();

    public BoundedCache(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        _capacity = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "A cache holds at least one entry.");
        _entries = new Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>>(comparer);
    }

    /// <summary>Entries held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The value of <paramref name="key"/>, created by <paramref name="create"/> when it is not held.</summary>
    public TValue GetOrAdd<TState>(TKey key, TState state, Func<TKey, TState, TValue> create)
    {
        lock (_lock)
        {
            if (TryTouch(key, out var held))
            {
                return held;
            }
        }
        var value = create(key, state);
        lock (_lock)
        {
            if (TryTouch(key, out var held))
            {
                return held;
            }
            LinkedListNode<KeyValuePair<TKey, TValue>> node;
            if (_entries.Count >= _capacity)
            {
                // The least recently used entry makes room; its node is reused, so a full cache allocates no node.
                node = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(node.Value.Key);
                node.Value = new KeyValuePair<TKey, TValue>(key, value);
            }
            else
            {
                node = new LinkedListNode<KeyValuePair<TKey, TValue>>(new KeyValuePair<TKey, TValue>(key, value));
            }
            _recency.AddFirst(node);
            _entries.Add(key, node);
        }
        return value;
    }

    private bool TryTouch(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            if (node != _recency.First)
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
            }
            value = node.Value.Value;
            return true;
        }
        value = default!;
        return false;
    }
}
