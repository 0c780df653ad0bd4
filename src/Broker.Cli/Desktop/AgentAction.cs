using System.CommandLine;
using Broker.Cli.Disk;
using Grpc.Core;
using LocalApi = Broker.Contracts.V1.ClientAgent;

namespace Broker.Cli.Desktop;

/// <summary>
/// Runs a command against the local client agent: a refusal (FAILED_PRECONDITION with its
/// <c>client-refusal</c> reason, or NOT_FOUND) prints one line and exits 1; an agent that is not
/// running says how to start it and exits 2; anything else ends as every brokerctl command does.
/// </summary>
internal static class AgentAction
{
    private const string RefusalTrailer = "client-refusal";

    public static void Set(Command command, CliEnvironment environment, Option<string?> socket, Func<LocalApi.ClientAgentClient, ParseResult, CancellationToken, Task<int>> work) =>
        CommandAction.Set(command, environment, async (parseResult, cancellationToken) =>
        {
            var path = AgentSocket.PathOf(parseResult.GetValue(socket), environment.Admin.GetVariable);
            using var channel = AgentSocket.Connect(path);
            try
            {
                return await work(new LocalApi.ClientAgentClient(channel), parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException refused) when (refused.StatusCode is StatusCode.FailedPrecondition or StatusCode.NotFound)
            {
                var reason = refused.Trailers.GetValue(RefusalTrailer);
                await environment.Error.WriteLineAsync($"brokerctl: refused{(reason is null ? string.Empty : $" ({reason})")}: {refused.Status.Detail}").ConfigureAwait(false);
                return ExitCodes.ProblemFound;
            }
            catch (RpcException unreachable) when (unreachable.StatusCode == StatusCode.Unavailable)
            {
                await environment.Error.WriteLineAsync($"brokerctl: the client agent does not answer on {path}: start it with 'broker-client run' (or give --socket).").ConfigureAwait(false);
                return ExitCodes.BadInput;
            }
        });
}
