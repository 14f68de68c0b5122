namespace SafeMcp.Silo.Runtime;

/// <summary>The identity of a grain: a tenant and a key within it.</summary>
public readonly record struct GrainKey(string TenantId, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{TenantId}/{Key}";
}
