namespace Broker.Transfer.Host;

/// <summary>
/// The host agent's desktops and base images as the transfer service sees them. The host agent
/// implements it over its reconciled state; <see cref="InMemoryDesktopRegistry"/> serves tests and tools.
/// </summary>
public interface IDesktopRegistry
{
    /// <summary>The file of the base image with content address <paramref name="contentAddress"/> (64 lowercase hex digits), or null when this host holds none.</summary>
    string? FindBase(string contentAddress);

    /// <summary>The desktop's current state, or null when this host does not hold it.</summary>
    TransferDesktop? Find(string desktopId);

    /// <summary>
    /// Runs <paramref name="action"/> on the desktop's state as it is now (null when this host no
    /// longer holds it) while its authority (epoch, device, revoked check-out) cannot change. A push
    /// commits through this, so a revoke cannot land between its epoch check and its commit.
    /// </summary>
    Task WithSettledAuthorityAsync(string desktopId, Func<TransferDesktop?, Task> action, CancellationToken cancellationToken);
}
