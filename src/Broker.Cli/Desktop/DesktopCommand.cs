using System.CommandLine;
using Broker.Cli.Admin;
using Broker.Contracts.Tls;
using Broker.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using LocalApi = Broker.Contracts.V1.ClientAgent;

namespace Broker.Cli.Desktop;

/// <summary>
/// <c>brokerctl desktop</c>: the desktops of this machine's client agent (<c>broker-client run</c>),
/// reached over its unix socket: list, status, checkout, pause, resume, cancel, start, stop, sync,
/// checkin, console, snapshots. <c>checkout</c>, <c>resume</c> and <c>checkin</c> take <c>--wait</c>
/// (<see cref="DesktopWait"/>).
/// </summary>
internal static class DesktopCommand
{
    private delegate AsyncUnaryCall<LocalDesktop> DesktopCall(LocalApi.ClientAgentClient agent, DesktopRequest request, CancellationToken cancellationToken);

    public static Command Create(CliEnvironment environment)
    {
        var socket = AgentSocket.Option();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text.", Recursive = true };
        var command = new Command("desktop", "Desktops checked out to this machine (the local client agent).") { socket, json };
        command.Subcommands.Add(List(environment, socket, json));
        command.Subcommands.Add(OnDesktop(environment, socket, json, "status", "Show a desktop's state, lease and sync.", (agent, request, token) => agent.StatusAsync(request, cancellationToken: token)));
        command.Subcommands.Add(OnDesktop(environment, socket, json, "checkout", "Check a desktop out to this machine and start pulling it.", (agent, request, token) => agent.CheckOutAsync(request, cancellationToken: token), DesktopWait.CheckOut));
        command.Subcommands.Add(OnDesktop(environment, socket, json, "start", "Run a checked-out desktop in local QEMU.", (agent, request, token) => agent.StartAsync(request, cancellationToken: token)));
        command.Subcommands.Add(OnDesktop(environment, socket, json, "stop", "Stop the desktop's VM (graceful, then forced).", (agent, request, token) => agent.StopAsync(request, cancellationToken: token)));
        command.Subcommands.Add(OnDesktop(environment, socket, json, "pause", "Pause the pull of a desktop being checked out (its progress is kept).", (agent, request, token) => agent.PauseAsync(request, cancellationToken: token)));
        command.Subcommands.Add(OnDesktop(environment, socket, json, "resume", "Resume a paused pull from where it stopped.", (agent, request, token) => agent.ResumeAsync(request, cancellationToken: token), DesktopWait.CheckOut));
        command.Subcommands.Add(OnDesktop(environment, socket, json, "cancel", "Cancel a check-out in progress: delete what was pulled and tell the broker.", (agent, request, token) => agent.CancelAsync(request, cancellationToken: token)));
        command.Subcommands.Add(Sync(environment, socket, json));
        command.Subcommands.Add(OnDesktop(environment, socket, json, "checkin", "Stop, push the final layer and release the local copy.", (agent, request, token) => agent.CheckInAsync(request, cancellationToken: token), DesktopWait.CheckIn));
        command.Subcommands.Add(DesktopConsoleCommand.Create(environment, socket));
        command.Subcommands.Add(DesktopSnapshotsCommand.Create(environment, socket, json));
        command.Subcommands.Add(DesktopDivergedCommands.List(environment, socket, json));
        command.Subcommands.Add(DesktopDivergedCommands.Discard(environment, socket, json));
        return command;
    }

    /// <summary><c>brokerctl login</c>: enrolls this machine's client agent with a broker by the user's login.</summary>
    public static Command Login(CliEnvironment environment)
    {
        var socket = AgentSocket.Option();
        var server = new Option<string>("--server") { Description = "The broker's address, e.g. https://broker.example.", Required = true };
        var user = new Option<string>("--user") { Description = "Your user name.", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input." };
        var fingerprint = new Option<string?>("--fingerprint") { Description = "Trust exactly the broker TLS certificate with this SHA-256 fingerprint (SHA256:…), e.g. a self-signed one." };
        fingerprint.Validators.Add(result =>
        {
            if (result.Tokens.SingleOrDefault()?.Value is { } text && !CertificatePin.TryParse(text, out _))
            {
                result.AddError($"'{text}' is no certificate fingerprint: give SHA256: and 64 hex digits (colons allowed), as 'openssl x509 -noout -fingerprint -sha256' prints.");
            }
        });
        var command = new Command("login", "Enroll this machine with a broker (the client agent keeps the device credential).") { socket, server, user, passwordStdin, fingerprint };
        AgentAction.Set(command, environment, socket, async (agent, parseResult, cancellationToken) =>
        {
            var request = new LoginRequest
            {
                Server = ServerUri(parseResult.GetRequiredValue(server)),
                UserName = parseResult.GetRequiredValue(user),
                Password = LoginCommands.ReadPassword(environment.Admin, parseResult.GetValue(passwordStdin)),
                BrokerCertificate = parseResult.GetValue(fingerprint) ?? string.Empty,
            };
            var response = await agent.LoginAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            await environment.Out.WriteLineAsync($"enrolled with {response.Server} as device {response.DeviceId}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliEnvironment environment, Option<string?> socket, Option<bool> json)
    {
        var command = new Command("list", "List the desktops this machine holds.");
        AgentAction.Set(command, environment, socket, async (agent, parseResult, cancellationToken) =>
        {
            var response = await agent.ListAsync(new ListLocalDesktopsRequest(), cancellationToken: cancellationToken).ConfigureAwait(false);
            var output = Output(environment, parseResult, json);
            if (output.Json)
            {
                await output.WriteJsonAsync(Google.Protobuf.JsonFormatter.Default.Format(response)).ConfigureAwait(false);
            }
            else if (response.Desktops.Count == 0)
            {
                await output.WriteLineAsync("no desktops on this machine; check one out with 'brokerctl desktop checkout NAME'").ConfigureAwait(false);
            }
            else
            {
                await DesktopOutput.WriteListAsync(output, response.Desktops).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// A command on one desktop. With a <paramref name="wait"/> it takes <c>--wait</c>, which follows
    /// the operation it started until it is done instead of printing the first answer.
    /// </summary>
    private static Command OnDesktop(CliEnvironment environment, Option<string?> socket, Option<bool> json, string name, string description, DesktopCall call, DesktopWait? wait = null)
    {
        var desktop = new Argument<string>("desktop") { Description = "The desktop's name or id." };
        var waitOption = new Option<bool>("--wait") { Description = "Wait until it is done, printing progress; Ctrl+C stops the waiting, not the operation." };
        var command = new Command(name, description) { desktop };
        if (wait is not null)
        {
            command.Options.Add(waitOption);
        }

        AgentAction.Set(command, environment, socket, async (agent, parseResult, cancellationToken) =>
        {
            var answer = await call(agent, new DesktopRequest { Desktop = parseResult.GetRequiredValue(desktop) }, cancellationToken).ConfigureAwait(false);
            if (wait is not null && parseResult.GetValue(waitOption))
            {
                return await wait.RunAsync(agent, answer, environment, cancellationToken).ConfigureAwait(false);
            }

            await DesktopOutput.WriteAsync(Output(environment, parseResult, json), answer).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// <c>sync NAME [--wait] [--defer DURATION]</c>: seal and push now (<c>--wait</c> shows the push's
    /// progress while it runs), or postpone the next background sync where the pool allows it.
    /// </summary>
    private static Command Sync(CliEnvironment environment, Option<string?> socket, Option<bool> json)
    {
        var desktop = new Argument<string>("desktop") { Description = "The desktop's name or id." };
        var wait = new Option<bool>("--wait") { Description = "Show the push's progress until the sync is done." };
        var defer = new Option<string?>("--defer") { Description = "Postpone the next background sync by this long (e.g. 30m, 4h, 1d) instead of syncing now; only where the pool allows it." };
        var command = new Command("sync", "Seal the desktop's changes and push them to its host now (or --defer the next background sync).") { desktop, wait, defer };
        AgentAction.Set(command, environment, socket, async (agent, parseResult, cancellationToken) =>
        {
            var name = parseResult.GetRequiredValue(desktop);
            var answer = parseResult.GetValue(defer) is { } duration
                ? await agent.DeferSyncAsync(new DeferSyncRequest { Desktop = name, Duration = Duration.FromTimeSpan(DurationText.Parse(duration)) }, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await SyncNowAsync(agent, name, parseResult.GetValue(wait), environment, cancellationToken).ConfigureAwait(false);
            await DesktopOutput.WriteAsync(Output(environment, parseResult, json), answer).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<LocalDesktop> SyncNowAsync(LocalApi.ClientAgentClient agent, string desktop, bool wait, CliEnvironment environment, CancellationToken cancellationToken)
    {
        using var syncing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = wait ? DesktopWait.ShowUntilCancelledAsync(agent, desktop, environment, syncing.Token) : Task.CompletedTask;
        try
        {
            return await agent.SyncAsync(new DesktopRequest { Desktop = desktop }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await syncing.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static string ServerUri(string given) =>
        Uri.TryCreate(given, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.AbsoluteUri
            : throw new UsageException($"--server must be an http(s) URL, not '{given}'.");

    private static AdminOutput Output(CliEnvironment environment, ParseResult parseResult, Option<bool> json) =>
        new(environment.Out, parseResult.GetValue(json), environment.Admin.OutputIsTerminal);
}
