using Npgsql;
using SafeMcp.Silo.Storage.Postgres;

namespace SafeMcp.Silo.Tests;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void Statements_are_prepared_automatically_and_connections_kept_unless_the_operator_says_otherwise()
    {
        var tuning = new PostgresStorageOptions();

        var tuned = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Tune("Host=127.0.0.1;Username=app", tuning));
        var operatorsChoice = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Tune("Host=127.0.0.1;Max Auto Prepare=7;Maximum Pool Size=9", tuning));

        Assert.Equal(tuning.MaxAutoPrepare, tuned.MaxAutoPrepare);
        Assert.Equal(tuning.MaxPoolSize, tuned.MaxPoolSize);
        Assert.Equal(7, operatorsChoice.MaxAutoPrepare);
        Assert.Equal(9, operatorsChoice.MaxPoolSize);
        Assert.True(tuned.NoResetOnClose);
    }
}
