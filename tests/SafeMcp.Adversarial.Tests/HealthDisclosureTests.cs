namespace SafeMcp.Adversarial.Tests;

/// <summary>The health endpoints answer without a key, so they say nothing about the host.</summary>
public sealed class HealthDisclosureTests
{
    [Fact]
    public async Task Healthz_and_readyz_name_neither_the_host_nor_the_process()
    {
        await using var silo = await RecordedSilo.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = silo.Silo.BaseAddress };
        foreach (var path in new[] { "healthz", "readyz" })
        {
            var body = await anonymous.GetStringAsync(path);
            Assert.Contains("\"status\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain(Environment.MachineName, body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(silo.Silo.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
        }
    }
}
