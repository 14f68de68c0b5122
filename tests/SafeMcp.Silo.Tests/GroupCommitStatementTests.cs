using SafeMcp.Silo.Storage.Postgres;

namespace SafeMcp.Silo.Tests;

/// <summary>The PostgreSQL group commit's answer: the positions of the writes that took effect.</summary>
public sealed class GroupCommitStatementTests
{
    [Fact]
    public void Positions_mark_their_writes_applied_in_any_order_and_the_others_stale()
    {
        Assert.Equal([true, false, true, false], GroupCommitStatement.Applied([3, 1], 4));
        Assert.Equal([false, false], GroupCommitStatement.Applied([], 2));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(5L)]
    [InlineData(-1L)]
    public void A_position_outside_the_group_is_an_error_not_a_guess(long position)
    {
        var error = Assert.Throws<InvalidOperationException>(() => GroupCommitStatement.Applied([1, position], 4));
        Assert.Contains($"write {position}", error.Message, StringComparison.Ordinal);
    }
}
