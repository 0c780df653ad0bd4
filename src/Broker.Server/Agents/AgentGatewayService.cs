using Broker.Contracts;
using Broker.Contracts.V1;
using Broker.Server.Images;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Agents;

/// <summary>The agents' gRPC service (<c>protos/broker/v1/agent.proto</c>). Every call but Enroll needs an agent credential.</summary>
[Authorize(AuthenticationSchemes = AgentAuthenticationHandler.SchemeName)]
internal sealed class AgentGatewayService(
    AgentSessions sessions,
    ReconcileSignal reconcile,
    SigningKey signingKey,
    IOptions<AgentOptions> options,
    TimeProvider time) : AgentGateway.AgentGatewayBase
{
    [AllowAnonymous]
    public override Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context) =>
        Services(context).GetRequiredService<AgentEnrollment>().EnrollAsync(request, context.CancellationToken);

    public override async Task<IssueTransferTicketResponse> IssueTransferTicket(IssueTransferTicketRequest request, ServerCallContext context)
    {
        var (response, refusal) = await Services(context).GetRequiredService<TransferTickets>().IssueAsync(Agent(context), request, context.CancellationToken);
        return response ?? throw refusal!.ToException();
    }

    public override async Task<RenewLeaseResponse> RenewLease(RenewLeaseRequest request, ServerCallContext context)
    {
        var (response, refusal) = await Services(context).GetRequiredService<TransferTickets>().RenewAsync(Agent(context), request, context.CancellationToken);
        return response ?? throw refusal!.ToException();
    }

    public override async Task<ListDesktopsResponse> ListDesktops(ListDesktopsRequest request, ServerCallContext context)
    {
        var (desktops, refusal) = await Services(context).GetRequiredService<DeviceDesktopRequests>().ListAsync(Agent(context), context.CancellationToken);
        return desktops is null ? throw refusal!.ToException() : new ListDesktopsResponse { Desktops = { desktops } };
    }

    public override async Task<RequestCheckOutResponse> RequestCheckOut(RequestCheckOutRequest request, ServerCallContext context)
    {
        var (desktop, refusal) = await Services(context).GetRequiredService<DeviceDesktopRequests>().CheckOutAsync(Agent(context), request, context.CancellationToken);
        reconcile.Wake(); // admission happens in a reconcile round
        return desktop is null ? throw refusal!.ToException() : new RequestCheckOutResponse { Desktop = desktop };
    }

    public override async Task<RequestCheckInResponse> RequestCheckIn(RequestCheckInRequest request, ServerCallContext context)
    {
        var (desktop, refusal) = await Services(context).GetRequiredService<DeviceDesktopRequests>().CheckInAsync(Agent(context), request, context.CancellationToken);
        return desktop is null ? throw refusal!.ToException() : new RequestCheckInResponse { Desktop = desktop };
    }

    public override async Task<CancelCheckOutResponse> CancelCheckOut(CancelCheckOutRequest request, ServerCallContext context)
    {
        var (desktop, refusal) = await Services(context).GetRequiredService<DeviceCheckOutCancellations>().CancelAsync(Agent(context), request, context.CancellationToken);
        return desktop is null ? throw refusal!.ToException() : new CancelCheckOutResponse { Desktop = desktop };
    }

    public override async Task DownloadImage(DownloadImageRequest request, IServerStreamWriter<ImageFileChunk> responseStream, ServerCallContext context)
    {
        var refusal = await Services(context).GetRequiredService<ImageImportReports>().DownloadAsync(Agent(context), request, responseStream, context.CancellationToken);
        if (refusal is not null)
        {
            throw refusal.ToException();
        }
    }

    public override async Task<ImageImportReportResponse> ReportImageImport(ImageImportReport request, ServerCallContext context)
    {
        var refusal = await Services(context).GetRequiredService<ImageImportReports>().ReportAsync(Agent(context), request, context.CancellationToken);
        return refusal is null ? new ImageImportReportResponse() : throw refusal.ToException();
    }

    public override async Task<IssueImageTicketResponse> IssueImageTicket(IssueImageTicketRequest request, ServerCallContext context)
    {
        var (response, refusal) = await Services(context).GetRequiredService<ImageTickets>().IssueAsync(Agent(context), request, context.CancellationToken);
        return response ?? throw refusal!.ToException();
    }

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<BrokerMessage> responseStream, ServerCallContext context)
    {
        var agent = Agent(context);
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.BodyCase != AgentMessage.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "The first message on Connect is Hello."));
        }

        using var session = sessions.Open(agent);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, session.Ended);
        session.TrySend(new BrokerMessage { Welcome = Welcome(agent) });
        var writer = WriteAsync(session, responseStream, ended.Token);
        try
        {
            var handler = new AgentMessageHandler(agent, session, Services(context), time);
            while (await requestStream.MoveNext(ended.Token))
            {
                var handled = await handler.HandleAsync(requestStream.Current, ended.Token);
                session.TrySend(new BrokerMessage { Ack = handled.Ack });
                if (handled.ChangesPlan)
                {
                    reconcile.Wake();
                }
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // The agent went away or connected again on a newer stream.
        }
        finally
        {
            sessions.Close(session);
            await writer;
            reconcile.Wake();
        }
    }

    private Welcome Welcome(AgentIdentity agent) => new()
    {
        Hello = new Hello { CapabilityVersion = ContractVersion.Capability, AgentVersion = "broker-server" },
        AgentId = agent.Subject.ToString(),
        HeartbeatInterval = Duration.FromTimeSpan(agent.Kind == CoreAgentKind.Host ? options.Value.HostHeartbeat : options.Value.DeviceHeartbeat),
        SigningPublicKeyPem = signingKey.PublicKeyPem,
    };

    /// <summary>The stream's only writer: drains the session's outbox until the session ends.</summary>
    private static async Task WriteAsync(AgentSession session, IServerStreamWriter<BrokerMessage> stream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in session.Outbox.ReadAllAsync(cancellationToken))
            {
                await stream.WriteAsync(message, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The stream ended.
        }
        catch (InvalidOperationException)
        {
            // The call completed while a message was queued.
        }
    }

    private static IServiceProvider Services(ServerCallContext context) => context.GetHttpContext().RequestServices;

    private static AgentIdentity Agent(ServerCallContext context) => AgentIdentity.From(context.GetHttpContext().User);
}
