using Broker.Cli.Admin;
using Broker.Vhdx.Storage;

namespace Broker.Cli;

/// <summary>
/// What a command talks to: its output streams, the storage disks are opened through, and whether
/// progress may be drawn. Injected so commands run in-process in tests.
/// </summary>
internal sealed class CliEnvironment
{
    /// <summary>Text results.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>One-line errors and progress.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Binary standard output (<c>disk read</c> without a file); the caller disposes the stream.</summary>
    public required Func<Stream> OpenStandardOutput { get; init; }

    /// <summary>Where disk files are opened, created, renamed and flushed.</summary>
    public required IStorage Storage { get; init; }

    /// <summary>True when progress bars may be drawn on <see cref="Error"/> (it is a terminal).</summary>
    public bool ShowProgress { get; init; }

    /// <summary>What <c>admin</c> commands reach the broker through; the process's own unless a test injects one.</summary>
    public AdminEnvironment Admin { get; init; } = AdminEnvironment.FromProcess();

    /// <summary>The process's console and the local file system.</summary>
    public static CliEnvironment FromConsole() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        OpenStandardOutput = Console.OpenStandardOutput,
        Storage = FileStorage.Instance,
        ShowProgress = !Console.IsErrorRedirected,
    };
}
