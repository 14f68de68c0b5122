using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SafeMcp.Grains.Sessions;

/// <summary>
/// A session's recent decided calls, oldest first, each kept with its JSON. A record is immutable (a change makes a new
/// one) and is rewritten with its session's state on every turn until it leaves the history, so it is serialized once,
/// when it enters, instead of <see cref="SessionGrainOptions.RecentCallsKept"/> times. The JSON lives beside the record
/// rather than in a weak table keyed by it: such a table holds a dependent handle per record ever cached, tens of
/// thousands under load, and every garbage collection, even of the youngest generation, scans them.
/// A turn's copy shares the records and their JSON (<see cref="CopyFrom"/>).
/// </summary>
[JsonConverter(typeof(RecentCallsJsonConverter))]
public sealed class RecentCalls : IReadOnlyList<CallRecord>
{
    private readonly List<Entry> _entries = [];

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public CallRecord this[int index] => _entries[index].Record;

    /// <summary>Appends <paramref name="record"/>.</summary>
    public void Add(CallRecord record) => _entries.Add(Entry.Of(record));

    /// <summary>Drops the oldest records beyond the last <paramref name="count"/>.</summary>
    public void KeepLast(int count)
    {
        if (_entries.Count > count)
        {
            _entries.RemoveRange(0, _entries.Count - count);
        }
    }

    /// <summary>The position of the record with <paramref name="sequence"/>, or -1.</summary>
    public int IndexOf(long sequence) => _entries.FindIndex(entry => entry.Record.Sequence == sequence);

    /// <summary>Replaces the record at <paramref name="index"/>.</summary>
    public void Replace(int index, CallRecord record) => _entries[index] = Entry.Of(record);

    /// <summary>Makes this history the same as <paramref name="other"/>'s (records and their JSON shared).</summary>
    public void CopyFrom(RecentCalls other)
    {
        _entries.Clear();
        _entries.AddRange(other._entries);
    }

    /// <summary>Enumerates the records, oldest first, without allocating.</summary>
    public Enumerator GetEnumerator() => new(_entries);

    IEnumerator<CallRecord> IEnumerable<CallRecord>.GetEnumerator()
    {
        foreach (var entry in _entries)
        {
            yield return entry.Record;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<CallRecord>)this).GetEnumerator();

    /// <summary>Writes the history as a JSON array of its records.</summary>
    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (var entry in _entries)
        {
            writer.WriteRawValue(entry.Json, skipInputValidation: true);
        }
        writer.WriteEndArray();
    }

    /// <summary>Enumerates a history's records.</summary>
    public struct Enumerator
    {
        private List<Entry>.Enumerator _inner;

        internal Enumerator(List<Entry> entries) => _inner = entries.GetEnumerator();

        /// <summary>The current record.</summary>
        public readonly CallRecord Current => _inner.Current.Record;

        /// <summary>Moves to the next record.</summary>
        public bool MoveNext() => _inner.MoveNext();
    }

    /// <summary>A record and its JSON.</summary>
    internal readonly record struct Entry(CallRecord Record, byte[] Json)
    {
        public static Entry Of(CallRecord record) => new(record, JsonSerializer.SerializeToUtf8Bytes(record, CallRecordJsonContext.Default.CallRecord));
    }
}

/// <summary>Reads and writes a <see cref="RecentCalls"/> as a JSON array of call records, each record's JSON written as kept.</summary>
internal sealed class RecentCallsJsonConverter : JsonConverter<RecentCalls>
{
    public override RecentCalls Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var records = JsonSerializer.Deserialize(ref reader, CallRecordJsonContext.Default.CallRecordArray)
            ?? throw new JsonException("The recent calls are null.");
        var calls = new RecentCalls();
        foreach (var record in records)
        {
            calls.Add(record);
        }
        return calls;
    }

    public override void Write(Utf8JsonWriter writer, RecentCalls value, JsonSerializerOptions options) => value.WriteTo(writer);
}

/// <summary>The plain contract of <see cref="CallRecord"/>, same options as the session documents.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CallRecord))]
[JsonSerializable(typeof(CallRecord[]))]
internal sealed partial class CallRecordJsonContext : JsonSerializerContext;
