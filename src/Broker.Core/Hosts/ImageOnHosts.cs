namespace Broker.Core.Hosts;

/// <summary>
/// What the broker knows of which hosts hold a pool's image (each host's import state, for an image
/// uploaded to the broker and for one registered by content address alike). Placement prefers the
/// hosts that hold it, so a new desktop can be built at once, then hosts with no answer yet, and
/// leaves out those that failed it, where a desktop would wait until an admin retries the import.
/// </summary>
/// <param name="Holding">Hosts that imported the image.</param>
/// <param name="Failed">Hosts that failed to import it.</param>
public sealed record ImageOnHosts(IReadOnlySet<HostId> Holding, IReadOnlySet<HostId> Failed)
{
    /// <summary>No host is known to hold or to have failed the image.</summary>
    public static ImageOnHosts Unknown { get; } = new(new HashSet<HostId>(), new HashSet<HostId>());
}
