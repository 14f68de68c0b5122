namespace SafeMcp.Cluster.Tests;

/// <summary>Checks the audit table against what clients saw acknowledged.</summary>
public static class AuditAssert
{
    /// <summary>
    /// Every acknowledged decision is in the audit table exactly once, and the session's sequence numbers
    /// are 1..N with no gap and no duplicate.
    /// </summary>
    /// <param name="firstSequence">Sequence numbers decided before the load (1..firstSequence-1) are in the audit too.</param>
    public static async Task ConsistentAsync(TestCluster cluster, string tenantId, DecisionLoad load, long firstSequence = 1)
    {
        foreach (var session in load.Sessions)
        {
            var rows = await cluster.AuditAsync(tenantId, session);
            var sequences = rows.Select(r => r.Sequence).ToArray();
            Assert.Equal(Enumerable.Range(1, sequences.Length).Select(i => (long)i), sequences);
            Assert.All(load.Acknowledged[session], a => Assert.True(a.Sequence >= firstSequence));
            var acknowledged = load.Acknowledged[session].Select(a => a.Sequence).ToArray();
            Assert.Equal(acknowledged.Length, acknowledged.Distinct().Count());
            Assert.All(acknowledged, sequence => Assert.Contains(sequence, sequences));
        }
    }
}
