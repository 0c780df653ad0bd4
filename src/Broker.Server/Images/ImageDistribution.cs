using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Broker.Contracts.V1;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Server.Agents;
using Microsoft.Extensions.Options;

namespace Broker.Server.Images;

/// <summary>
/// Tells host agents connected to this instance to fetch images (IMPORT_IMAGE): an upload from the
/// broker, an image registered by address (the command names its base) from another host that
/// holds it. A host that imported an image or failed it is not offered it again; one that was
/// offered it and has not answered is offered it again on a new stream (after it reconnects) and
/// on the same stream once <see cref="ImageUploadOptions.ReofferAfter"/> passed since the last
/// offer there (a host that found no source for an image registered by address does not answer);
/// one with no state for the image (new, or whose failure an admin cleared) is offered it at once.
/// </summary>
internal sealed class ImageDistribution(AgentSessions sessions, IOptions<ImageUploadOptions> options, TimeProvider time)
{
    /// <summary>Per stream: when each image was last offered on it.</summary>
    private readonly ConditionalWeakTable<AgentSession, ConcurrentDictionary<ImageId, DateTimeOffset>> _offered = [];

    /// <summary>True when a host agent has a stream to this instance.</summary>
    public bool AnyHostConnected => HostSessions().Any();

    /// <summary>
    /// Sends IMPORT_IMAGE for each of <paramref name="images"/> to every connected host that
    /// <paramref name="states"/> (the per-host states of those images) do not rule out; a host with
    /// no state for an image is first recorded through <paramref name="recordFirstOffer"/>, so the
    /// host's answer always finds its offer stored. Returns how many commands went out.
    /// </summary>
    public async Task<int> OfferAsync(
        IReadOnlyCollection<ImageToOffer> images,
        IReadOnlyCollection<ImageImportHost> states,
        Func<ImageId, HostId, Task> recordFirstOffer)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(recordFirstOffer);
        var known = states.ToDictionary(state => (state.Image, state.Host), state => state.State);
        var sent = 0;
        foreach (var session in HostSessions())
        {
            var host = new HostId(session.Agent.Subject);
            var offered = _offered.GetOrCreateValue(session);
            foreach (var image in images)
            {
                var first = !known.TryGetValue((image.Id, host), out var state);
                if (!first && state != ImageHostImportState.Offered)
                {
                    continue; // the host answered: imported, or failed until an admin retries
                }

                var now = time.GetUtcNow();
                if (first)
                {
                    await recordFirstOffer(image.Id, host);
                    offered[image.Id] = now;
                }
                else if (!TryClaimReoffer(offered, image.Id, now))
                {
                    continue; // offered on this stream lately and not answered yet
                }

                if (session.TrySend(Command(image)))
                {
                    sent++;
                }
                else
                {
                    _ = offered.TryRemove(image.Id, out _); // the stream ended or its queue is full: offer it again later
                }
            }
        }

        return sent;
    }

    /// <summary>
    /// True when <paramref name="image"/> was not offered on the stream yet, or last at least
    /// <see cref="ImageUploadOptions.ReofferAfter"/> before <paramref name="now"/>; then records
    /// <paramref name="now"/> as its last offer, so of two concurrent rounds only one sends it.
    /// </summary>
    private bool TryClaimReoffer(ConcurrentDictionary<ImageId, DateTimeOffset> offered, ImageId image, DateTimeOffset now)
    {
        while (true)
        {
            if (!offered.TryGetValue(image, out var last))
            {
                if (offered.TryAdd(image, now))
                {
                    return true;
                }
            }
            else if (now - last < options.Value.ReofferAfter)
            {
                return false;
            }
            else if (offered.TryUpdate(image, now, last))
            {
                return true;
            }
        }
    }

    private IEnumerable<AgentSession> HostSessions() => sessions.All.Where(session => session.Agent.Kind == Core.Access.AgentKind.Host);

    private static BrokerMessage Command(ImageToOffer image) => new()
    {
        Command = new Contracts.V1.AgentCommand
        {
            CommandId = Guid.NewGuid().ToString(),
            Kind = AgentCommandKind.ImportImage,
            ImageId = image.Id.Value.ToString(),
            ContentAddress = image.RegisteredBase?.Value ?? string.Empty,
        },
    };
}
