using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SafeMcp.Grains.Sessions;

/// <summary>
/// Writes a <see cref="CallRecord"/> from JSON made once per record. A record is immutable (a change makes a new one)
/// and is rewritten with its session's state on every turn until it leaves the recent history, so serializing it
/// once instead of <see cref="SessionGrainOptions.RecentCallsKept"/> times saves most of a turn's encoding work.
/// </summary>
internal sealed class CachedCallRecordConverter : JsonConverter<CallRecord>
{
    private static readonly ConditionalWeakTable<CallRecord, byte[]> Encoded = new();

    public override CallRecord? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, CallRecordJsonContext.Default.CallRecord);

    public override void Write(Utf8JsonWriter writer, CallRecord value, JsonSerializerOptions options) =>
        writer.WriteRawValue(
            Encoded.GetValue(value, static record => JsonSerializer.SerializeToUtf8Bytes(record, CallRecordJsonContext.Default.CallRecord)),
            skipInputValidation: true);
}

/// <summary>The plain contract of <see cref="CallRecord"/>, same options as the session documents, without the cache.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CallRecord))]
internal sealed partial class CallRecordJsonContext : JsonSerializerContext;
