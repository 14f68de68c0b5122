using System.Collections.Concurrent;

namespace SafeMcp.WorldModel.Inference;

/// <summary>
/// A thread-safe map of at most <c>capacity</c> entries. A hit takes no lock and writes nothing but a flag;
/// when full, an insert evicts by the clock rule (entries used since the hand last passed get a second
/// chance), which approximates least-recently-used without reordering anything on a hit. Values are created
/// outside the lock (two threads may both create one; the first stored wins).
/// </summary>
internal sealed class BoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<TKey, Slot> _entries;
    private readonly Slot[] _slots;
    private int _used;
    private int _hand;

    public BoundedCache(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        _slots = capacity > 0 ? new Slot[capacity] : throw new ArgumentOutOfRangeException(nameof(capacity), "A cache holds at least one entry.");
        _entries = new ConcurrentDictionary<TKey, Slot>(comparer);
    }

    /// <summary>Entries held.</summary>
    public int Count => _entries.Count;

    /// <summary>The value of <paramref name="key"/>, created by <paramref name="create"/> when it is not held.</summary>
    public TValue GetOrAdd<TState>(TKey key, TState state, Func<TKey, TState, TValue> create)
    {
        if (_entries.TryGetValue(key, out var held))
        {
            held.Used = true;
            return held.Value;
        }
        var value = create(key, state);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out held))
            {
                return held.Value;
            }
            Slot slot;
            if (_used < _slots.Length)
            {
                slot = _slots[_used] = new Slot(key, value);
                _used++;
            }
            else
            {
                while (_slots[_hand].Used)
                {
                    _slots[_hand].Used = false;
                    _hand = (_hand + 1) % _slots.Length;
                }
                _entries.TryRemove(_slots[_hand].Key, out _);
                slot = _slots[_hand] = new Slot(key, value);
                _hand = (_hand + 1) % _slots.Length;
            }
            _entries[key] = slot;
        }
        return value;
    }

    private sealed class Slot(TKey key, TValue value)
    {
        public TKey Key { get; } = key;
        public TValue Value { get; } = value;

        // Set on a hit, cleared by the passing hand; a lost update only changes which entry goes first.
        public bool Used { get; set; }
    }
}
