namespace SafeMcp.Grains.Defenses.Registry;

/// <summary>Where a tenant's tool pins are kept (tenant-level state, outside session grains). SQLite and PostgreSQL implement it.</summary>
public interface IToolRegistryStore
{
    /// <summary>Every pin of (<paramref name="tenantId"/>, <paramref name="server"/>).</summary>
    Task<IReadOnlyList<ToolPin>> LoadServerAsync(string tenantId, string server, CancellationToken cancellationToken);

    /// <summary>Every pin of a tenant, optionally of one server only.</summary>
    Task<IReadOnlyList<ToolPin>> ListAsync(string tenantId, string? server, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces <paramref name="pins"/> in one transaction.</summary>
    Task SaveAsync(IReadOnlyList<ToolPin> pins, CancellationToken cancellationToken);
}
