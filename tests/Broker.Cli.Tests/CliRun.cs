using System.Text;
using Broker.Vhdx.Storage;

namespace Broker.Cli.Tests;

/// <summary>Runs brokerctl in-process with captured output.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error, byte[] StandardOutput)
{
    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(TestContext.Current.CancellationToken, args);

    /// <summary>Runs with <paramref name="cancellationToken"/> as the Ctrl+C token.</summary>
    public static Task<CliRun> RunAsync(CancellationToken cancellationToken, params string[] args) =>
        RunAsync(new LiveWriter(), cancellationToken, args);

    /// <summary>Runs with <paramref name="cancellationToken"/> as the Ctrl+C token; <paramref name="output"/> can be read while it runs.</summary>
    public static Task<CliRun> RunAsync(LiveWriter output, CancellationToken cancellationToken, params string[] args) =>
        RunAsync(output, showProgress: false, cancellationToken, args);

    /// <summary>As above; <paramref name="showProgress"/> says standard error is a terminal (progress bars are drawn there).</summary>
    public static async Task<CliRun> RunAsync(LiveWriter output, bool showProgress, CancellationToken cancellationToken, params string[] args)
    {
        var error = new StringWriter();
        var binary = new MemoryStream();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            OpenStandardOutput = () => new NonClosingStream(binary),
            Storage = FileStorage.Instance,
            ShowProgress = showProgress,
        };
        var exitCode = await BrokerCtl.RunAsync(args, environment, cancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString(), binary.ToArray());
    }

    public override string ToString() => new StringBuilder()
        .Append("exit ").Append(ExitCode).AppendLine().Append("out: ").AppendLine(Out).Append("err: ").Append(Error).ToString();

    /// <summary>Keeps the captured stdout readable after the command disposes its stream.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }
}
