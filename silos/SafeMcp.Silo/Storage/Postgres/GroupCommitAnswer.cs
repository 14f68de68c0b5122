namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>What <see cref="GroupCommitStatement"/> answered for a tenant's group.</summary>
/// <param name="Applied">For each common write, whether it took effect.</param>
/// <param name="Linked">For each decision of the group, whether its write took effect (so it joins the chain).</param>
/// <param name="Head">The tenant's chain head, locked until the transaction ends; null when no decision is linked.</param>
internal sealed record GroupCommitAnswer(bool[] Applied, bool[] Linked, (long Length, string Hash)? Head);
