using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Broker.Contracts.V1;
using Broker.Core.Images;
using Broker.Server.Agents;

namespace Broker.Server.Images;

/// <summary>
/// Tells host agents connected to this instance to fetch uploaded images (IMPORT_IMAGE), each image
/// once per stream: a host that reconnects is offered them again, and one that already holds an
/// image only reports it again.
/// </summary>
internal sealed class ImageDistribution(AgentSessions sessions)
{
    private readonly ConditionalWeakTable<AgentSession, ConcurrentDictionary<ImageId, bool>> _offered = [];

    /// <summary>Sends IMPORT_IMAGE for each of <paramref name="images"/> to every connected host not yet offered it on its stream; returns how many commands went out.</summary>
    public int Offer(IReadOnlyCollection<ImageId> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var sent = 0;
        foreach (var session in sessions.All.Where(session => session.Agent.Kind == Core.Access.AgentKind.Host))
        {
            var offered = _offered.GetOrCreateValue(session);
            foreach (var image in images.Where(image => offered.TryAdd(image, true)))
            {
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
