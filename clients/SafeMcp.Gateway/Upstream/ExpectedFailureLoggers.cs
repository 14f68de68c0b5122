using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace SafeMcp.Gateway.Upstream;

/// <summary>
/// The logger factory the SDK's upstream clients log through. An upstream that is not there (refused, reset, timed
/// out, answering an unknown method) is an expected condition the gateway reports in one line itself: the SDK's
/// entries carrying such an exception are written at Debug, so the default log shows no stack trace for them.
/// </summary>
internal sealed class ExpectedFailureLoggers(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The inner factory belongs to the gateway.
    public void Dispose()
    {
    }

    /// <summary>True for an exception that means "the upstream is not (yet) there", not a fault of the gateway.</summary>
    public static bool IsExpected(Exception? exception) => exception switch
    {
        null => false,
        HttpRequestException or SocketException or IOException or TimeoutException or McpProtocolException => true,
        OperationCanceledException => true,
        _ => IsExpected(exception.InnerException),
    };

    private sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel) || inner.IsEnabled(LogLevel.Debug);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var level = logLevel >= LogLevel.Warning && IsExpected(exception) ? LogLevel.Debug : logLevel;
            if (inner.IsEnabled(level))
            {
                inner.Log(level, eventId, state, exception, formatter);
            }
        }
    }
}
