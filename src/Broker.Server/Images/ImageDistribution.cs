using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Broker.Contracts.V1;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Server.Agents;

namespace Broker.Server.Images;

/// <summary>
/// Tells host agents connected to this instance to fetch uploaded images (IMPORT_IMAGE). A host
/// that imported an image or failed it is not offered it again; one that was offered it and has
/// not answered is offered it once per stream (so again after it reconnects); one with no state
/// for the image (new, or whose failure an admin cleared) is offered it at once.
/// </summary>
internal sealed class ImageDistribution(AgentSessions sessions)
{
    private readonly ConditionalWeakTable<AgentSession, ConcurrentDictionary<ImageId, bool>> _offered = [];

    /// <summary>True when a host agent has a stream to this instance.</summary>
    public bool AnyHostConnected => HostSessions().Any();

    /// <summary>
    /// Sends IMPORT_IMAGE for each of <paramref name="images"/> to every connected host that
    /// <paramref name="states"/> (the per-host states of those images) do not rule out; a host with
    /// no state for an image is first recorded through <paramref name="recordFirstOffer"/>, so the
    /// host's answer always finds its offer stored. Returns how many commands went out.
    /// </summary>
    public async Task<int> OfferAsync(
        IReadOnlyCollection<ImageId> images,
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
                var first = !known.TryGetValue((image, host), out var state);
                if (!first && state != ImageHostImportState.Offered)
                {
                    continue; // the host answered: imported, or failed until an admin retries
                }

                if (!offered.TryAdd(image, true) && !first)
                {
                    continue; // offered on this stream already and not answered yet
                }

                if (first)
                {
                    await recordFirstOffer(image, host);
                }

                if (session.TrySend(Command(image)))
                {
                    sent++;
                }
                else
                {
                    _ = offered.TryRemove(image, out _); // the stream ended or its queue is full: offer it again later
                }
            }
        }

        return sent;
    }

    private IEnumerable<AgentSession> HostSessions() => sessions.All.Where(session => session.Agent.Kind == Core.Access.AgentKind.Host);

    private static BrokerMessage Command(ImageId image) => new()
    {
        Command = new Contracts.V1.AgentCommand
        {
            CommandId = Guid.NewGuid().ToString(),
            Kind = AgentCommandKind.ImportImage,
            ImageId = image.Value.ToString(),
        },
    };
}
