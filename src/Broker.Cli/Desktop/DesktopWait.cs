using System.Globalization;
using Broker.Contracts.V1;
using Grpc.Core;
using LocalApi = Broker.Contracts.V1.ClientAgent;

namespace Broker.Cli.Desktop;

/// <summary>
/// <c>--wait</c> of <c>checkout</c> and <c>checkin</c>: follows the agent's <c>Watch</c> stream,
/// printing one line per change (phase, percent and rate of a transfer), until the desktop reaches
/// the operation's goal (exit 0). A watch that settles anywhere else (revoked, released before it
/// was ready, back to ready after a cancelled check-in) prints why and exits 1. Ctrl+C stops only
/// the waiting (exit 130): the operation goes on in the agent.
/// </summary>
internal sealed class DesktopWait
{
    /// <summary>Waits for a check-out: the desktop is ready (or already running) on this machine.</summary>
    public static readonly DesktopWait CheckOut = new("check-out", "ready", phase => phase is LocalPhase.Ready or LocalPhase.Running);

    /// <summary>Waits for a check-in: the server committed it and the local copy is released.</summary>
    public static readonly DesktopWait CheckIn = new("check-in", "checked in", phase => phase == LocalPhase.CheckedIn);

    private readonly string _operation;
    private readonly string _goal;
    private readonly Func<LocalPhase, bool> _reached;

    private DesktopWait(string operation, string goal, Func<LocalPhase, bool> reached)
    {
        _operation = operation;
        _goal = goal;
        _reached = reached;
    }

    /// <summary>Follows <paramref name="started"/> (the agent's answer to the request) until the goal; returns the exit code.</summary>
    public async Task<int> RunAsync(LocalApi.ClientAgentClient agent, LocalDesktop started, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var name = started.Name.Length > 0 ? started.Name : started.DesktopId;
        var last = started;
        await output.WriteLineAsync(ProgressLine(started)).ConfigureAwait(false);
        try
        {
            using var watch = agent.Watch(new DesktopRequest { Desktop = started.DesktopId }, cancellationToken: cancellationToken);
            await foreach (var update in watch.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (ProgressLine(update) != ProgressLine(last))
                {
                    await output.WriteLineAsync(ProgressLine(update)).ConfigureAwait(false);
                }

                last = update;
                if (_reached(update.Phase))
                {
                    await output.WriteLineAsync($"{name}: {_goal}").ConfigureAwait(false);
                    return ExitCodes.Success;
                }
            }
        }
        catch (Exception stopped) when (cancellationToken.IsCancellationRequested && stopped is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            await error.WriteLineAsync(
                $"brokerctl: stopped waiting; the {_operation} of '{name}' goes on in the client agent ('brokerctl desktop status {name}' follows it).").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }

        await error.WriteLineAsync($"brokerctl: the {_operation} of '{name}' did not finish: it is {DesktopOutput.PhaseOf(last)}{Reason(last)}").ConfigureAwait(false);
        return ExitCodes.ProblemFound;
    }

    /// <summary><c>pulling 42% of 1048576 bytes, 3.5 MiB/s, 12 s left</c>; the phase alone without a transfer.</summary>
    public static string ProgressLine(LocalDesktop desktop)
    {
        var phase = DesktopOutput.PhaseOf(desktop);
        if (desktop.Transfer is not { BytesTotal: > 0 } transfer)
        {
            return phase;
        }

        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{phase} {transfer.BytesDone * 100 / transfer.BytesTotal}% of {transfer.BytesTotal} bytes, {transfer.BytesPerSecond / (1024 * 1024):0.0} MiB/s");
        return transfer.EtaSeconds > 0 ? string.Create(CultureInfo.InvariantCulture, $"{line}, {transfer.EtaSeconds:0} s left") : line;
    }

    private static string Reason(LocalDesktop desktop) => (desktop.BlockedReason, desktop.Message) switch
    {
        ({ Length: > 0 } blocked, { Length: > 0 } message) => $" ({blocked}): {message}",
        ({ Length: > 0 } blocked, _) => $" ({blocked})",
        (_, { Length: > 0 } message) => $": {message}",
        _ => ".",
    };
}
