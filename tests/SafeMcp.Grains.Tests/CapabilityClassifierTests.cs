using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Tests;

public sealed class CapabilityClassifierTests
{
    [Theory]
    [InlineData("read_file", "Read the contents of a file.", Capability.FsRead)]
    [InlineData("writeFile", "Write text to a file.", Capability.FsWrite)]
    [InlineData("delete_file", "Delete a file.", Capability.FsDelete)]
    [InlineData("fetch_url", "Fetch a URL over HTTP and return the body.", Capability.NetEgress)]
    [InlineData("run_shell_command", "Run a shell command.", Capability.Exec)]
    [InlineData("send_message", "Send a message to a Slack channel.", Capability.Messaging)]
    [InlineData("BankManagerTransferFunds", "Transfer funds between accounts.", Capability.Payments)]
    public void Tool_text_gives_its_capability(string name, string description, Capability expected)
    {
        var capabilities = CapabilityClassifier.Classify(new ToolDescriptor(name, Description: description));

        Assert.True((capabilities & expected) == expected, $"{name}: {capabilities} lacks {expected}");
    }

    [Fact]
    public void Read_only_annotation_does_not_hide_a_delete_tool()
    {
        var tool = new ToolDescriptor("remove_records", Description: "Removes records.", Annotations: new ToolAnnotations(ReadOnlyHint: true));

        Assert.True(CapabilityClassifier.Classify(tool).HasFlag(Capability.FsDelete));
    }

    [Fact]
    public void Schema_property_url_marks_egress()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"url":{"type":"string"}}}""").RootElement;
        var tool = new ToolDescriptor("lookup", InputSchema: schema);

        Assert.True(CapabilityClassifier.Classify(tool).HasFlag(Capability.NetEgress));
    }

    [Fact]
    public void Plain_reader_gets_no_outbound_capability()
    {
        var capabilities = CapabilityClassifier.Classify(new ToolDescriptor("read_file", Description: "Read a file from the sandbox."));

        Assert.Equal(Capability.None, capabilities & (Capability.NetEgress | Capability.Messaging | Capability.FsDelete | Capability.Exec));
    }
}
