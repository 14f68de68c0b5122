using SafeMcp.Adversarial.Tests.Support;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Adversarial.Tests;

/// <summary>Item 7: reading where credentials are kept taints the session, however the path is disguised.</summary>
public sealed class SecretPathTests
{
    private readonly Adversary _adversary = new();

    [Theory]
    [InlineData("/app/.e%6Ev")]
    [InlineData("/app/%2Eenv")]
    [InlineData("/app/%252Eenv")]
    [InlineData("/app/.env~")]
    [InlineData("/app/.env.bak")]
    [InlineData("/app/.en?")]
    [InlineData("/app/.e*")]
    [InlineData("/app/.[e]nv")]
    [InlineData("/app/\uFF0Eenv")]
    [InlineData("/app/.E\u200BNV")]
    [InlineData("/APP/.ENV")]
    [InlineData("/home/dev/.docker/config.json")]
    [InlineData("/home/dev/.config/gh/hosts.yml")]
    [InlineData("infra/prod.tfvars")]
    [InlineData("infra/terraform.tfstate")]
    [InlineData("/home/dev/.npmrc")]
    [InlineData("/home/dev/.pypirc")]
    [InlineData("/home/dev/.netrc")]
    [InlineData("/home/dev/.aws/credentials")]
    [InlineData("/home/dev/.kube/config")]
    [InlineData("/home/dev/.ssh/id_rsa")]
    [InlineData("/home/dev/.ssh/id_*")]
    public async Task Reading_a_credential_location_taints_the_session(string path)
    {
        var grain = await _adversary.OpenAsync("Look around the project.", Sessions.Tool("read_file", "Read a file."));

        await Adversary.CallAsync(grain, "read_file", $$"""{"path":{{System.Text.Json.JsonSerializer.Serialize(path)}}}""");

        Assert.True((grain.State.Taint & Taint.Secrets) != 0, $"{path} did not taint the session");
    }

    [Theory]
    [InlineData("/app/README.md")]
    [InlineData("/app/src/*.cs")]
    [InlineData("/app/environment.md")]
    public async Task Reading_an_ordinary_file_does_not(string path)
    {
        var grain = await _adversary.OpenAsync("Look around the project.", Sessions.Tool("read_file", "Read a file."));

        await Adversary.CallAsync(grain, "read_file", $$"""{"path":{{System.Text.Json.JsonSerializer.Serialize(path)}}}""");

        Assert.Equal(Taint.None, grain.State.Taint);
    }
}
