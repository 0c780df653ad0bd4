using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.ClientAgent.Tests;

/// <summary>
/// A real gRPC <c>AgentGateway</c> in Kestrel on a loopback port that plays the broker's side of one
/// desktop's check-out and check-in for one device: real signed tickets and leases (P-256), START_PULL
/// on RequestCheckOut, GRANT_LEASE on TRANSFER_COMPLETED (and again, as the reconciler does, while the
/// device's heartbeat shows an older epoch), BEGIN_CHECK_IN on RequestCheckIn, RELEASE_LOCAL_COPY on
/// <see cref="CommitCheckIn"/> (standing in for the host's report), REVOKE_LOCAL_COPY on <see cref="Revoke"/>. It can go down and come back on
/// the same port (<see cref="GoDownAsync"/>, <see cref="ServeAsync"/>), keeping its state.
/// </summary>
internal sealed class StandInBroker : AgentGateway.AgentGatewayBase, IAsyncDisposable
{
    public const string DeviceId = "laptop-1";
    public const string DesktopName = "alice-desk";
    private const string Credential = "secret";

    private readonly ECDsa _key = TicketKeys.CreatePrivateKey();
    private readonly ECDsa _strangerKey = TicketKeys.CreatePrivateKey();
    private readonly Lock _gate = new();
    private readonly string _desktopId;
    private readonly string _hostId;
    private readonly string _hostAddress;
    private readonly int _port = FreePort();
    private readonly Channel<AgentCommand> _commands = Channel.CreateUnbounded<AgentCommand>();
    private WebApplication? _app;
    private int _commandNumber;

    public StandInBroker(string desktopId, string hostId, string hostAddress)
    {
        _desktopId = desktopId;
        _hostId = hostId;
        _hostAddress = hostAddress;
    }

    /// <summary>Where the broker listens (also while it is down).</summary>
    public string Address => $"{(Certificate is null ? "http" : "https")}://127.0.0.1:{_port}";

    /// <summary>When set before <see cref="ServeAsync"/>: the broker serves HTTPS with this certificate.</summary>
    public X509Certificate2? Certificate { get; init; }

    public ulong Epoch { get; private set; } = 2;

    public string State { get; private set; } = "Available";

    public TimeSpan Lease { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The background sync interval leases name; null names none.</summary>
    public TimeSpan? SyncInterval { get; set; }

    /// <summary>Whether leases let the user defer a background sync.</summary>
    public bool UserMayDeferSync { get; set; }

    /// <summary>Every check-out cancellation the device told, with its epoch.</summary>
    public List<ulong> Cancellations { get; } = [];

    /// <summary>Signs leases with a key the device never enrolled with.</summary>
    public bool SignLeasesWithAStrangerKey { get; set; }

    /// <summary>Refuses TRANSFER_COMPLETED (ack not accepted, nothing changes), as a broker that cannot grant yet.</summary>
    public bool HoldGrants { get; set; }

    /// <summary>When set, IssueTransferTicket fails with this status (a refusal, or an outage when unavailable).</summary>
    public Status? TicketRefusal { get; set; }

    /// <summary>Called with the new epoch whenever authority moves (the host accepts pushes of that epoch).</summary>
    public Action<ulong>? AuthorityMoved { get; set; }

    /// <summary>Every command result the device sent.</summary>
    public List<(AgentCommand Command, CommandResult Result)> Results { get; } = [];

    /// <summary>How many sessions the device opened (Hello answered with Welcome).</summary>
    public int Sessions { get; private set; }

    private Dictionary<string, AgentCommand> Sent { get; } = [];

    public TicketVerifier Verifier() => new([_key], TimeProvider.System);

    /// <summary>Starts (or restarts) serving on <see cref="Address"/>.</summary>
    public async Task ServeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (Certificate is not null)
            {
                listen.UseHttps(Certificate);
            }
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        _app = builder.Build();
        _app.MapGrpcService<StandInBroker>();
        await _app.StartAsync();
    }

    /// <summary>Stops serving: every call and the device's stream fail as with a cut network.</summary>
    public async Task GoDownAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Sends <paramref name="command"/> again, as a broker that repeats itself.</summary>
    public void Resend(AgentCommand command) => _commands.Writer.TryWrite(command);

    /// <summary>The last command of <paramref name="kind"/> sent.</summary>
    public AgentCommand LastSent(AgentCommandKind kind)
    {
        lock (_gate)
        {
            return Sent.Values.Last(command => command.Kind == kind);
        }
    }

    /// <summary>The host committed the final layer: the desktop is available again at the next epoch and the device releases its copy.</summary>
    public void CommitCheckIn()
    {
        lock (_gate)
        {
            State.ShouldBe("Uploading");
            State = "Available";
            MoveAuthority();
            Send(AgentCommandKind.ReleaseLocalCopy);
        }
    }

    /// <summary>The broker renews the holding device's lease for <paramref name="term"/> from now (RENEW_LEASE).</summary>
    public void RenewLease(TimeSpan term)
    {
        lock (_gate)
        {
            State.ShouldBe("CheckedOut");
            Lease = term;
            Send(AgentCommandKind.RenewLease);
        }
    }

    /// <summary>An admin revokes the check-out: authority moves to the next epoch and the device is told to stop, and to wipe its copy when <paramref name="wipe"/>.</summary>
    public void Revoke(bool wipe)
    {
        lock (_gate)
        {
            State.ShouldBe("CheckedOut");
            State = "Revoked";
            MoveAuthority();
            Send(AgentCommandKind.RevokeLocalCopy, wipe);
        }
    }

    /// <summary>The device's result for the last command of <paramref name="kind"/>, or null while none came.</summary>
    public CommandResult? ResultOf(AgentCommandKind kind)
    {
        lock (_gate)
        {
            return Results.LastOrDefault(entry => entry.Command.Kind == kind).Result;
        }
    }

    public override Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context) =>
        Task.FromResult(new EnrollResponse { AgentId = DeviceId, Credential = Credential, SigningPublicKeyPem = _key.ExportSubjectPublicKeyInfoPem(), Hello = request.Hello });

    public override Task<ListDesktopsResponse> ListDesktops(ListDesktopsRequest request, ServerCallContext context)
    {
        Authenticate(context);
        return Task.FromResult(new ListDesktopsResponse { Desktops = { Desktop() } });
    }

    public override Task<RequestCheckOutResponse> RequestCheckOut(RequestCheckOutRequest request, ServerCallContext context)
    {
        Authenticate(context);
        if (request.Desktop != DesktopName && request.Desktop != _desktopId)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"You have no desktop '{request.Desktop}'."));
        }

        lock (_gate)
        {
            if (State == "Available")
            {
                State = "Transferring";
                Send(AgentCommandKind.StartPull);
            }

            return Task.FromResult(new RequestCheckOutResponse { Desktop = Desktop() });
        }
    }

    public override Task<RequestCheckInResponse> RequestCheckIn(RequestCheckInRequest request, ServerCallContext context)
    {
        Authenticate(context);
        lock (_gate)
        {
            if (State == "CheckedOut" && request.Epoch == Epoch)
            {
                State = "CheckInRequested";
                Send(AgentCommandKind.BeginCheckIn);
            }

            return Task.FromResult(new RequestCheckInResponse { Desktop = Desktop() });
        }
    }

    public override Task<CancelCheckOutResponse> CancelCheckOut(CancelCheckOutRequest request, ServerCallContext context)
    {
        Authenticate(context);
        lock (_gate)
        {
            Cancellations.Add(request.Epoch);
            if (State is "Transferring" && request.Epoch == Epoch)
            {
                State = "Available";
            }

            return Task.FromResult(new CancelCheckOutResponse { Desktop = Desktop() });
        }
    }

    public override Task<IssueTransferTicketResponse> IssueTransferTicket(IssueTransferTicketRequest request, ServerCallContext context)
    {
        Authenticate(context);
        if (TicketRefusal is { } refusal)
        {
            throw new RpcException(refusal);
        }

        var now = TimeProvider.System.GetUtcNow();
        var ticket = new TicketSigner(_key).Sign(new Ticket
        {
            DesktopId = request.DesktopId,
            HostId = _hostId,
            DeviceId = DeviceId,
            Direction = request.Direction,
            Epoch = request.Epoch,
            IssuedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = Timestamp.FromDateTimeOffset(now.AddMinutes(10)),
        });
        return Task.FromResult(new IssueTransferTicketResponse { Ticket = ticket, HostId = _hostId, HostTransferAddress = _hostAddress });
    }

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<BrokerMessage> responseStream, ServerCallContext context)
    {
        Authenticate(context);
        var token = context.CancellationToken;
        if (!await requestStream.MoveNext(token) || requestStream.Current.Hello is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Hello first."));
        }

        using var writeGate = new SemaphoreSlim(1, 1);
        async Task WriteAsync(BrokerMessage message)
        {
            await writeGate.WaitAsync(token);
            try
            {
                await responseStream.WriteAsync(message, token);
            }
            finally
            {
                writeGate.Release();
            }
        }

        await WriteAsync(new BrokerMessage { Welcome = new Welcome { AgentId = DeviceId, HeartbeatInterval = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(200)), SigningPublicKeyPem = _key.ExportSubjectPublicKeyInfoPem() } });
        Sessions++;
        var commands = _commands.Reader;
        var sender = Task.Run(async () =>
        {
            await foreach (var command in commands.ReadAllAsync(token))
            {
                await WriteAsync(new BrokerMessage { Command = command });
            }
        }, token);
        try
        {
            while (await requestStream.MoveNext(token))
            {
                var message = requestStream.Current;
                var refusal = Handle(message);
                await WriteAsync(new BrokerMessage { Ack = new Ack { Sequence = message.Sequence, Accepted = refusal is null, Reason = refusal ?? string.Empty } });
            }
        }
        finally
        {
            await sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await GoDownAsync();
        _key.Dispose();
        _strangerKey.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Authenticate(ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("authorization") != $"Bearer {Credential}")
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "No device credential."));
        }
    }

    /// <summary>Applies one message from the device; null when accepted, else the refusal reason.</summary>
    private string? Handle(AgentMessage message)
    {
        lock (_gate)
        {
            switch (message.BodyCase)
            {
                case AgentMessage.BodyOneofCase.CommandResult:
                    Results.Add((Sent[message.CommandResult.CommandId], message.CommandResult));
                    return null;
                case AgentMessage.BodyOneofCase.DeviceHeartbeat:
                    if (State == "CheckedOut" && message.DeviceHeartbeat.Copies.Any(copy => copy.DesktopId == _desktopId && copy.Epoch < Epoch))
                    {
                        Send(AgentCommandKind.GrantLease);
                    }

                    return null;
                case AgentMessage.BodyOneofCase.DesktopReport:
                    return Report(message.DesktopReport);
                default:
                    return null;
            }
        }
    }

    private string? Report(DesktopReport report)
    {
        if (report.Epoch != Epoch)
        {
            return "StaleEpoch";
        }

        switch (report.Kind)
        {
            case DesktopReportKind.TransferCompleted when State == "Transferring" && !HoldGrants:
                State = "CheckedOut";
                MoveAuthority();
                Send(AgentCommandKind.GrantLease);
                return null;
            case DesktopReportKind.FinalUploadStarted when State == "CheckInRequested":
                State = "Uploading";
                return null;
            default:
                return "IllegalTransition";
        }
    }

    private void MoveAuthority()
    {
        Epoch++;
        AuthorityMoved?.Invoke(Epoch);
    }

    private void Send(AgentCommandKind kind, bool wipe = false)
    {
        var command = new AgentCommand { CommandId = $"command-{++_commandNumber}", Kind = kind, DesktopId = _desktopId, Epoch = Epoch, Wipe = wipe };
        switch (kind)
        {
            case AgentCommandKind.StartPull:
                command.HostId = _hostId;
                command.HostTransferAddress = _hostAddress;
                break;
            case AgentCommandKind.GrantLease or AgentCommandKind.RenewLease:
                command.Lease = SignLease();
                break;
            default:
                break;
        }

        Sent[command.CommandId] = command;
        _ = _commands.Writer.TryWrite(command);
    }

    private SignedLease SignLease()
    {
        var now = TimeProvider.System.GetUtcNow();
        var lease = new OfflineLease
        {
            DesktopId = _desktopId,
            DeviceId = DeviceId,
            Epoch = Epoch,
            IssuedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = Timestamp.FromDateTimeOffset(now + Lease),
            SyncInterval = SyncInterval is { } interval ? Duration.FromTimeSpan(interval) : null,
            UserMayDeferSync = UserMayDeferSync,
        }.ToByteArray();
        var key = SignLeasesWithAStrangerKey ? _strangerKey : _key;
        return new SignedLease
        {
            Lease = ByteString.CopyFrom(lease),
            Signature = ByteString.CopyFrom(BrokerSignatures.Sign(key, BrokerSignatures.LeaseContext, lease)),
            KeyId = ByteString.CopyFrom(TicketKeys.GetKeyId(key)),
        };
    }

    private DeviceDesktop Desktop() => new()
    {
        DesktopId = _desktopId,
        Name = DesktopName,
        PoolName = "laptops",
        State = State,
        Epoch = Epoch,
        DeviceId = State == "Available" ? string.Empty : DeviceId,
        HostId = _hostId,
        OfflineAllowed = true,
    };
}
