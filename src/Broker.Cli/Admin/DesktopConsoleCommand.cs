using System.CommandLine;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary>
/// <c>admin desktop console DESKTOP [--tail BYTES] [--follow]</c>: the desktop's serial console log
/// as its host has it, raw text to standard output; <c>--follow</c> keeps reading from where the last
/// read ended until interrupted.
/// </summary>
internal static class DesktopConsoleCommand
{
    /// <summary>How often <c>--follow</c> asks for more.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static Command Create(AdminContext context)
    {
        var id = new Argument<Guid>("DESKTOP") { Description = "The desktop's id." };
        var tail = new Option<long>("--tail")
        {
            Description = "Start this many bytes before the end of the log.",
            DefaultValueFactory = _ => 64 * 1024,
        };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing what the guest writes until Ctrl-C." };
        var command = new Command("console", "Print a desktop's serial console (COM1) as its host logged it since the VM last booted.") { id, tail, follow };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var desktop = parseResult.GetValue(id);
            var first = await client.ReadConsoleAsync(desktop, offset: null, tail: parseResult.GetValue(tail), cancellationToken).ConfigureAwait(false);
            await context.Environment.Out.WriteAsync(first.Value.Text).ConfigureAwait(false);
            var offset = await PrintFromAsync(context, client, desktop, first.Value.NextOffset, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(follow))
            {
                await FollowAsync(context, client, desktop, offset, cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Polls from <paramref name="offset"/> until cancelled (Ctrl-C), which ends the command normally.</summary>
    private static async Task FollowAsync(AdminContext context, BrokerApiClient client, Guid desktop, long offset, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                offset = await PrintFromAsync(context, client, desktop, offset, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // What was printed stands.
        }
    }

    /// <summary>
    /// Prints the log from <paramref name="offset"/> to its current end (a read returns at most 1 MiB)
    /// and returns where it ended. A log now shorter than <paramref name="offset"/> restarted (the VM
    /// booted again): it is printed from its start, after a note on standard error.
    /// </summary>
    private static async Task<long> PrintFromAsync(AdminContext context, BrokerApiClient client, Guid desktop, long offset, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = (await client.ReadConsoleAsync(desktop, offset, tail: null, cancellationToken).ConfigureAwait(false)).Value;
            if (read.Length < offset)
            {
                await context.Environment.Error.WriteLineAsync("brokerctl: the console log restarted (the desktop booted again).").ConfigureAwait(false);
                offset = 0;
                continue;
            }

            await context.Environment.Out.WriteAsync(read.Text).ConfigureAwait(false);
            await context.Environment.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (read.NextOffset == offset || read.NextOffset >= read.Length)
            {
                return read.NextOffset;
            }

            offset = read.NextOffset;
        }
    }
}
