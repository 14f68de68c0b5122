using System.Globalization;
using System.Text.RegularExpressions;
using SafeMcp.Client;
using SafeMcp.Contracts;

namespace SafeMcp.Silo.Tests;

/// <summary>The Prometheus scrape at <c>/metrics</c> of a real silo process, after real decisions.</summary>
public sealed partial class MetricsScrapeTests(SiloProcessFixture fixture) : IClassFixture<SiloProcessFixture>
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Scrape_counts_decisions_by_verdict_and_layer_and_times_commits_without_naming_sessions()
    {
        var before = await ScrapeAsync();
        using var client = new SafeMcpClient(new SafeMcpClientOptions { BaseAddress = fixture.Silo.BaseAddress, ApiKey = fixture.Key });
        var sessionId = $"metrics-{Guid.NewGuid():N}";
        await client.OpenSessionAsync(new OpenSessionRequest(sessionId, "Summarize my notes",
            [new ToolDescriptor("read_file", Description: "Read a file"), new ToolDescriptor("fetch_url", Description: "Fetch a URL over HTTP")]));
        var read = await client.DecideAsync(sessionId, new DecideRequest("read_file", Arguments("""{"path":"notes/.env"}""")));
        var fetch = await client.DecideAsync(sessionId, new DecideRequest("fetch_url", Arguments("""{"url":"https://example.com/x"}""")));
        var after = await ScrapeAsync();

        Assert.Equal(Verdict.Allow, read.Verdict);
        Assert.Equal(Verdict.Deny, fetch.Verdict);
        Assert.Equal(1, Sample(after, "safemcp_decisions_total", "verdict=\"deny\"") - Sample(before, "safemcp_decisions_total", "verdict=\"deny\""));
        Assert.Equal(1, Sample(after, "safemcp_decisions_total", "verdict=\"allow\"") - Sample(before, "safemcp_decisions_total", "verdict=\"allow\""));
        var layer = fetch.DecidedBy[0];
        Assert.True(Sample(after, "safemcp_decisions_by_layer_total", $"layer=\"{layer}\"") >= 1, after);
        Assert.True(Sample(after, "safemcp_decision_duration_seconds_count", "") >= 2, after);
        Assert.True(Sample(after, "safemcp_commit_wait_seconds_count", "") > Sample(before, "safemcp_commit_wait_seconds_count", ""), after);
        Assert.True(Sample(after, "safemcp_commit_batch_size_count", "") >= 1, after);
        Assert.DoesNotContain(sessionId, after, StringComparison.Ordinal);
        Assert.DoesNotContain("fetch_url", after, StringComparison.Ordinal);
    }

    private static System.Text.Json.JsonElement Arguments(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>A scrape with no key: <c>/metrics</c> is outside <c>/v1</c>, like the health checks.</summary>
    private async Task<string> ScrapeAsync()
    {
        using var response = await s_http.GetAsync(new Uri(fixture.Silo.BaseAddress, "metrics"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of a metric's samples whose labels contain <paramref name="label"/>; 0 when there is none.</summary>
    private static double Sample(string scrape, string metric, string label) =>
        SampleLine().Matches(scrape)
            .Where(m => m.Groups["name"].Value == metric && m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)( \d+)?$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
