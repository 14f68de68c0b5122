namespace SafeMcp.Silo.Storage;

/// <summary>Readiness of the silo's storage.</summary>
internal interface IStorageProbe
{
    /// <summary>The storage's kind, for health answers.</summary>
    string Name { get; }

    /// <summary>Whether the storage answers a trivial query.</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}
