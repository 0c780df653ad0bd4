namespace Broker.Cli.Admin.Api;

/// <summary>Body of <c>POST /api/v1/admin/images</c>.</summary>
internal sealed record ImageRequest(string Name, string Version, string BaseContentAddress, long SizeBytes);
