using System.Net;
using Broker.Contracts.V1;
using Broker.Core;
using Broker.Core.Access;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Hosts;
using Broker.Core.Leases;
using Broker.Persistence;
using Broker.Server.Api.Agents;
using Broker.Server.Security;
using Broker.Testing.Databases;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Tests.Agents;

/// <summary>
/// <see cref="ApiWorld"/> plus the agent side: a gRPC channel to the in-process broker, and helpers
/// to enroll agents, seed credentials and move a desktop along the state machine as agents would.
/// </summary>
internal sealed class AgentWorld : IAsyncDisposable
{
    private readonly GrpcChannel _channel;

    private AgentWorld(ApiWorld api)
    {
        Api = api;
        _channel = GrpcChannel.ForAddress(api.Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = api.Factory.Server.CreateHandler() });
        Gateway = new AgentGateway.AgentGatewayClient(_channel);
    }

    public ApiWorld Api { get; }

    public AgentGateway.AgentGatewayClient Gateway { get; }

    public static async Task<AgentWorld> CreateAsync(DatabaseProvider provider, PostgresCluster cluster, CancellationToken cancellationToken, Action<IServiceCollection>? services = null) =>
        new(await ApiWorld.CreateAsync(provider, cluster, cancellationToken, services));

    /// <summary>The call metadata that signs a call in with <paramref name="credential"/>.</summary>
    public static Metadata Bearer(string credential) => new() { { "authorization", $"Bearer {credential}" } };

    /// <summary>The host every pool desktop of <see cref="ApiWorld"/> was placed on.</summary>
    public async Task<HostId> FirstHostAsync(CancellationToken cancellationToken)
    {
        await using var scope = Api.Factory.Services.CreateAsyncScope();
        var hosts = await scope.ServiceProvider.GetRequiredService<IHostStore>().ListAsync(cancellationToken);
        return hosts.Single(host => host.Name == "host-1").Id;
    }

    /// <summary>An admin creates a host enrollment token over REST.</summary>
    public async Task<EnrollmentTokenResponse> CreateEnrollmentTokenAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await Api.Admin.PostAsync(
            new Uri("/api/v1/admin/hosts/enrollment-tokens", UriKind.Relative),
            ApiWorld.JsonBody(new { name, capacity = 5 }),
            cancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return await ApiWorld.ReadAsync<EnrollmentTokenResponse>(response, cancellationToken);
    }

    /// <summary>A credential for an existing host or device, stored as enrollment would store it.</summary>
    public async Task<string> SeedCredentialAsync(CoreAgentKind kind, Guid subject, CancellationToken cancellationToken)
    {
        var secret = BearerSecret.New(BearerSecret.AgentPrefix);
        await using var scope = Api.Factory.Services.CreateAsyncScope();
        var saved = await scope.ServiceProvider.GetRequiredService<IAgentCredentialStore>().AddAsync(
            new AgentCredential(secret.Id, kind, subject, secret.Hash, DateTimeOffset.UnixEpoch), cancellationToken);
        saved.Outcome.ShouldBe(WriteOutcome.Saved);
        return secret.Token;
    }

    /// <summary>The agent <paramref name="kind"/> <paramref name="subject"/> with a seeded credential, its Connect stream open.</summary>
    public async Task<AgentStream> StreamAsync(CoreAgentKind kind, Guid subject, CancellationToken cancellationToken) =>
        new(await ConnectAsync(await SeedCredentialAsync(kind, subject, cancellationToken), cancellationToken));

    /// <summary>Opens Connect with <paramref name="credential"/>, says Hello and reads the Welcome.</summary>
    public async Task<(AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> Call, Welcome Welcome)> ConnectAsync(string credential, CancellationToken cancellationToken)
    {
        var call = Gateway.Connect(Bearer(credential), cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { CapabilityVersion = Contracts.ContractVersion.Capability, AgentVersion = "test-agent" } }, cancellationToken);
        var welcome = await NextAsync(call, cancellationToken);
        welcome.BodyCase.ShouldBe(BrokerMessage.BodyOneofCase.Welcome);
        return (call, welcome.Welcome);
    }

    /// <summary>The next message on the stream.</summary>
    public static async Task<BrokerMessage> NextAsync(AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> call, CancellationToken cancellationToken)
    {
        (await call.ResponseStream.MoveNext(cancellationToken)).ShouldBeTrue("the broker ended the stream");
        return call.ResponseStream.Current;
    }

    /// <summary>Reads until the ack of <paramref name="sequence"/>; commands before it are returned too.</summary>
    public static async Task<(Ack Ack, List<Contracts.V1.AgentCommand> Commands)> AckAsync(
        AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> call, ulong sequence, CancellationToken cancellationToken)
    {
        var commands = new List<Contracts.V1.AgentCommand>();
        while (true)
        {
            var message = await NextAsync(call, cancellationToken);
            if (message.BodyCase == BrokerMessage.BodyOneofCase.Ack && message.Ack.Sequence == sequence)
            {
                return (message.Ack, commands);
            }

            if (message.BodyCase == BrokerMessage.BodyOneofCase.Command)
            {
                commands.Add(message.Command);
            }
        }
    }

    /// <summary>Reads until a command of <paramref name="kind"/> arrives.</summary>
    public static async Task<Contracts.V1.AgentCommand> CommandAsync(
        AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> call, AgentCommandKind kind, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await NextAsync(call, cancellationToken);
            if (message.BodyCase == BrokerMessage.BodyOneofCase.Command && message.Command.Kind == kind)
            {
                return message.Command;
            }
        }
    }

    /// <summary>Reads until IMPORT_IMAGE of <paramref name="image"/> arrives (offers of other images, e.g. the world's image registered by address, are passed over).</summary>
    public static async Task<Contracts.V1.AgentCommand> ImportCommandAsync(
        AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> call, Guid image, CancellationToken cancellationToken)
    {
        while (true)
        {
            var command = await CommandAsync(call, AgentCommandKind.ImportImage, cancellationToken);
            if (command.ImageId == image.ToString())
            {
                return command;
            }
        }
    }

    /// <summary>Alice's desktop, provisioned and then checked out to her device as the agents would have done it (epoch 2).</summary>
    public async Task<Desktop> AliceCheckedOutDesktopAsync(CancellationToken cancellationToken)
    {
        await Api.CompleteProvisioningAsync(cancellationToken);
        var assigned = await Api.AliceDesktopAsync(cancellationToken);
        await using var scope = Api.Factory.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDesktopStore>();
        var desktop = (await store.FindAsync(new DesktopId(assigned.Id), cancellationToken))!;
        var now = TimeProvider.System.GetUtcNow();
        var term = new LeaseTerm(now, now.AddDays(3));
        DesktopEvent[] events =
        [
            new CheckOutRequested(desktop.Epoch, Api.AliceDevice),
            new CheckOutAdmitted(desktop.Epoch),
            new ServerCopyPrepared(desktop.Epoch, LayerId.New()),
            new TransferCompleted(desktop.Epoch, term),
        ];
        foreach (var @event in events)
        {
            var result = DesktopStateMachine.Apply(desktop, @event);
            result.IsAccepted.ShouldBeTrue();
            var saved = await store.UpdateAsync(result.Desktop, cancellationToken);
            saved.Outcome.ShouldBe(WriteOutcome.Saved);
            desktop = result.Desktop with { Version = saved.Version };
        }

        desktop.State.ShouldBe(DesktopState.CheckedOut);
        return desktop;
    }

    /// <summary>The stored desktop.</summary>
    public async Task<Desktop> DesktopAsync(DesktopId id, CancellationToken cancellationToken)
    {
        await using var scope = Api.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IDesktopStore>().FindAsync(id, cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Api.DisposeAsync();
    }
}
