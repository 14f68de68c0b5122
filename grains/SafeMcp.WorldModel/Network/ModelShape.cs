namespace SafeMcp.WorldModel.Network;

/// <summary>The sizes of the network. Stored in the model file; a file defines its own shape.</summary>
/// <param name="Buckets">Rows of the hashed embedding table.</param>
/// <param name="Dim">Width of an embedding.</param>
/// <param name="Hidden">Width of the context MLP's hidden layer.</param>
/// <param name="ToolHidden">Width of the per-tool scorer's hidden layer.</param>
public sealed record ModelShape(int Buckets, int Dim, int Hidden, int ToolHidden)
{
    /// <summary>The default shape: 32768 × 32 embeddings (4 MiB of weights), 64 hidden, 32 per tool.</summary>
    public static ModelShape Default { get; } = new(32_768, 32, 64, 32);

    /// <summary>Throws when a size is out of the range the file format and kernels accept.</summary>
    public void Validate()
    {
        if (Buckets is < 16 or > 1 << 24 || Dim is < 1 or > 1024 || Hidden is < 1 or > 4096 || ToolHidden is < 1 or > 4096)
        {
            throw new ArgumentException($"Model shape out of range: {this}.");
        }
    }
}
