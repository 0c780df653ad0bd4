using System.Globalization;
using Broker.Contracts.V1;
using Grpc.Core;
using LocalApi = Broker.Contracts.V1.ClientAgent;

namespace Broker.Cli.Desktop;

/// <summary>
/// <c>--wait</c> of <c>checkout</c>, <c>resume</c> and <c>checkin</c>: follows the agent's <c>Watch</c> stream,
/// showing each change (phase, percent, rate and time left of a transfer), until the desktop reaches
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

    /// <summary>
    /// Follows <paramref name="started"/> (the agent's answer to the request) until the goal; returns
    /// the exit code. Progress goes to a Spectre.Console bar with rate and time left on standard error
    /// when it is a terminal (<see cref="CliEnvironment.ShowProgress"/>), else one line per change on
    /// standard output.
    /// </summary>
    public async Task<int> RunAsync(LocalApi.ClientAgentClient agent, LocalDesktop started, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.ShowProgress
            ? await WaitProgress.RunAsync(environment, started, show => FollowAsync(agent, started, show, environment, cancellationToken)).ConfigureAwait(false)
            : await FollowAsync(agent, started, PrintLines(environment.Out, started), environment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Shows the progress of <paramref name="desktop"/> until <paramref name="cancellationToken"/> ends it (e.g. while a sync call runs).</summary>
    public static async Task ShowUntilCancelledAsync(LocalApi.ClientAgentClient agent, string desktop, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        async Task<int> Follow(Action<LocalDesktop> show)
        {
            try
            {
                using var watch = agent.Watch(new DesktopRequest { Desktop = desktop }, cancellationToken: cancellationToken);
                await foreach (var update in watch.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    show(update);
                }
            }
            catch (Exception stopped) when (cancellationToken.IsCancellationRequested && stopped is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                // The call it followed ended.
            }

            return ExitCodes.Success;
        }

        var first = new LocalDesktop { Name = desktop };
        _ = environment.ShowProgress
            ? await WaitProgress.RunAsync(environment, first, Follow).ConfigureAwait(false)
            : await Follow(PrintLines(environment.Out, null)).ConfigureAwait(false);
    }

    private async Task<int> FollowAsync(LocalApi.ClientAgentClient agent, LocalDesktop started, Action<LocalDesktop> show, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var name = started.Name.Length > 0 ? started.Name : started.DesktopId;
        var last = started;
        show(started);
        try
        {
            using var watch = agent.Watch(new DesktopRequest { Desktop = started.DesktopId }, cancellationToken: cancellationToken);
            await foreach (var update in watch.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                show(update);
                last = update;
                if (_reached(update.Phase))
                {
                    await environment.Out.WriteLineAsync($"{name}: {_goal}").ConfigureAwait(false);
                    return ExitCodes.Success;
                }
            }
        }
        catch (Exception stopped) when (cancellationToken.IsCancellationRequested && stopped is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            await environment.Error.WriteLineAsync(
                $"brokerctl: stopped waiting; the {_operation} of '{name}' goes on in the client agent ('brokerctl desktop status {name}' follows it).").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }

        await environment.Error.WriteLineAsync($"brokerctl: the {_operation} of '{name}' did not finish: it is {DesktopOutput.PhaseOf(last)}{Reason(last)}").ConfigureAwait(false);
        return ExitCodes.ProblemFound;
    }

    /// <summary>Prints <see cref="ProgressLine"/> whenever it differs from the one printed last.</summary>
    private static Action<LocalDesktop> PrintLines(TextWriter output, LocalDesktop? printed)
    {
        string? last = null;
        return desktop =>
        {
            var line = ProgressLine(desktop);
            if (line != last)
            {
                output.WriteLine(line);
                last = line;
            }
        };
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
