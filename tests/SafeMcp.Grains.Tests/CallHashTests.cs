using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Tests;

public sealed class CallHashTests
{
    [Theory]
    [InlineData("read_file", """{"path":"notes/a.md"}""")]
    [InlineData("fetch_url", "{}")]
    [InlineData("send_message", """{"body":"héllo ✓ 𝄞"}""")]
    [InlineData("write_file", null)] // arguments longer than the stack buffer: the pooled path
    public void A_call_hashes_to_the_first_eight_bytes_of_the_sha256_of_its_tool_and_arguments(string tool, string? arguments)
    {
        arguments ??= $$"""{"content":"{{new string('ü', 3000)}}"}""";
        var expected = BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(tool + "\n" + arguments)));

        Assert.Equal(expected, CallHash.Of(tool, arguments));
        Assert.NotEqual(CallHash.Of(tool, arguments), CallHash.Of(tool, arguments + " "));
        Assert.NotEqual(CallHash.Of(tool, arguments), CallHash.Of(tool + "x", arguments));
    }
}
