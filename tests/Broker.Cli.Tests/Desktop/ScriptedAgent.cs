using Broker.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using LocalApi = Broker.Contracts.V1.ClientAgent;

namespace Broker.Cli.Tests.Desktop;

/// <summary>
/// A hand-written client agent on a real unix socket for <c>--wait</c>: CheckOut and CheckIn answer
/// <see cref="Answer"/> (or refuse as the agent does, with <c>client-refusal</c>), and Watch streams
/// <see cref="Updates"/> then ends, or stays open when <see cref="HangAfterUpdates"/> is set.
/// </summary>
internal sealed class ScriptedAgent : LocalApi.ClientAgentBase, IAsyncDisposable
{
    private readonly TaskCompletionSource _watching = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    public LocalDesktop Answer { get; init; } = new();

    /// <summary>When set, CheckOut and CheckIn refuse with this <c>client-refusal</c> reason and detail.</summary>
    public (string Reason, string Detail)? Refusal { get; init; }

    public IReadOnlyList<LocalDesktop> Updates { get; init; } = [];

    /// <summary>What Console answers.</summary>
    public ConsoleInfo ConsoleAnswer { get; init; } = new();

    /// <summary>What Snapshots answers.</summary>
    public SnapshotList SnapshotsAnswer { get; init; } = new();

    /// <summary>The calls received on one desktop, by RPC name, in order.</summary>
    public List<string> Calls { get; } = [];

    /// <summary>What Diverged answers, and DiscardDiverged answers after removing the branch asked for (or all).</summary>
    public DivergedBranchList DivergedAnswer { get; init; } = new();

    /// <summary>The last DiscardDiverged request received.</summary>
    public DiscardDivergedRequest? Discarded { get; private set; }

    /// <summary>The last DeferSync request received.</summary>
    public DeferSyncRequest? Deferred { get; private set; }

    public bool HangAfterUpdates { get; init; }

    /// <summary>When set, Sync answers only once this completes, as a sync that runs while its progress is followed.</summary>
    public Func<CancellationToken, Task>? SyncAnswersAfter { get; init; }

    /// <summary>Watch calls received.</summary>
    public int Watches { get; private set; }

    /// <summary>Completes once a Watch sent every update.</summary>
    public Task Watching => _watching.Task;

    public async Task StartAsync(string socketPath)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        _app = builder.Build();
        _app.MapGrpcService<ScriptedAgent>();
        await _app.StartAsync();
    }

    public override Task<LocalDesktop> CheckOut(DesktopRequest request, ServerCallContext context) => Respond();

    public override Task<LocalDesktop> CheckIn(DesktopRequest request, ServerCallContext context) => Respond();

    public override Task<LocalDesktop> Status(DesktopRequest request, ServerCallContext context) => Respond(nameof(Status));

    public override Task<LocalDesktop> Pause(DesktopRequest request, ServerCallContext context) => Respond(nameof(Pause));

    public override Task<LocalDesktop> Resume(DesktopRequest request, ServerCallContext context) => Respond(nameof(Resume));

    public override Task<LocalDesktop> Cancel(DesktopRequest request, ServerCallContext context) => Respond(nameof(Cancel));

    public override async Task<LocalDesktop> Sync(DesktopRequest request, ServerCallContext context)
    {
        if (SyncAnswersAfter is not null)
        {
            await SyncAnswersAfter(context.CancellationToken);
        }

        return await Respond(nameof(Sync));
    }

    public override Task<LocalDesktop> DeferSync(DeferSyncRequest request, ServerCallContext context)
    {
        Deferred = request;
        return Respond(nameof(DeferSync));
    }

    public override Task<ConsoleInfo> Console(DesktopRequest request, ServerCallContext context) => Task.FromResult(ConsoleAnswer);

    public override Task<SnapshotList> Snapshots(DesktopRequest request, ServerCallContext context) => Task.FromResult(SnapshotsAnswer);

    public override Task<DivergedBranchList> Diverged(DesktopRequest request, ServerCallContext context) => Task.FromResult(DivergedAnswer);

    public override Task<DivergedBranchList> DiscardDiverged(DiscardDivergedRequest request, ServerCallContext context)
    {
        Discarded = request;
        var left = new DivergedBranchList();
        left.Branches.AddRange(DivergedAnswer.Branches.Where(branch => !request.All && branch.Name != request.Branch));
        return Task.FromResult(left);
    }

    public override async Task Watch(DesktopRequest request, IServerStreamWriter<LocalDesktop> responseStream, ServerCallContext context)
    {
        Watches++;
        foreach (var update in Updates)
        {
            await responseStream.WriteAsync(update, context.CancellationToken);
        }

        _watching.TrySetResult();
        if (HangAfterUpdates)
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private Task<LocalDesktop> Respond(string call)
    {
        Calls.Add(call);
        return Respond();
    }

    private Task<LocalDesktop> Respond() => Refusal is { } refusal
        ? throw new RpcException(new Status(StatusCode.FailedPrecondition, refusal.Detail), new Metadata { { "client-refusal", refusal.Reason } })
        : Task.FromResult(Answer);
}
