using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Contracts;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Adversarial.Tests;

// The cases that name the opener's role (an API the fix added).
public sealed partial class ServerIdentityTests
{
    [Fact]
    public async Task A_new_server_an_admin_key_declares_is_trusted_on_first_sight()
    {
        await OpenAsync("first", "files", s_honest);

        var grain = await Sessions.GrainAsync(_pipeline, _time, "second");
        var view = await grain.OpenAsync(new OpenSessionRequest("second", null, [Sessions.Tool("send", "Send a message.")], "mail"), SessionOpener.Admin, CancellationToken.None);

        Assert.Equal(["send"], view.VisibleTools);
    }
}
