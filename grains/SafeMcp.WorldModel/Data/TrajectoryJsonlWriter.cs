using System.Text.Json;

namespace SafeMcp.WorldModel.Data;

/// <summary>Writes rows of the SafeMCP format to a stream as they come, one JSON object a line (see <see cref="TrajectoryJsonl"/>).</summary>
public sealed class TrajectoryJsonlWriter : IDisposable
{
    private static readonly byte[] s_newline = "\n"u8.ToArray();
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _writer;

    /// <summary>Writes to <paramref name="stream"/>, which the writer owns and disposes.</summary>
    public TrajectoryJsonlWriter(Stream stream)
    {
        _stream = stream;
        _writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
    }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Writes one row and its newline.</summary>
    public void Write(TrajectoryRow row)
    {
        TrajectoryJsonl.WriteRow(_writer, row);
        _writer.Flush();
        _stream.Write(s_newline);
        _writer.Reset();
        Rows++;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }
}
