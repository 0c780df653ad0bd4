namespace Broker.Cli.Admin.Api;

/// <summary>One host's state with an uploaded image (<c>hosts</c> of <c>/api/v1/admin/images/{id}</c>).</summary>
/// <param name="HostId">The host's id.</param>
/// <param name="HostName">The host's name.</param>
/// <param name="State"><c>Offered</c>, <c>Imported</c> or <c>Failed</c>.</param>
/// <param name="Detail">The host's reason for <c>Failed</c>.</param>
/// <param name="UpdatedAt">When the state was last set.</param>
internal sealed record ImageHostInfo(Guid HostId, string HostName, string State, string? Detail, DateTimeOffset UpdatedAt);
