using System.Net.Sockets;
using System.Text;

namespace SafeMcp.Adversarial.Tests;

/// <summary>Request bodies are read whatever their framing, and a body that comes too slowly is a clean 408.</summary>
public sealed class RequestBodyTests
{
    [Fact]
    public async Task A_chunked_approve_body_is_read_so_a_wrong_hash_is_refused()
    {
        await using var silo = await RecordedSilo.StartAsync();
        Assert.Equal(200, (await silo.PostAsync("v1/sessions", RecordedSilo.FirstList)).Status);
        Assert.Equal(200, (await silo.PostAsync("v1/sessions", RecordedSilo.RugPulledList)).Status);

        // The reviewer approved another version: the hash in the body must be checked though no Content-Length says it is there.
        var status = await silo.PostChunkedAsync("v1/registry/servers/files/tools/read_file/approve", $$"""{"hash":"{{new string('a', 64)}}"}""");
        Assert.Equal(409, status);
        var pins = (await silo.GetAsync("v1/registry/tools?status=quarantined")).Body;
        Assert.Equal("read_file", Assert.Single(pins.EnumerateArray()).GetProperty("tool").GetString());
    }

    [Fact]
    public async Task A_body_slower_than_the_minimum_rate_gets_408_without_an_unhandled_exception()
    {
        await using var silo = await RecordedSilo.StartAsync();
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", silo.Silo.Port);
        var stream = socket.GetStream();
        var head = $"POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {silo.Key}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"sessionId\":";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        // Nothing more is sent: Kestrel's minimum body rate (240 bytes/s after a 5 s grace) ends the read.
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        Assert.StartsWith("HTTP/1.1 408", answer.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("nhandled", silo.Silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", silo.Silo.Output, StringComparison.Ordinal);
    }
}
