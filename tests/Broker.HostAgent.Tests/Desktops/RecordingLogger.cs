using Microsoft.Extensions.Logging;

namespace Broker.HostAgent.Tests.Desktops;

/// <summary>Keeps every exception logged, so a test sees failures the code under test only logs.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<Exception> _errors = [];

    public IReadOnlyList<Exception> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (exception is not null)
        {
            lock (_errors)
            {
                _errors.Add(exception);
            }
        }
    }
}
