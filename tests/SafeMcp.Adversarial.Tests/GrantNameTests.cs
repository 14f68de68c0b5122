using Microsoft.Extensions.Time.Testing;
using SafeMcp.Contracts;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Defenses.Grants;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Adversarial.Tests;

/// <summary>Item 10: a grant policy naming a tool covers it however its case or Unicode form is written.</summary>
public sealed class GrantNameTests
{
    [Theory]
    [InlineData("Send_message_X")]
    [InlineData("SEND_MESSAGE_X")]
    [InlineData("\uFF53end_message_X")]
    [InlineData("send_message_\uFF38")]
    public async Task A_policy_tool_is_held_back_whatever_its_case_or_width(string declared)
    {
        var store = new InMemoryDefenseStore();
        var time = new FakeTimeProvider(Sessions.Start);
        var gate = new GrantGate(store, new GrantOptions(), time);
        await gate.SetPolicyAsync(Sessions.Tenant, new GrantPolicy(["send_message_X"], []), CancellationToken.None);
        var grain = await Sessions.GrainAsync(Sessions.Pipeline(gates: [gate]), time);

        var view = await grain.OpenAsync(new OpenSessionRequest("s1", null, [Sessions.Tool(declared, "Send a message."), Sessions.Tool("read_file", "Read a file.")]), CancellationToken.None);

        Assert.Equal(["read_file"], view.VisibleTools);
    }
}
