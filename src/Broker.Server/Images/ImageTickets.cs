using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Server.Agents;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using CoreHost = Broker.Core.Hosts.Host;

namespace Broker.Server.Images;

/// <summary>
/// IMAGE_PULL tickets: a host that lacks an image's base copies it from another host that imported
/// it, over that host's DiskTransfer service. The source is a host whose state with the image is
/// Imported, other than the asking host, not offline and with a valid transfer address; a healthy
/// one before an unhealthy one, then the one seen most recently. The ticket names the source as
/// <c>host_id</c> (it verifies the ticket), the asking host as <c>device_id</c>, no desktop, epoch
/// 0 and the base's 64 hex digits, and lives <see cref="AgentOptions.TicketLifetime"/>.
/// </summary>
internal sealed class ImageTickets(
    IImageStore images,
    IImageImportStore imports,
    IHostStore hosts,
    TicketSigner tickets,
    IOptions<AgentOptions> options,
    TimeProvider time)
{
    /// <summary>A signed ticket for image <paramref name="request"/> from a host that holds it, or why not.</summary>
    public async Task<(IssueImageTicketResponse? Response, AgentRefusal? Refusal)> IssueAsync(
        AgentIdentity agent, IssueImageTicketRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (agent.Host is not { } requester)
        {
            return (null, AgentRefusal.Denied("Only host agents copy images."));
        }

        if (!Guid.TryParse(request.ImageId, out var id))
        {
            return (null, AgentRefusal.Malformed("The image id must be a UUID."));
        }

        if (await images.FindAsync(new ImageId(id), cancellationToken) is not { } image)
        {
            return (null, AgentRefusal.NotFound($"There is no image {id} with a known base address."));
        }

        var holding = (await imports.ListHostsAsync(image.Id, cancellationToken))
            .Where(state => state.State == ImageHostImportState.Imported && state.Host != requester)
            .Select(state => state.Host)
            .ToHashSet();
        var source = (await hosts.ListAsync(cancellationToken))
            .Where(host => holding.Contains(host.Id) && host.Health != HostHealth.Offline && CoreHost.IsValidTransferAddress(host.TransferAddress))
            .OrderByDescending(host => host.Health == HostHealth.Healthy)
            .ThenByDescending(host => host.LastSeen)
            .ThenBy(host => host.Id)
            .FirstOrDefault();
        if (source is null)
        {
            return (null, AgentRefusal.Precondition(
                "NoImageSource",
                $"No other reachable host holds image {image.Name} {image.Version} ({image.Base}) yet; it is offered again later."));
        }

        var hex = image.Base.Value[ContentAddress.Sha256Prefix.Length..];
        var now = time.GetUtcNow();
        var ticket = new Ticket
        {
            DesktopId = string.Empty,
            HostId = source.Id.ToString(),
            DeviceId = requester.ToString(),
            Direction = TransferDirection.ImagePull,
            Epoch = 0,
            BaseContentAddress = hex,
            IssuedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = Timestamp.FromDateTimeOffset(now + options.Value.TicketLifetime),
        };
        return (new IssueImageTicketResponse
        {
            Ticket = tickets.Sign(ticket),
            SourceHostId = source.Id.ToString(),
            SourceTransferAddress = source.TransferAddress!,
            BaseContentAddress = hex,
        }, null);
    }
}
