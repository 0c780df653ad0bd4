using Broker.Core.Hosts;
using Broker.Core.Images;

namespace Broker.Server.Images;

/// <summary>One host's state with an image (uploaded or registered by address), as the admin sees it.</summary>
/// <param name="Host">The host's id.</param>
/// <param name="HostName">The host's name (its id when the host is unknown).</param>
/// <param name="State">Offered, Imported or Failed.</param>
/// <param name="Detail">The host's reason for <see cref="ImageHostImportState.Failed"/>.</param>
/// <param name="UpdatedAt">When the state was last set.</param>
internal sealed record ImageHostListing(HostId Host, string HostName, ImageHostImportState State, string? Detail, DateTimeOffset UpdatedAt);
