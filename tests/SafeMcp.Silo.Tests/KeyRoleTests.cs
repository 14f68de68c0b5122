using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SafeMcp.Client;
using SafeMcp.Contracts;

namespace SafeMcp.Silo.Tests;

/// <summary>Agent keys (held by MCP servers) decide and read; only admin keys change the registry, grants and policy.</summary>
public sealed class KeyRoleTests(SiloProcessFixture fixture) : IClassFixture<SiloProcessFixture>
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Agent_key_cannot_change_policy_grants_or_the_registry_and_nothing_changes()
    {
        var agent = await fixture.AddKeyAsync("default", admin: false);
        var before = await GetPolicyAsync(fixture.Key);

        using var policy = await SendAsync(HttpMethod.Put, "v1/grants/policy", agent, new GrantPolicy(["send_message"], []));
        using var grant = await SendAsync(HttpMethod.Post, "v1/grants", agent, new { sessionId = "s", tool = "send_message", reason = "x", expiresInSeconds = 60 });
        using var approve = await SendAsync(HttpMethod.Post, "v1/registry/servers/any/tools/read_file/approve", agent, new { });
        using var reject = await SendAsync(HttpMethod.Post, "v1/registry/servers/any/tools/read_file/reject", agent, new { });

        foreach (var response in new[] { policy, grant, approve, reject })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var error = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), SafeMcpJsonContext.Default.ApiError)!;
            Assert.Equal("admin_key_required", error.Code);
        }
        Assert.Equal(JsonSerializer.Serialize(before), JsonSerializer.Serialize(await GetPolicyAsync(agent)));
    }

    [Fact]
    public async Task Agent_key_decides_and_admin_key_changes_policy()
    {
        var agent = await fixture.AddKeyAsync("default", admin: false);
        var admin = await fixture.AddKeyAsync("default", admin: true);
        using var client = new SafeMcpClient(new SafeMcpClientOptions { BaseAddress = fixture.Silo.BaseAddress, ApiKey = agent, MaxRetries = 0 });
        var session = "roles-" + Guid.NewGuid().ToString("N");
        await client.OpenSessionAsync(new OpenSessionRequest(session, null, [new ToolDescriptor("read_file", Description: "Read a file.")]));

        var decision = await client.DecideAsync(session, new DecideRequest("read_file"));
        using var policy = await SendAsync(HttpMethod.Put, "v1/grants/policy", admin, new GrantPolicy(["payroll_export"], []));

        Assert.Equal(1, decision.Sequence);
        Assert.True(policy.IsSuccessStatusCode, await policy.Content.ReadAsStringAsync());
        Assert.Contains("payroll_export", (await GetPolicyAsync(agent)).Tools);
    }

    private async Task<GrantPolicy> GetPolicyAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Silo.BaseAddress, "v1/grants/policy"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await s_http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), SafeMcpJsonContext.Default.GrantPolicy)!;
    }

    private async Task<HttpResponseMessage> SendAsync<T>(HttpMethod method, string path, string key, T body)
    {
        var request = new HttpRequestMessage(method, new Uri(fixture.Silo.BaseAddress, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await s_http.SendAsync(request);
    }
}
