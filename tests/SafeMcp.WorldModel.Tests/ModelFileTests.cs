using SafeMcp.WorldModel.ModelFile;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Tests;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("safemcp-wm-").FullName;

    [Fact]
    public void Model_file_round_trip_keeps_shape_threshold_and_every_parameter()
    {
        var weights = WorldModelWeights.Initialize(TestModels.Tiny, seed: 3);
        weights.ToolThreshold = 0.35f;
        weights.SafeBias = 1.25f;
        weights.CurrentActionWeight = 0.75f;
        weights.ReadsToolText = false;
        var path = Path.Combine(_directory, "m.smwm");
        ModelFileFormat.Write(weights, path);

        var read = ModelFileFormat.Read(path);

        Assert.Equal(weights.Shape, read.Shape);
        Assert.Equal(0.35f, read.ToolThreshold);
        Assert.Equal(1.25f, read.SafeBias);
        Assert.Equal(0.75f, read.CurrentActionWeight);
        Assert.False(read.ReadsToolText);
        Assert.Equal(weights.Parameters, read.Parameters);

        weights.ReadsToolText = true;
        Assert.True(ModelFileFormat.Deserialize(ModelFileFormat.Serialize(weights), "m").ReadsToolText);
    }

    [Fact]
    public void A_version_2_file_is_read_as_a_model_that_reads_tool_text()
    {
        var weights = WorldModelWeights.Initialize(TestModels.Tiny, seed: 3);
        weights.ReadsToolText = false;
        weights.SafeBias = 0.5f;
        var current = ModelFileFormat.Serialize(weights);
        // Version 2: the same header without the flags field at offset 40, checksum over what precedes it.
        var old = new byte[current.Length - 4];
        current.AsSpan(0, 40).CopyTo(old);
        current.AsSpan(44, current.Length - 44 - 32).CopyTo(old.AsSpan(40));
        old[4] = 2;
        System.Security.Cryptography.SHA256.HashData(old.AsSpan(0, old.Length - 32), old.AsSpan(old.Length - 32));

        var read = ModelFileFormat.Deserialize(old, "v2");

        Assert.True(read.ReadsToolText);
        Assert.Equal(0.5f, read.SafeBias);
        Assert.Equal(weights.Parameters, read.Parameters);
    }

    [Fact]
    public void Unknown_flags_are_rejected()
    {
        var bytes = ModelFileFormat.Serialize(WorldModelWeights.Initialize(TestModels.Tiny, seed: 3));
        bytes[40] |= 0x02;
        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));

        var error = Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize(bytes, "m"));
        Assert.Contains("unknown flags", error.Message);
    }

    [Fact]
    public void Flipped_byte_is_rejected_by_the_checksum()
    {
        var bytes = ModelFileFormat.Serialize(WorldModelWeights.Initialize(TestModels.Tiny, seed: 3));
        bytes[bytes.Length / 2] ^= 0x40;

        var error = Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize(bytes, "m"));
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void Truncated_file_is_rejected()
    {
        var bytes = ModelFileFormat.Serialize(WorldModelWeights.Initialize(TestModels.Tiny, seed: 3));

        var error = Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize(bytes.AsSpan(0, bytes.Length - 7), "m"));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Other_file_or_other_version_is_rejected_with_the_reason()
    {
        var notAModel = Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize("hello, this is not a model at all, really"u8, "x"));
        Assert.Contains("not a SafeMCP world model file", notAModel.Message);

        var bytes = ModelFileFormat.Serialize(WorldModelWeights.Initialize(TestModels.Tiny, seed: 3));
        bytes[4] = 9;
        var version = Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize(bytes, "m"));
        Assert.Contains("version 9", version.Message);

        bytes = ModelFileFormat.Serialize(WorldModelWeights.Initialize(TestModels.Tiny, seed: 3));
        bytes[8] = 1;
        var features = Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize(bytes, "m"));
        Assert.Contains("feature version 1", features.Message);

        var missing = Assert.Throws<ModelFileException>(() => ModelFileFormat.Read(Path.Combine(_directory, "none.smwm")));
        Assert.Contains("does not exist", missing.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
