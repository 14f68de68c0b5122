using SafeMcp.Grains.Defenses.Audit;

namespace SafeMcp.Defenses.Tests;

public sealed class AuditChainTests
{
    private static List<(AuditChainEntry Entry, string Hash)> Chain(int rows)
    {
        var chain = new List<(AuditChainEntry, string)>();
        var previous = AuditChain.Genesis;
        for (var i = 1; i <= rows; i++)
        {
            var entry = new AuditChainEntry("t", "s", i, i, "tool", "allow", "[]", "[]", "[\"rules\"]", "[]", "{}", null, $"2026-01-01T00:00:0{i}Z");
            previous = AuditChain.Link(previous, entry);
            chain.Add((entry, previous));
        }
        return chain;
    }

    [Fact]
    public void Untouched_chain_verifies()
    {
        var chain = Chain(4);
        Assert.True(AuditChain.Verify("t", chain, 4, chain[^1].Hash).IsIntact);
    }

    [Fact]
    public void Modified_row_is_found()
    {
        var chain = Chain(4);
        chain[1] = (chain[1].Entry with { Verdict = "deny" }, chain[1].Hash);
        var result = AuditChain.Verify("t", chain, 4, chain[^1].Hash);
        Assert.Contains(result.Problems, p => p.StartsWith("row 2 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Deleted_row_in_the_middle_is_found()
    {
        var chain = Chain(4);
        chain.RemoveAt(1);
        Assert.Contains(AuditChain.Verify("t", chain, 4, chain[^1].Hash).Problems, p => p.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Deleted_newest_row_is_found_by_the_head()
    {
        var chain = Chain(4);
        var head = chain[^1].Hash;
        chain.RemoveAt(3);
        Assert.False(AuditChain.Verify("t", chain, 4, head).IsIntact);
    }

    [Fact]
    public void Swapped_rows_are_found()
    {
        var chain = Chain(4);
        (chain[1], chain[2]) = ((chain[2].Entry with { ChainIndex = 2 }, chain[2].Hash), (chain[1].Entry with { ChainIndex = 3 }, chain[1].Hash));
        Assert.False(AuditChain.Verify("t", chain, 4, chain[^1].Hash).IsIntact);
    }
}
