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

    [Theory]
    [InlineData("max_amount", false)]            // a cap on how many results come back
    [InlineData("min_password_length", false)]   // no password in it
    [InlineData("amount", true)]
    [InlineData("amount_usd", true)]
    public void A_bound_on_a_schema_property_does_not_lend_its_words(string property, bool payments)
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"topic":{"type":"string"},"PROPERTY":{"type":"integer"}}}""".Replace("PROPERTY", property, StringComparison.Ordinal)).RootElement;
        var capabilities = CapabilityClassifier.Classify(new ToolDescriptor("collect_records", Description: "Collects records on a topic.", InputSchema: schema));

        Assert.Equal(payments, capabilities.HasFlag(Capability.Payments));
        Assert.False(capabilities.HasFlag(Capability.Secrets), $"{property}: {capabilities}");
    }

    [Fact]
    public void Plain_reader_gets_no_outbound_capability()
    {
        var capabilities = CapabilityClassifier.Classify(new ToolDescriptor("read_file", Description: "Read a file from the sandbox."));

        Assert.Equal(Capability.None, capabilities & (Capability.NetEgress | Capability.Messaging | Capability.FsDelete | Capability.Exec));
    }

    [Fact]
    public void A_file_transfer_is_not_a_payment()
    {
        var ssh = CapabilityClassifier.Classify(new ToolDescriptor("ssh_operation", Description: "Perform SSH operations including connection, command execution, and file transfer (SCP)."));
        var bank = CapabilityClassifier.Classify(new ToolDescriptor("move_money", Description: "Transfer money between bank accounts."));

        Assert.False(ssh.HasFlag(Capability.Payments));
        Assert.True(bank.HasFlag(Capability.Payments));
    }

    [Fact]
    public void Container_tools_run_code()
    {
        Assert.True(CapabilityClassifier.Classify(new ToolDescriptor("docker_operation", Description: "Perform Docker operations like run, build, ps, and logs.")).HasFlag(Capability.Exec));
    }

    [Fact]
    public void A_script_parameter_alone_does_not_make_a_tool_run_code()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"script":{"type":"string"},"video_path":{"type":"string"}}}""").RootElement;
        var video = CapabilityClassifier.Classify(new ToolDescriptor("create_ai_video", Description: "Create a video using AI.", InputSchema: schema));
        var sandbox = CapabilityClassifier.Classify(new ToolDescriptor("sandbox", Description: "Runs Python code in a sandbox.", InputSchema: schema));

        Assert.False(video.HasFlag(Capability.Exec));
        Assert.True(sandbox.HasFlag(Capability.Exec));
    }

    [Theory]
    [InlineData("create_ransomware", "Encrypt files in the target directory.", true)]
    [InlineData("add_hidden_malware", "Add hidden malware to a file.", true)]
    [InlineData("scan_for_malware", "Scan a directory for malware and report infected files.", false)]
    [InlineData("remove_rootkit", "Detect and remove a rootkit.", false)]
    public void Tools_that_say_they_build_malware_are_marked_and_defenses_are_not(string name, string description, bool malware)
    {
        Assert.Equal(malware, CapabilityClassifier.Classify(new ToolDescriptor(name, Description: description)).HasFlag(Capability.Malware));
    }
}
