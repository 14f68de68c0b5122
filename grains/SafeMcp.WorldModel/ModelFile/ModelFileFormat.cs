using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.ModelFile;

/// <summary>
/// The world model file, version 3. Little-endian throughout:
/// <code>
/// offset size  field
/// 0      4     magic "SMWM"
/// 4      4     format version (uint32) = 3; version 2 had no flags (its models read tool text), version 1 no
///              current-action weight
/// 8      4     feature version (uint32) = 2: FNV-1a + avalanche (FeatureHasher) over FeatureExtractor's features;
///              version 1 had no thought word pairs and read 48 words of an observation
/// 12     16    shape: buckets, dim, hidden, tool hidden (int32 each)
/// 28     4     tool threshold (float32)
/// 32     4     safe-label bias, log-odds (float32)
/// 36     4     current-action weight of the unsafe label (float32, see WorldModelWeights.CurrentActionWeight)
/// 40     4     flags (uint32): bit 0 set when the model reads tools' descriptions and schemas
///              (WorldModelWeights.ReadsToolText); every other bit 0
/// 44     4     parameter count N (int32), must equal the shape's
/// 48     4·N   parameters (float32), in ParameterLayout order
/// 48+4N  32    SHA-256 of every byte before it
/// </code>
/// Version 2 is read too (the same without the flags field). A reader rejects anything else with a
/// <see cref="ModelFileException"/> saying what is wrong.
/// </summary>
public static class ModelFileFormat
{
    /// <summary>The current format version.</summary>
    public const uint Version = 3;

    /// <summary>The oldest format version still read.</summary>
    public const uint OldestReadVersion = 2;

    /// <summary>The feature hashing scheme and feature set the parameters were trained with.</summary>
    public const uint HashingVersion = 2;

    /// <summary>The conventional file extension.</summary>
    public const string Extension = ".smwm";

    private const int HeaderBytes = 48;
    private const int HeaderBytesVersion2 = 44;
    private const uint ReadsToolTextFlag = 1;
    private const int ChecksumBytes = 32;
    private static ReadOnlySpan<byte> Magic => "SMWM"u8;

    /// <summary>Writes <paramref name="weights"/> to <paramref name="path"/> (atomically: a temporary file, then a rename).</summary>
    public static void Write(WorldModelWeights weights, string path)
    {
        var bytes = Serialize(weights);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The file's bytes for <paramref name="weights"/>.</summary>
    public static byte[] Serialize(WorldModelWeights weights)
    {
        var count = weights.Parameters.Length;
        var bytes = new byte[HeaderBytes + 4 * count + ChecksumBytes];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], HashingVersion);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], weights.Shape.Buckets);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], weights.Shape.Dim);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], weights.Shape.Hidden);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], weights.Shape.ToolHidden);
        BinaryPrimitives.WriteSingleLittleEndian(span[28..], weights.ToolThreshold);
        BinaryPrimitives.WriteSingleLittleEndian(span[32..], weights.SafeBias);
        BinaryPrimitives.WriteSingleLittleEndian(span[36..], weights.CurrentActionWeight);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], weights.ReadsToolText ? ReadsToolTextFlag : 0);
        BinaryPrimitives.WriteInt32LittleEndian(span[44..], count);
        var body = span.Slice(HeaderBytes, 4 * count);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(weights.Parameters.AsSpan()).CopyTo(body);
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(body[(4 * i)..], weights.Parameters[i]);
            }
        }
        SHA256.HashData(span[..(HeaderBytes + 4 * count)], span[(HeaderBytes + 4 * count)..]);
        return bytes;
    }

    /// <summary>Reads a model file; throws <see cref="ModelFileException"/> when it is not a valid one.</summary>
    public static WorldModelWeights Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelFileException($"Model file '{path}' does not exist. Train one with: safemcp train --out {path}");
        }
        return Deserialize(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads a model from its bytes; <paramref name="name"/> names it in errors.</summary>
    public static WorldModelWeights Deserialize(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < HeaderBytesVersion2 + ChecksumBytes || !bytes[..4].SequenceEqual(Magic))
        {
            throw new ModelFileException($"'{name}' is not a SafeMCP world model file (no SMWM header).");
        }
        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        if (version is < OldestReadVersion or > Version)
        {
            throw new ModelFileException($"'{name}' is model format version {version}; this build reads versions {OldestReadVersion} to {Version}. Retrain with safemcp train.");
        }
        var headerBytes = version == Version ? HeaderBytes : HeaderBytesVersion2;
        if (bytes.Length < headerBytes + ChecksumBytes)
        {
            throw new ModelFileException($"'{name}' is truncated: {bytes.Length} bytes, shorter than its header.");
        }
        var hashing = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (hashing != HashingVersion)
        {
            throw new ModelFileException($"'{name}' uses feature version {hashing}; this build computes feature version {HashingVersion}. Retrain with safemcp train.");
        }
        var shape = new ModelShape(
            BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]));
        try
        {
            shape.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException($"'{name}' is corrupt: {e.Message}");
        }
        var threshold = BinaryPrimitives.ReadSingleLittleEndian(bytes[28..]);
        var safeBias = BinaryPrimitives.ReadSingleLittleEndian(bytes[32..]);
        var currentActionWeight = BinaryPrimitives.ReadSingleLittleEndian(bytes[36..]);
        var flags = version == Version ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[40..]) : ReadsToolTextFlag;
        if ((flags & ~ReadsToolTextFlag) != 0)
        {
            throw new ModelFileException($"'{name}' is corrupt: unknown flags 0x{flags:X8}.");
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[(headerBytes - 4)..]);
        var expected = new ParameterLayout(shape).Count;
        if (count != expected)
        {
            throw new ModelFileException($"'{name}' is corrupt: it declares {count} parameters, its shape needs {expected}.");
        }
        if (bytes.Length != headerBytes + 4L * count + ChecksumBytes)
        {
            throw new ModelFileException($"'{name}' is truncated or has trailing bytes: {bytes.Length} bytes, expected {headerBytes + 4L * count + ChecksumBytes}.");
        }
        Span<byte> checksum = stackalloc byte[ChecksumBytes];
        SHA256.HashData(bytes[..(headerBytes + 4 * count)], checksum);
        if (!checksum.SequenceEqual(bytes[(headerBytes + 4 * count)..]))
        {
            throw new ModelFileException($"'{name}' is corrupt: its SHA-256 checksum does not match its content.");
        }
        var parameters = new float[count];
        var body = bytes.Slice(headerBytes, 4 * count);
        for (var i = 0; i < count; i++)
        {
            parameters[i] = BinaryPrimitives.ReadSingleLittleEndian(body[(4 * i)..]);
        }
        if (!float.IsFinite(threshold) || threshold is < 0 or > 1)
        {
            throw new ModelFileException($"'{name}' is corrupt: tool threshold {threshold} is not a probability.");
        }
        if (!float.IsFinite(safeBias))
        {
            throw new ModelFileException($"'{name}' is corrupt: safe-label bias {safeBias} is not a number.");
        }
        if (!float.IsFinite(currentActionWeight))
        {
            throw new ModelFileException($"'{name}' is corrupt: current-action weight {currentActionWeight} is not a number.");
        }
        return new WorldModelWeights(shape, parameters, threshold)
        {
            SafeBias = safeBias, CurrentActionWeight = currentActionWeight, ReadsToolText = (flags & ReadsToolTextFlag) != 0,
        };
    }
}
