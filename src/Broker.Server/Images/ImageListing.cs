using Broker.Core.Hosts;
using Broker.Core.Images;

namespace Broker.Server.Images;

/// <summary>A gold image as the admin sees it: registered (<see cref="ImageImportState.Ready"/>) or still on its way in.</summary>
/// <param name="Id">The image's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Version">Its version.</param>
/// <param name="BaseContentAddress">Empty until a host imported an upload.</param>
/// <param name="SizeBytes">The disk's virtual size; 0 until a host imported an upload.</param>
/// <param name="Status">How far its import got (<see cref="ImageImport.StateOf"/>; <see cref="ImageImportState.Ready"/> for an image registered by address).</param>
/// <param name="Reason">Why it failed, for <see cref="ImageImportState.Failed"/>: each failed host's reason.</param>
/// <param name="Hosts">
/// Its per-host states, by host name: of an upload, the hosts that were offered it; of an image
/// registered by address, the hosts that were offered it to copy from another host (empty while
/// no host was offered it).
/// </param>
/// <param name="HostCount">How many hosts the broker knows (the "m" of "n of m hosts").</param>
/// <param name="RegisteredByAddress">Registered by its base address, not uploaded: hosts copy it from each other.</param>
internal sealed record ImageListing(
    ImageId Id,
    string Name,
    string Version,
    string BaseContentAddress,
    long SizeBytes,
    ImageImportState Status,
    string? Reason,
    IReadOnlyList<ImageHostListing> Hosts,
    int HostCount,
    bool RegisteredByAddress)
{
    /// <summary>How many hosts imported it.</summary>
    public int ImportedHostCount => Hosts.Count(host => host.State == ImageHostImportState.Imported);

    /// <summary>The hosts that could not import it, with their reasons.</summary>
    public IEnumerable<ImageHostListing> FailedHosts => Hosts.Where(host => host.State == ImageHostImportState.Failed);

    /// <summary>An image registered by its address, not uploaded, with its per-host states; always Ready.</summary>
    public static ImageListing Of(
        GoldImage image,
        IEnumerable<ImageImportHost> states,
        IReadOnlyDictionary<HostId, string> hostNames,
        int hostCount)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new(image.Id, image.Name, image.Version, image.Base.Value, image.SizeBytes, ImageImportState.Ready, null, HostsOf(states, hostNames), hostCount, RegisteredByAddress: true);
    }

    /// <summary>An uploaded image with its per-host states; <paramref name="registered"/> once a host imported it.</summary>
    public static ImageListing Of(
        ImageImport import,
        GoldImage? registered,
        IEnumerable<ImageImportHost> states,
        IReadOnlyDictionary<HostId, string> hostNames,
        int hostCount)
    {
        ArgumentNullException.ThrowIfNull(import);
        var rows = states.ToList();
        var status = ImageImport.StateOf(registered is not null, rows);
        var hosts = HostsOf(rows, hostNames);
        var reason = status == ImageImportState.Failed
            ? string.Join("; ", hosts.Select(host => $"host {host.HostName}: {host.Detail}"))
            : null;
        return new(import.Id, import.Name, import.Version, registered?.Base.Value ?? string.Empty, registered?.SizeBytes ?? 0, status, reason, hosts, hostCount, RegisteredByAddress: false);
    }

    private static List<ImageHostListing> HostsOf(IEnumerable<ImageImportHost> states, IReadOnlyDictionary<HostId, string> hostNames)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(hostNames);
        return states
            .Select(row => new ImageHostListing(row.Host, hostNames.GetValueOrDefault(row.Host) ?? row.Host.ToString(), row.State, row.Detail, row.UpdatedAt))
            .OrderBy(host => host.HostName, StringComparer.Ordinal)
            .ToList();
    }
}
