using Broker.Server.Images;

namespace Broker.Server.Api.Images;

/// <summary>One host's state with an uploaded image, as the API shows it.</summary>
/// <param name="HostId">The host's id.</param>
/// <param name="HostName">The host's name.</param>
/// <param name="State"><c>Offered</c> (told to fetch it, no answer yet), <c>Imported</c> or <c>Failed</c>.</param>
/// <param name="Detail">The host's reason for <c>Failed</c>; null otherwise.</param>
/// <param name="UpdatedAt">When the state was last set.</param>
internal sealed record ImageHostResponse(Guid HostId, string HostName, string State, string? Detail, DateTimeOffset UpdatedAt)
{
    public static ImageHostResponse From(ImageHostListing host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new(host.Host.Value, host.HostName, host.State.ToString(), host.Detail, host.UpdatedAt);
    }
}
