namespace Broker.Core.Cluster;

/// <summary>
/// Short messages between the broker instances that share one database, such as an order for an
/// agent whose stream another instance holds. Best effort: a message published while no instance
/// listens is gone (the reconcile loop derives lasting orders again from stored state). Every
/// listening instance receives every message, the publisher's own included.
/// </summary>
public interface IClusterBus
{
    /// <summary>The longest payload <see cref="PublishAsync"/> takes, in UTF-8 bytes.</summary>
    int MaxPayloadBytes { get; }

    /// <summary>Sends <paramref name="payload"/> to every listening instance.</summary>
    /// <exception cref="ArgumentException">The payload is longer than <see cref="MaxPayloadBytes"/>.</exception>
    Task PublishAsync(string payload, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="received"/> with each message until <paramref name="cancellationToken"/>
    /// ends it; a lost connection to the database is opened again by itself (messages sent meanwhile
    /// are missed).
    /// </summary>
    Task ListenAsync(Func<string, CancellationToken, Task> received, CancellationToken cancellationToken);
}
