namespace SafeMcp.Silo.Storage;

/// <summary>Readiness of the silo's storage.</summary>
internal interface IStorageProbe
{
    /// <summary>The storage's kind, for health answers.</summary>
    string Name { get; }

    /// <summary>Whether the storage answers a trivial query.</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);

    /// <summary>How long writes waited for their group commit (see <see cref="GroupCommitter{TWrite}.CommitWait"/>).</summary>
    DurationHistogram CommitWait { get; }

    /// <summary>How long the store's own log syncs took, or null when its commit syncs inside the database (PostgreSQL).</summary>
    DurationHistogram? LogSync { get; }
}
