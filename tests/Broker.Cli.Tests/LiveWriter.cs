using System.Text;

namespace Broker.Cli.Tests;

/// <summary>Captured text output that a test may read while the command still writes to it.</summary>
internal sealed class LiveWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            _ = _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            _ = _text.Append(value);
        }
    }

    /// <summary>Waits until the text written so far contains <paramref name="expected"/>.</summary>
    public async Task WaitForAsync(string expected, CancellationToken cancellationToken)
    {
        while (!ToString().Contains(expected, StringComparison.Ordinal))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return _text.ToString();
        }
    }
}
